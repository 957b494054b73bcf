from urllib.parse import quote

from django.http import HttpResponse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A stored document as a download: never rendered inline, never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_header(ascii_name: str, local_name: str | None = None) -> str:
    """`Content-Disposition` of a download named `local_name` in the reader's language
    (`filename*`, RFC 6266: UTF-8, percent-encoded), with the ASCII `ascii_name` as the
    `filename` of clients that read no other. Without a local name, or when it is the
    ASCII one, the ASCII name alone."""
    header = f'attachment; filename="{ascii_name}"'
    if local_name and local_name != ascii_name:
        header += f"; filename*=UTF-8''{quote(local_name, safe='')}"
    return header


def same_site_path(request, target: str | None) -> bool:
    """Whether `target` (a `next` or a stored link) is an address on this site to send the
    browser back to: a printable absolute path of this host. Never a view name, which
    `redirect("ADMIN")` would look up and fail on (NoReverseMatch, a 500), never another
    site."""
    return bool(
        target
        and target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    )
