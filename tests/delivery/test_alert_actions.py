"""What an alert does: raised once per window however often beat runs, told to the
product's operator and the regulators, and (when the rule is set to) a key or the grant
suspended on the very next request until the regulator lifts it."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.delivery import tasks
from apps.delivery.alerts import services
from apps.delivery.choices import AlertAction, AlertRule
from apps.delivery.models import Alert
from apps.grants.choices import GrantStatus, SuspendedBy
from apps.grants.issuing import grant_resume
from apps.workflow.models import Notification, NotificationCategory, OutboxItem
from apps.workflow.outbox_mail import MAIL_SEND
from tests.delivery.alerts import event, usage
from tests.delivery.conftest import url

pytestmark = pytest.mark.django_db


def burst(grant, key, count: int = 20):
    now = timezone.now()
    for i in range(count):
        event(grant, actor=key, at=now - timedelta(seconds=i), outcome="denied", reason="x")


def test_the_beat_task_run_twice_raises_each_alert_once(grant):
    usage(grant, {0: 50000})
    assert tasks.alerts_evaluate() == {"raised": 1}
    assert tasks.alerts_evaluate() == {"raised": 0}
    assert Alert.objects.count() == 1
    assert AuditEvent.objects.filter(action="delivery.alert.raise").count() == 1


def test_a_finding_already_raised_in_its_window_is_not_raised_again_even_when_resolved(
    grant, regulator
):
    usage(grant, {0: 50000})
    (alert,) = services.alerts_evaluate()
    services.alert_resolve(alert=alert, user=regulator, note="客户端故障，已修复")
    usage(grant, {0: 90000})
    assert services.alerts_evaluate() == []
    assert Alert.objects.count() == 1


def test_the_operator_and_the_regulator_are_told_in_app_and_by_email(
    grant, operator_admin, regulator, merchant
):
    usage(grant, {0: 50000})
    (alert,) = services.alerts_evaluate()
    told = Notification.objects.filter(category=NotificationCategory.ALERT)
    assert set(told.values_list("recipient", flat=True)) == {operator_admin.pk, regulator.pk}
    assert told.get(recipient=regulator).link == f"/console/alerts/{alert.pk}/"
    assert told.get(recipient=operator_admin).link == f"/portal/alerts/{alert.pk}/"
    mails = OutboxItem.objects.filter(
        topic=MAIL_SEND, key__startswith=f"delivery.alert:{alert.pk}:"
    )
    recipients = {to for item in mails for to in item.payload["to"]}
    assert recipients == {operator_admin.email, regulator.email}
    assert not Notification.objects.filter(recipient=merchant, category="alert").exists()
    # the summary is written in each language of the UI, its counts grouped
    told = told.get(recipient=regulator)
    assert "50,000" in told.body and "今日" in told.body
    assert told.body_en.startswith("50,000 rows read today")


@override_settings(ALERTS_ACTIONS={"denial_burst": "key_suspended"})
def test_a_suspended_key_is_refused_on_its_next_request_until_the_regulator_lifts_it(
    grant, key_client, regulator
):
    assert key_client.get(url(grant, page_size=1)).status_code == 200
    burst(grant, key_client.key)
    (alert,) = services.alerts_evaluate()
    assert alert.action == AlertAction.KEY_SUSPENDED
    assert AuditEvent.objects.filter(action="delivery.alert.key_suspend").exists()
    response = key_client.get(url(grant, page_size=1))
    assert (response.status_code, response.json()["code"]) == (403, "key_suspended")
    assert AuditEvent.objects.filter(outcome="denied", reason="key_suspended").exists()
    # when the regulator lifts it
    services.alert_key_lift(alert=alert, user=regulator, note="误报")
    assert key_client.get(url(grant, page_size=1)).status_code == 200
    lifted = AuditEvent.objects.get(action="delivery.alert.key_lift")
    assert lifted.actor_id == str(regulator.pk) and lifted.reason == "误报"


@override_settings(ALERTS_ACTIONS={"volume": "grant_suspended"}, ALERTS_VOLUME_FLOOR_ROWS=5)
def test_a_grant_suspended_by_an_alert_refuses_the_next_request_and_the_regulator_resumes_it(
    grant, key_client, regulator
):
    # given real reads above the (lowered) floor today
    assert key_client.get(url(grant, page_size=10)).status_code == 200
    (alert,) = services.alerts_evaluate()
    grant.refresh_from_db()
    assert alert.action == AlertAction.GRANT_SUSPENDED
    assert (grant.status, grant.suspended_by) == (GrantStatus.SUSPENDED, SuspendedBy.ALERT)
    response = key_client.get(url(grant, page_size=10))
    assert (response.status_code, response.json()["code"]) == (403, "grant_suspended")
    # when the regulator resumes the grant
    grant_resume(grant=grant, user=regulator, note="核实无异常")
    assert key_client.get(url(grant, page_size=1)).status_code == 200


@override_settings(ALERTS_ACTIONS={"volume": "key_suspended"})
def test_a_key_action_on_a_finding_without_a_key_does_nothing(grant):
    usage(grant, {0: 50000})
    (alert,) = services.alerts_evaluate()
    assert alert.action == AlertAction.NONE and alert.rule == AlertRule.VOLUME


def test_beat_runs_the_rules_every_few_minutes():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["delivery-alerts"]
    assert entry["task"] == "delivery.alerts_evaluate" in app.tasks
    assert entry["schedule"] <= 600


def test_a_run_that_dies_half_way_leaves_nothing_and_the_next_run_raises_the_alert(
    grant, monkeypatch, regulator
):
    usage(grant, {0: 50000})

    def killed(alert):
        raise SystemExit("worker killed while telling")

    # when the worker dies after writing the alert, before its notifications
    monkeypatch.setattr(services, "_tell", killed)
    with pytest.raises(SystemExit):
        services.alerts_evaluate()
    # then nothing of it stayed
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.filter(action="delivery.alert.raise").exists()
    # and the next run raises it whole, once
    monkeypatch.undo()
    assert len(services.alerts_evaluate()) == 1
    assert Notification.objects.filter(recipient=regulator, category="alert").count() == 1
