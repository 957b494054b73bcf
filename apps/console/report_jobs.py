"""Supervision reports as outbox jobs (topic `console.report`): a regulator asks for a
month or a year, a worker computes the figures, writes the XLSX and the PDF under
DATA_DIR/reports/<job id>/ and stores the figures on the item, reporting its progress
as it goes; the console page shows the progress and then the report."""

from pathlib import Path

from django.utils import translation

from apps.accounts.models import User
from apps.audit.choices import Retention
from apps.audit.services import audit_record
from apps.console import report_files, report_sections
from apps.console.report_figures import ANNUAL, MONTHLY, report_figures
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import lease_kept, lease_renew, outbox_add

REPORT = "console.report"
KINDS = (MONTHLY, ANNUAL)
FORMATS = ("xlsx", "pdf")


def report_start(*, user: User, kind: str, year: int, month: int | None, language: str):
    """Queues a report; the request itself is audited."""
    payload = {
        "kind": kind,
        "year": year,
        "month": month if kind == MONTHLY else None,
        "requested_by": user.pk,
        "language": language,
    }
    item = outbox_add(topic=REPORT, payload=payload)
    audit_record(
        actor=user, action="console.report.request", target=item, data=payload,
        retention=Retention.ACCESS,
    )  # fmt: skip
    return item


def report_name(payload: dict) -> str:
    if payload.get("kind") == ANNUAL:
        return f"report-{payload['year']}"
    return f"report-{payload['year']}-{payload['month']:02d}"


def report_path(item: OutboxItem, fmt: str) -> Path:
    return report_files.reports_dir() / str(item.pk) / f"{report_name(item.payload)}.{fmt}"


def report_context(item: OutboxItem, figures: dict) -> dict:
    """What the page and the PDF show, in the active language."""
    requester = User.objects.filter(pk=item.payload.get("requested_by")).first()
    return {
        "heading": report_sections.title(figures["period"]),
        "generated": report_sections.generated_label(figures),
        "requested_by": requester.get_username() if requester else "",
        "sections": report_sections.sections(figures),
        "language": translation.get_language(),
    }


def report_job(item: OutboxItem) -> None:
    """Computes the figures, writes both files, keeps the figures on the item."""
    payload = item.payload
    lease_renew(item, progress=0.05)
    with lease_kept(item):
        figures = report_figures(
            kind=payload["kind"], year=payload["year"], month=payload.get("month")
        )
    lease_renew(item, progress=0.4)
    with translation.override(payload.get("language") or "zh-hans"):
        context = report_context(item, figures)
        folder = report_path(item, "xlsx").parent
        folder.mkdir(parents=True, exist_ok=True)
        report_path(item, "xlsx").write_bytes(
            report_files.xlsx(context["heading"], context["sections"])
        )
        lease_renew(item, progress=0.6)
        with lease_kept(item):
            report_path(item, "pdf").write_bytes(report_files.pdf(context))
    lease_renew(item, progress=0.95)
    item.result = {"figures": figures, "files": list(FORMATS)}
    audit_record(
        actor=User.objects.filter(pk=payload.get("requested_by")).first(),
        action="console.report.generate",
        target=item,
        data={"kind": payload["kind"], "year": payload["year"], "month": payload.get("month")},
        retention=Retention.ACCESS,
    )


def report_list(limit: int = 20):
    return OutboxItem.objects.filter(topic=REPORT).order_by("-pk")[:limit]
