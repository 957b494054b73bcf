"""Operators hear qualification and agreement decisions and their reminders in the app."""

from datetime import timedelta

import pytest
import time_machine

from apps.operators import services, timers
from apps.workflow.models import Notification, NotificationCategory
from tests.operators.test_timers import at

pytestmark = pytest.mark.django_db


def verbs(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def test_the_qualification_decision_reaches_the_operators_admins(profile, operator_admin):
    notice = Notification.objects.get(
        recipient=operator_admin, verb="operators.qualification.approved"
    )
    assert notice.category == NotificationCategory.DECISION
    assert notice.link == "/portal/operator/profile/"


def test_agreement_decisions_reach_the_operator_not_its_members(
    draft_agreement, operator_admin, operator_member, regulator
):
    agreement = services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    services.agreement_return(agreement=agreement, reviewer=regulator, reason="期限过长")
    agreement = services.agreement_submit(agreement=agreement, user=operator_admin)
    services.agreement_approve(agreement=agreement, reviewer=regulator)
    assert {"operators.agreement.returned", "operators.agreement.approved"} <= verbs(operator_admin)
    assert not verbs(operator_member)


def test_an_agreement_end_reminder_is_a_notification(effective, operator_admin, settings):
    settings.OPERATORS_REPORT_REMINDER_DAYS = []
    with time_machine.travel(at(effective.term_end - timedelta(days=89))):
        timers.send_reminders(effective.term_end - timedelta(days=89))
    reminder = Notification.objects.get(recipient=operator_admin, verb="operators.agreement_end")
    assert reminder.link == f"/portal/agreements/{effective.pk}/"
    assert effective.number in reminder.body
