from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A stored document as a download: never rendered inline, never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
