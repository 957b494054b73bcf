"""Download links of finished exports: signed (django.core.signing, with a lifetime),
bound to the export and to the key or person who asked for it, so a link replayed by
another key or person, an expired link and a forged one are refused, each with its code
and an audit record. The grant itself is re-checked by the caller on every download
(apps.delivery.selectors.grant_for_records)."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.exceptions import DomainError
from apps.delivery.choices import EXPORT_MEDIA_TYPE, EXPORT_OPEN, ExportStatus
from apps.delivery.exports import denials_audited, export_path, exports_dir
from apps.delivery.models import Export
from apps.delivery.services import actor_of
from apps.grants.choices import GRANT_LIVE
from apps.grants.models import Grant

SALT = "apps.delivery.export-link"
DOWNLOAD = "delivery.export.download"


class LinkRefused(DomainError):
    status = 403


class ExportGone(DomainError):
    status = 410


def principal_of(user, key) -> str:
    return f"k{key.pk}" if key is not None else f"u{user.pk}"


def may_download(export: Export, *, user, key) -> bool:
    return export.status == ExportStatus.SUCCEEDED and export.principal == principal_of(user, key)


def export_link_token(export: Export, *, user, key) -> str:
    return signing.dumps({"e": export.pk, "p": principal_of(user, key)}, salt=SALT)


def link_expires_at():
    return timezone.now() + timedelta(seconds=settings.DELIVERY_EXPORT_LINK_SECONDS)


def file_expires_at(export: Export):
    if export.finished_at is None:
        return None
    return export.finished_at + timedelta(hours=settings.DELIVERY_EXPORT_KEEP_HOURS)


def _read(token: str, export_id: int, principal: str) -> None:
    try:
        data = signing.loads(
            (token or "")[:1000], salt=SALT, max_age=settings.DELIVERY_EXPORT_LINK_SECONDS
        )
    except signing.SignatureExpired:
        raise ExportGone(_("The download link has expired."), code="link_expired") from None
    except signing.BadSignature:
        raise LinkRefused(_("The download link is not valid."), code="link_invalid") from None
    if not isinstance(data, dict) or data.get("e") != export_id:
        raise LinkRefused(_("The download link is not valid."), code="link_invalid")
    if data.get("p") != principal:
        raise LinkRefused(
            _("The download link was issued to another key or person."), code="link_not_yours"
        )


def _file(grant: Grant, export_id: int, principal: str) -> tuple[Export, Path]:
    export = Export.objects.filter(pk=export_id, grant=grant).first()
    if export is None:
        raise LinkRefused(_("The download link is not valid."), code="link_invalid")
    if export.principal != principal:
        raise LinkRefused(
            _("The download link was issued to another key or person."), code="link_not_yours"
        )
    if export.status != ExportStatus.SUCCEEDED:
        raise LinkRefused(_("The export is not ready."), code="export_not_ready")
    path = export_path(export)
    if file_expires_at(export) <= timezone.now() or not path.is_file():
        raise ExportGone(_("The export file is no longer kept."), code="export_expired")
    return export, path


def export_download(*, grant: Grant, export_id: int, user, key=None, token: str):
    """The export and its file, if the link is valid for this caller (audited)."""
    principal = principal_of(user, key)
    with denials_audited(user, key, grant, DOWNLOAD, {"export": export_id}):
        _read(token, export_id, principal)
        export, path = _file(grant, export_id, principal)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
            audit_record(
                actor=actor_of(user, key),
                action=DOWNLOAD,
                target=grant,
                target_org=grant.merchant_id,
                data={
                    "export": export.pk,
                    "format": export.format,
                    "fields": export.fields,
                    "rows": export.rows,
                    "bytes": export.bytes,
                    "sha256": export.sha256,
                    "watermark": export.watermark,
                },
            )
    return export, path


def export_file_response(export: Export, path: Path) -> FileResponse:
    """The file, streamed from disk as an attachment, never cached."""
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"grant-{export.grant.number}-export-{export.pk}{path.suffix}",
        content_type=EXPORT_MEDIA_TYPE[export.format],
    )
    response["X-Watermark"] = export.watermark
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def exports_prune(now=None) -> int:
    """Deletes the files of exports past DELIVERY_EXPORT_KEEP_HOURS and of every export
    of a grant no longer in force (the rows stay: the history and its audit events
    outlive the file). Returns the files removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.DELIVERY_EXPORT_KEEP_HOURS)
    removed = 0
    stale = Export.objects.filter(status=ExportStatus.SUCCEEDED).filter(
        Q(finished_at__lt=cutoff) | ~Q(grant__status__in=GRANT_LIVE)
    )
    done = []
    for export in stale.exclude(file_name="").only("pk", "grant_id", "file_name"):
        path = export_path(export)
        if path.is_file():
            path.unlink()
            removed += 1
        done.append(export.pk)
    Export.objects.filter(pk__in=done).update(file_name="")  # one UPDATE, not one a file
    return removed + _orphans_prune()


def _orphans_prune() -> int:
    """Deletes half-written files (`export-<id>.<job>-<attempt>.part`) of exports no longer
    running: a worker killed while writing leaves its file, and no run takes it over once
    the export has failed. A running export's files are its own (a run that takes over
    removes the earlier ones itself)."""
    parts = {}
    for path in exports_dir().glob("grant-*/export-*.part"):
        number = path.name.removeprefix("export-").partition(".")[0]
        if number.isdigit():
            parts.setdefault(int(number), []).append(path)
    running = set(
        Export.objects.filter(pk__in=parts, status__in=EXPORT_OPEN).values_list("pk", flat=True)
    )
    removed = 0
    for export_id, paths in parts.items():
        if export_id not in running:
            for path in paths:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
