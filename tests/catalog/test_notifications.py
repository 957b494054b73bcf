"""The provider hears review decisions and expiry reminders in the app (and by e-mail)."""

from datetime import timedelta

import pytest
import time_machine

from apps.catalog import services, timers
from apps.workflow.models import Notification, NotificationCategory
from apps.workflow.notifications import notification_list

pytestmark = pytest.mark.django_db


def test_a_return_and_an_approval_reach_the_providers_admins(draft, provider, regulator, outsider):
    services.resource_submit(resource=draft, user=provider)
    services.resource_start_review(resource=draft, reviewer=regulator)
    services.resource_return(resource=draft, reviewer=regulator, note="补充字段说明")
    returned = Notification.objects.get(recipient=provider, verb="catalog.resource.returned")
    assert returned.category == NotificationCategory.DECISION
    assert returned.body == "补充字段说明" and returned.target == draft
    assert returned.link == f"/portal/resources/{draft.pk}/"
    services.resource_submit(resource=draft, user=provider)
    services.resource_start_review(resource=draft, reviewer=regulator)
    services.resource_approve(resource=draft, reviewer=regulator)
    assert Notification.objects.filter(
        recipient=provider, verb="catalog.resource.approved"
    ).exists()
    assert list(notification_list(user=outsider)) == []


def test_an_expiry_reminder_is_a_notification_once(registered, provider):
    with time_machine.travel(registered.expires_at - timedelta(days=80), tick=False):
        timers.run()
        timers.run()
    reminders = Notification.objects.filter(recipient=provider, verb="catalog.resource.expiring")
    assert reminders.count() == 1
    assert reminders.get().category == NotificationCategory.REMINDER
