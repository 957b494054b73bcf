"""Deadlines, reminders, escalation and expiry with time travel: working days count
with the regulator's Holiday calendar, and the beat task sends each reminder and each
escalation once."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.grants import access, approval
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.models import Grant, Holiday
from apps.grants.tasks import grant_timers
from apps.workflow import review
from apps.workflow.models import Notification
from tests.grants.conftest import run_checks, submitted

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo(settings.TIME_ZONE)


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


@pytest.fixture
def calendar():
    """A Wednesday some weeks ahead; its Friday and the next Monday are holidays and the
    Saturday between them is worked (调休)."""
    today = timezone.localdate()
    wednesday = today + timedelta(days=14 + (2 - today.weekday()) % 7)
    Holiday.objects.create(day=wednesday + timedelta(days=2), name="假日一")
    Holiday.objects.create(day=wednesday + timedelta(days=3), name="调休上班", kind="workday")
    Holiday.objects.create(day=wednesday + timedelta(days=5), name="假日二")
    return wednesday


def pending(application):
    return review.steps_for(application).get(decision="pending")


def test_a_step_is_due_in_working_days_reminded_then_escalated_once(
    calendar, listed, merchant, operator_admin, regulator
):
    # given an application routed on a Wednesday before the holidays
    with time_machine.travel(at(calendar, 10), tick=False):
        application = submitted(listed, merchant)
        run_checks(application)
    assert application.status == A.IN_REVIEW
    step = pending(application)
    # then its 5 working days skip the Friday and Monday off, count the Saturday worked
    # (Thu, Sat, Tue, Wed, Thu) and end on the Thursday of the next week
    due = at(calendar + timedelta(days=8), 23, 59).replace(second=59)
    assert step.due_at == due
    inbox = Notification.objects.filter(object_id=application.pk)

    # when the beat runs two days before the deadline, nothing is sent
    with time_machine.travel(due - timedelta(hours=40), tick=False):
        assert grant_timers() == {"reminded": 0, "escalated": 0, "expired": 0}
    # within GRANTS_REMINDER_HOURS of it, the operator's reviewers are reminded, once
    with time_machine.travel(due - timedelta(hours=settings.GRANTS_REMINDER_HOURS - 1), tick=False):
        assert grant_timers()["reminded"] == 1
        assert grant_timers()["reminded"] == 0
    reminders = inbox.filter(verb="grants.application.step_due")
    assert {n.recipient.organization_id for n in reminders} == {operator_admin.organization_id}
    # after it, the step is escalated to the regulator that signed the agreement, once
    with time_machine.travel(due + timedelta(hours=10), tick=False):
        assert grant_timers() == {"reminded": 0, "escalated": 1, "expired": 0}
        assert grant_timers()["escalated"] == 0
    overdue = inbox.filter(verb="grants.application.step_overdue")
    assert {n.recipient_id for n in overdue} == {regulator.pk}
    escalations = AuditEvent.objects.filter(
        action="grants.accessapplication.escalate", target_id=str(application.pk)
    )
    assert escalations.count() == 1
    assert json.loads(escalations.get().data)["step"] == step.pk
    # and the reviewer can still decide the overdue step
    with time_machine.travel(due + timedelta(hours=11), tick=False):
        approval.application_decide(
            application=application, user=operator_admin, step_id=step.pk,
            decision="approved", comment="逾期后审核通过",
        )  # fmt: skip
    application.refresh_from_db()
    assert application.status == A.APPROVED


def test_the_next_step_counts_its_own_deadline_from_the_approval(
    calendar, listed, merchant, operator_admin
):
    with time_machine.travel(at(calendar - timedelta(days=7), 9), tick=False):
        application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
        run_checks(application)
    # the operator approves on the Thursday before the holidays
    with time_machine.travel(at(calendar + timedelta(days=1), 16), tick=False):
        approval.application_decide(
            application=application, user=operator_admin, step_id=pending(application).pk,
            decision="approved", comment="同意",
        )  # fmt: skip
    security = pending(application)
    assert security.stage == "application.security"
    # Sat (worked), Tue, Wed, Thu, Fri: 5 working days from that Thursday
    assert security.due_at.date() == calendar + timedelta(days=9)


def test_a_grant_expires_at_the_end_of_its_term_and_its_key_stops_at_once(
    listed, merchant, operator_admin
):
    application = submitted(listed, merchant)
    run_checks(application)
    approval.application_decide(
        application=application, user=operator_admin, step_id=pending(application).pk,
        decision="approved", comment="同意",
    )  # fmt: skip
    grant = Grant.objects.get(application=application)
    # before the beat has run, the key guard already refuses an expired term
    with time_machine.travel(grant.ends_at + timedelta(seconds=1), tick=False):
        assert access.refusal(grant)[0] == "grant_expired"
        assert grant_timers()["expired"] == 1
        assert grant_timers()["expired"] == 0
    grant.refresh_from_db()
    assert grant.status == G.EXPIRED
    assert access.refusal(grant)[0] == "grant_expired"
