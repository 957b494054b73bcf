"""Periodic operator work: close notices, expire agreements, remind, flag re-reviews."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.choices import Role
from apps.operators.choices import IN_FORCE, ReminderSubject
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import (
    AuthorizationAgreement,
    OperatorProfile,
    OperatorReminder,
)
from apps.operators.report_due import flag_overdue_reports, operators_owing_report, report_due_on
from apps.operators.services import agreement_ends, agreement_review
from apps.operators.services.qualification import rereview_flag
from apps.workflow import notice
from apps.workflow.models import NotificationCategory
from apps.workflow.notifications import Phrase, notify


def run(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    closed = [
        agreement_review.agreement_close_notice(agreement_id=pk, now=now)
        for pk in notice.due_notice_ids(AuthorizationAgreement, now=now)
    ]
    ending = AuthorizationAgreement.objects.filter(status__in=IN_FORCE, term_end__lt=today)
    expired = [
        agreement_ends.agreement_expire(agreement_id=pk, today=today)
        for pk in ending.values_list("pk", flat=True)
    ]
    return {
        "closed_notices": sum(1 for a in closed if a and a.status == A.EFFECTIVE),
        "expired": sum(1 for a in expired if a),
        "reminders": send_reminders(today),
        "rereview_flagged": rereview_flag(now=now),
        "reports_overdue": flag_overdue_reports(today),
    }


def _claim(subject: str, object_id: int, due_on: date, due: list[int]) -> bool:
    """Marks every lead time already reached; True only when the nearest one is new."""
    try:
        with transaction.atomic():
            OperatorReminder.objects.create(
                subject=subject, object_id=object_id, due_on=due_on, days_before=min(due)
            )
    except IntegrityError:
        return False
    OperatorReminder.objects.bulk_create(
        [
            OperatorReminder(subject=subject, object_id=object_id, due_on=due_on, days_before=d)
            for d in due
        ],
        ignore_conflicts=True,
    )
    return True


def _remind(subject, object_id, due_on: date, today: date, days: list[int], org_id, text) -> int:
    """The reminder row and its e-mail (an outbox item) commit together, or neither."""
    due = [d for d in days if due_on <= today + timedelta(days=d)]
    if not due or due_on < today:
        return 0
    with transaction.atomic():
        if not _claim(subject, object_id, due_on, due):
            return 0
        _notify(
            subject,
            object_id,
            org_id,
            text.also(days=(due_on - today).days, date=due_on.isoformat()),
            key=f"operators.{subject}:{object_id}:{due_on.isoformat()}:{min(due)}",
        )
    return 1


def send_reminders(today: date) -> int:
    days = sorted(settings.OPERATORS_REMINDER_DAYS)
    horizon = today + timedelta(days=max(days))
    sent = 0
    for a in AuthorizationAgreement.objects.filter(
        status__in=IN_FORCE, term_end__gte=today, term_end__lte=horizon
    ):
        text = Phrase(
            gettext_lazy("Agreement %(number)s ends on %(date)s (in %(days)d days)."),
            number=a.number,
        )
        sent += _remind(
            ReminderSubject.AGREEMENT_END, a.pk, a.term_end, today, days, a.operator_id, text
        )
    live = OperatorProfile.objects.filter(status__in=[Q.QUALIFIED, Q.SUSPENDED])
    for p in live.filter(protection_expires_on__gte=today, protection_expires_on__lte=horizon):
        text = Phrase(
            gettext_lazy(
                "The classified protection certificate expires on %(date)s (in %(days)d days)."
            )
        )
        sent += _remind(
            ReminderSubject.PROTECTION,
            p.pk,
            p.protection_expires_on,
            today,
            days,
            p.organization_id,
            text,
        )
    for p in live.filter(crypto_expires_on__gte=today, crypto_expires_on__lte=horizon):
        text = Phrase(
            gettext_lazy("The cryptography assessment expires on %(date)s (in %(days)d days).")
        )
        sent += _remind(
            ReminderSubject.CRYPTO, p.pk, p.crypto_expires_on, today, days, p.organization_id, text
        )
    return sent + _report_reminders(today)


def _report_reminders(today: date) -> int:
    """Before the due date (OPERATORS_ANNUAL_REPORT_DUE): operators that owe last year's
    report."""
    deadline = report_due_on(today.year)
    if today > deadline:
        return 0
    text = Phrase(
        gettext_lazy(
            "The annual report for the previous year is due on %(date)s (in %(days)d days)."
        )
    )
    sent = 0
    for p in operators_owing_report(today.year - 1):
        sent += _remind(
            ReminderSubject.ANNUAL_REPORT,
            p.organization_id,
            deadline,
            today,
            sorted(settings.OPERATORS_REPORT_REMINDER_DAYS),
            p.organization_id,
            text,
        )
    return sent


LINKS = {
    ReminderSubject.AGREEMENT_END: ("portal:agreement_detail", True),
    ReminderSubject.PROTECTION: ("portal:operator_profile", False),
    ReminderSubject.CRYPTO: ("portal:operator_profile", False),
    ReminderSubject.ANNUAL_REPORT: ("portal:operator_reports", False),
}


def _notify(subject: str, object_id: int, org_id: int, body: Phrase, *, key: str) -> None:
    """The organization's admins, in the app and (unless turned off) by e-mail."""
    name, with_pk = LINKS[subject]
    notify(
        category=NotificationCategory.REMINDER,
        verb=f"operators.{subject}",
        title=gettext_lazy("Public data platform reminder"),
        body=body,
        organization=org_id,
        roles=[Role.ADMIN],
        link=reverse(name, args=[object_id] if with_pk else []),
        key=key,
    )
