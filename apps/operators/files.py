"""Stores uploaded documents under OPERATORS_FILES_DIR, sniffing their real type."""

import hashlib
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exceptions import DomainError, InvalidInput

# Decided by the first bytes, not by the name or the client's Content-Type.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}
# Further extensions a type is known by; the first of SIGNATURES is its usual one.
OTHER_SUFFIXES = {"image/jpeg": {".jpeg"}}
NAME_LIMIT = 255
_EXTENSION = re.compile(r"\.[^\W_]{1,16}")


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to OPERATORS_FILES_DIR
    name: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


def named_as(name: str, content_type: str, suffix: str) -> str:
    """The uploader's base name with the extension of the type found in the bytes, so a
    download saved and opened locally opens as what it is: `invoice.html` or `invoice.exe`
    holding a PDF is kept as `invoice.pdf`, `scan` as `scan.pdf`. An extension the type
    already has is kept, in lower case (`report.PDF` -> `report.pdf`, `photo.jpeg`)."""
    # Trailing dots and spaces go, as Windows drops them when saving (`a.html.` is a.html).
    base = Path(name or "").name.strip().rstrip(". ") or "upload"
    stem, extension = os.path.splitext(base)
    if extension.lower() in {suffix, *OTHER_SUFFIXES.get(content_type, ())}:
        suffix = extension.lower()
    elif not _EXTENSION.fullmatch(extension):
        stem = base  # none, or no extension a file manager would go by: appended
    return stem[: NAME_LIMIT - len(suffix)] + suffix


def download_name(name: str, content_type: str) -> str:
    """The name a stored document is downloaded under: `named_as` its stored type, so
    documents stored before names followed their type download right too."""
    suffix = next((s for t, s in SIGNATURES.values() if t == content_type), None)
    return named_as(name, content_type, suffix) if suffix else Path(name or "upload").name


def store(upload, *, folder: str, field: str = "file") -> StoredFile:
    """Checks size and type, writes the file and returns its SHA-256."""
    limit = settings.OPERATORS_DOCUMENT_MAX_BYTES
    if upload is None:
        raise InvalidInput(_("Attach a file."), details={field: [_("This field is required.")]})
    if upload.size > limit:
        raise InvalidInput(
            _("The file is larger than %(limit)d bytes.") % {"limit": limit},
            code="file_too_large",
            details={field: [_("At most %(limit)d bytes.") % {"limit": limit}]},
        )
    upload.seek(0)
    kind = sniff(upload.read(16))
    if kind is None:
        raise InvalidInput(
            _("Only PDF, PNG and JPEG files are accepted."),
            code="unsupported_file_type",
            details={field: [_("Only PDF, PNG and JPEG files are accepted.")]},
        )
    content_type, suffix = kind
    relative = Path(folder) / f"{uuid.uuid4().hex}{suffix}"
    target = Path(settings.OPERATORS_FILES_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    upload.seek(0)
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    name = named_as(getattr(upload, "name", ""), content_type, suffix)
    return StoredFile(str(relative), name, content_type, upload.size, digest.hexdigest())


def open_stored(relative: str):
    base = Path(settings.OPERATORS_FILES_DIR).resolve()
    path = (base / relative).resolve()
    if base not in path.parents:
        raise FileNotFoundError(relative)
    return open(path, "rb")


class StoredFileDamaged(DomainError):
    code = "file_damaged"
    status = 409
    default_message = gettext_lazy("The stored file is missing or no longer matches its SHA-256.")


def read_verified(relative: str, sha256: str) -> tuple[bytes, str]:
    """The stored bytes and their type, only if they still hash to the recorded SHA-256:
    a document altered on disk is refused, never served."""
    try:
        with open_stored(relative) as handle:
            content = handle.read(settings.OPERATORS_DOCUMENT_MAX_BYTES + 1)
    except FileNotFoundError:
        raise StoredFileDamaged() from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise StoredFileDamaged()
    kind = sniff(content[:16])
    return content, kind[0] if kind else "application/octet-stream"


@contextmanager
def store_then_commit(upload, *, folder: str, field: str = "file"):
    """Writes the file before the caller's transaction opens (no disk I/O while rows are
    locked) and removes it again if that transaction fails, so nothing is left orphaned."""
    stored = store(upload, folder=folder, field=field) if upload is not None else None
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        if stored is not None:
            (Path(settings.OPERATORS_FILES_DIR) / stored.path).unlink(missing_ok=True)
        raise


def remove_replaced(relative: str, *, replacement: str) -> None:
    """Deletes a stored file that a new one replaced, once the replacement is committed.

    Replaced drafts are not kept: the audit record of each upload holds its name and
    SHA-256, and a document is fixed (never replaced) once public notice starts.
    """
    if not relative or relative == replacement:
        return
    target = Path(settings.OPERATORS_FILES_DIR) / relative
    transaction.on_commit(lambda: target.unlink(missing_ok=True))


# Upper apps that store files here (apps.grants: application attachments) register what
# their rows point to; this module cannot import them.
_PATH_SOURCES: list = []


def referenced_paths_register(source) -> None:
    """`source()` returns the stored paths (relative to OPERATORS_FILES_DIR) rows use."""
    if source not in _PATH_SOURCES:
        _PATH_SOURCES.append(source)


def referenced_paths() -> set[str]:
    """Every stored file a row points to (documents, signed agreements, attachments)."""
    from apps.operators.models import AnnualReport, AuthorizationAgreement, QualificationDocument

    paths = set(QualificationDocument.objects.values_list("file_path", flat=True))
    paths |= set(AuthorizationAgreement.objects.values_list("document_path", flat=True))
    paths |= set(AnnualReport.objects.values_list("attachment_path", flat=True))
    for source in _PATH_SOURCES:
        paths |= set(source())
    return {path for path in paths if path}
