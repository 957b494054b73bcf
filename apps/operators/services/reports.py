"""Annual reports: the operator files for the previous year; the regulator accepts or returns."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import files
from apps.operators.choices import ReportStatus as R
from apps.operators.models import AnnualReport
from apps.operators.services.common import require_reason
from apps.workflow.policy import require_regulator
from apps.workflow.transitions import record_change


def report_file(*, user: User, content: str, year: int | None = None, upload=None) -> AnnualReport:
    """Files (or, once returned, files again) the report for a past year, by default the
    previous one."""
    org = user.organization
    if org is None or org.kind != OrganizationKind.OPERATOR:
        raise PermissionDeniedError(_("Only operating entities file annual reports."))
    this_year = timezone.localdate().year
    year = year or this_year - 1
    if year >= this_year:
        raise InvalidInput(details={"year": [_("A report covers a past year.")]})
    if not (content or "").strip():
        raise InvalidInput(details={"content": [_("This field is required.")]})
    folder = f"reports/{org.pk}"
    with files.store_then_commit(upload, folder=folder, field="attachment") as stored:
        return _file(org, user, year, content, stored)


def _file(org, user: User, year: int, content: str, stored) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().filter(operator=org, year=year).first()
    if report is not None and report.status != R.RETURNED:
        raise TransitionNotAllowed(
            _("The report for %(year)d is already filed.") % {"year": year}, code="already_filed"
        )
    report = report or AnnualReport(operator=org, year=year)
    report.content, report.filed_by, report.status = content, user, R.FILED
    report.reviewed_by, report.reviewed_at = None, None
    if stored:
        files.remove_replaced(report.attachment_path, replacement=stored.path)
        report.attachment_name, report.attachment_path = stored.name, stored.path
        report.attachment_sha256 = stored.sha256
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # filed concurrently by a colleague
        raise TransitionNotAllowed(
            _("The report is already filed."), code="already_filed"
        ) from None
    record_change(user, "operators.annualreport.filed", report, data={"year": report.year})
    return report


def _decide(report: AnnualReport, reviewer: User, to: str, note: str) -> AnnualReport:
    require_regulator(reviewer)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != R.FILED:
        raise TransitionNotAllowed(_("Only a filed report can be accepted or returned."))
    record_change(
        reviewer,
        f"operators.annualreport.{to}",
        report,
        reason=note,
        before={"status": report.status},
        after={"status": to},
    )
    report.status, report.review_note = to, note
    report.reviewed_by, report.reviewed_at = reviewer, timezone.now()
    report.save()
    return report


@transaction.atomic
def report_accept(*, report: AnnualReport, reviewer: User, note: str = "") -> AnnualReport:
    return _decide(report, reviewer, R.ACCEPTED, note)


@transaction.atomic
def report_return(*, report: AnnualReport, reviewer: User, reason: str) -> AnnualReport:
    return _decide(report, reviewer, R.RETURNED, require_reason(reason))
