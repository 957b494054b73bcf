"""A grant's life in-process: the product/agreement cascade, renewal as a new version,
and the beat timers (reminders, escalation, expiry) with time travel."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.services import api_key_create
from apps.grants import applications, approval, timers
from apps.grants.access import key_bind, refusal
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.choices import SuspendedBy
from apps.grants.issuing import grant_resume, grant_suspend
from apps.grants.models import Grant, GrantKey
from apps.operators import services as operators
from apps.workflow import review
from apps.workflow.models import Notification
from tests.grants.conftest import run_checks, submitted

pytestmark = pytest.mark.django_db


def approve_all(application, *deciders):
    for user in deciders:
        step = review.steps_for(application).filter(decision="pending").get()
        approval.application_decide(
            application=application,
            user=user,
            step_id=step.pk,
            decision="approved",
            comment="同意",
        )
    application.refresh_from_db()


@pytest.fixture
def grant(listed, merchant, operator_admin):
    application = submitted(listed, merchant)
    run_checks(application)
    approve_all(application, operator_admin)
    assert application.status == A.APPROVED
    return Grant.objects.get(application=application)


def fresh(grant):
    return Grant.objects.get(pk=grant.pk)


def test_agreement_suspension_reaches_the_grant_and_lifting_restores_it(
    grant, effective, regulator
):
    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    suspended = fresh(grant)
    assert (suspended.status, suspended.suspended_by) == (G.SUSPENDED, SuspendedBy.CASCADE)
    assert refusal(suspended)[0] == "grant_suspended"
    operators.agreement_resume(agreement=effective, reviewer=regulator)
    assert fresh(grant).status == G.ACTIVE
    assert refusal(fresh(grant)) is None


def test_a_person_cannot_lift_a_cascade_suspension_and_the_cascade_keeps_a_persons(
    grant, effective, regulator, operator_admin
):
    from apps.core.exceptions import TransitionNotAllowed

    grant_suspend(grant=grant, user=operator_admin, reason="异常调用")
    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    operators.agreement_resume(agreement=effective, reviewer=regulator)
    assert fresh(grant).status == G.SUSPENDED  # the operator's own suspension stands
    grant_resume(grant=grant, user=operator_admin, note="已处理")
    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="再次整改")
    with pytest.raises(TransitionNotAllowed) as refused:
        grant_resume(grant=fresh(grant), user=regulator, note="x")
    assert refused.value.code == "suspended_by_cascade"


def test_agreement_revocation_revokes_the_grant(grant, effective, regulator):
    operators.agreement_revoke(agreement=effective, reviewer=regulator, reason="严重违规")
    assert fresh(grant).status == G.REVOKED


def test_renewal_is_a_new_version_that_takes_the_keys_over(grant, merchant, operator_admin):
    key, _raw = api_key_create(organization=merchant.organization, created_by=merchant, name="k")
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    renewal = applications.application_follow_up(
        grant=grant,
        user=merchant,
        kind="renewal",
        data={"requested_end": grant.application.requested_end + timedelta(days=30)},
    )
    assert renewal.fields == grant.application.fields  # nothing re-typed
    applications.application_submit(application=renewal, user=merchant)
    run_checks(renewal)
    assert renewal.route["steps"][0]["days"] == 3  # the renewal rule's shorter deadline
    assert fresh(grant).status == G.ACTIVE  # valid until the new version is issued
    approve_all(renewal, operator_admin)
    new = Grant.objects.get(application=renewal)
    assert (new.number, new.version, new.previous_id) == (grant.number, 2, grant.pk)
    assert fresh(grant).status == G.SUPERSEDED
    assert GrantKey.objects.get(api_key=key).grant_id == new.pk


def test_reminder_then_escalation_once_each(listed, merchant, operator_admin, regulator):
    application = submitted(listed, merchant)
    run_checks(application)
    step = review.steps_for(application).get(decision="pending")
    with time_machine.travel(step.due_at - timedelta(hours=2)):
        assert timers.remind() == 1
        assert timers.remind() == 0
    assert (
        Notification.objects.filter(
            recipient=operator_admin, verb="grants.application.step_due"
        ).count()
        == 1
    )
    with time_machine.travel(step.due_at + timedelta(minutes=1)):
        assert timers.escalate() == 1
        assert timers.escalate() == 0
    assert Notification.objects.filter(
        recipient=regulator, verb="grants.application.step_overdue"
    ).exists()


def test_holidays_push_the_deadline(listed, merchant):
    from apps.grants.models import Holiday

    today = timezone.localdate()
    for n in range(1, 8):
        Holiday.objects.create(day=today + timedelta(days=n), name="国庆节", kind="holiday")
    application = submitted(listed, merchant)
    run_checks(application)
    step = review.steps_for(application).get(decision="pending")
    assert timezone.localtime(step.due_at).date() > today + timedelta(days=7)


def test_expiry_by_time_reaches_the_grant_before_and_after_the_timer(grant):
    with time_machine.travel(grant.ends_at + timedelta(seconds=1)):
        assert refusal(fresh(grant))[0] == "grant_expired"
        assert timers.expire() == 1
        assert fresh(grant).status == G.EXPIRED
