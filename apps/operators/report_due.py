"""The annual disclosure deadline (OPERATORS_ANNUAL_REPORT_DUE, 31 March by default) and
the operators that missed it, which the regulator is told about (console list, audit
event and e-mail through the outbox, once per operator and year)."""

import calendar
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.choices import Role
from apps.operators.choices import QualificationStatus, ReportStatus
from apps.operators.models import AnnualReport, OperatorProfile
from apps.workflow.models import NotificationCategory, OutboxItem
from apps.workflow.notifications import Phrase, notify_regulators
from apps.workflow.outbox import outbox_add
from apps.workflow.transitions import record_change

REPORT_OVERDUE = "operators.report_overdue"  # outbox topic: tell the regulator


def report_due_on(year: int) -> date:
    """The day by which the report for `year - 1` is due ("MM-DD"; 29 Feb → 28 Feb)."""
    month, day = (int(part) for part in settings.OPERATORS_ANNUAL_REPORT_DUE.split("-"))
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def operators_owing_report(year: int) -> QuerySet[OperatorProfile]:
    """Live operators qualified before `year + 1` began with no filed or accepted report
    for `year` (a returned report counts as not filed)."""
    done = AnnualReport.objects.filter(year=year).exclude(status=ReportStatus.RETURNED)
    start = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    return (
        OperatorProfile.objects.filter(
            status__in=[QualificationStatus.QUALIFIED, QualificationStatus.SUSPENDED]
        )
        .filter(Q(qualified_at__isnull=True) | Q(qualified_at__lt=start))
        .exclude(organization_id__in=done.values("operator_id"))
        .select_related("organization")
    )


def overdue_reports(today: date) -> QuerySet[OperatorProfile]:
    """Operators whose report for last year was not filed by this year's due date."""
    if today <= report_due_on(today.year):
        return OperatorProfile.objects.none()
    return operators_owing_report(today.year - 1)


def flag_overdue_reports(today: date) -> int:
    """Timer: flags each overdue report to the regulator once (audit event + e-mail)."""
    flagged = 0
    year, due = today.year - 1, report_due_on(today.year)
    for profile in overdue_reports(today):
        item = outbox_add(
            topic=REPORT_OVERDUE,
            payload={"operator": profile.organization_id, "year": year, "due": due.isoformat()},
            obj=profile,
            key=f"{profile.organization_id}:{year}",
        )
        if item is None:
            continue  # flagged before
        record_change(
            None,
            "operators.annualreport.overdue",
            profile,
            target_org=profile.organization_id,
            outcome="error",
            reason="annual_report_overdue",
            data={"year": year, "due": due.isoformat()},
        )
        flagged += 1
    return flagged


def report_overdue_handler(item: OutboxItem) -> None:
    """Tells the regulator's admins (resolved now, not when flagged), in the app and by
    e-mail (once per operator and year, however often the item runs)."""
    from apps.accounts.models import Organization

    operator = Organization.objects.get(pk=item.payload["operator"])
    params = {"operator": operator, "year": item.payload["year"], "due": item.payload["due"]}
    notify_regulators(
        category=NotificationCategory.ALERT,
        verb="operators.annualreport.overdue",
        title=Phrase(gettext_lazy("Annual report overdue: %(operator)s"), **params),
        body=Phrase(
            gettext_lazy(
                "%(operator)s has not filed its annual disclosure report for %(year)s, due on "
                "%(due)s."
            ),
            **params,
        ),
        roles=[Role.ADMIN],
        link=reverse("console:operator_reports"),
        key=f"operators.report_overdue:{operator.pk}:{item.payload['year']}",
    )
