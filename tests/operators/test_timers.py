from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.operators import services, timers
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import OperatorProfile, OperatorReminder
from tests.workflow.helpers import run_outbox

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def test_notice_closes_when_its_days_are_over(draft_agreement, operator_admin, regulator):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    agreement = services.agreement_approve(agreement=draft_agreement, reviewer=regulator)
    assert timers.run()["closed_notices"] == 0
    with time_machine.travel(agreement.notice_ends_at + timedelta(minutes=1)):
        assert timers.run()["closed_notices"] == 1
    agreement.refresh_from_db()
    assert agreement.status == A.EFFECTIVE


def test_agreement_expires_after_its_end_date(effective):
    with time_machine.travel(at(effective.term_end, 23)):
        assert timers.run()["expired"] == 0
    with time_machine.travel(at(effective.term_end + timedelta(days=1), 0)):
        assert timers.run()["expired"] == 1
        assert timers.run()["expired"] == 0
    effective.refresh_from_db()
    assert effective.status == A.EXPIRED


def test_reminders_90_30_7_days_before_the_end_once_each(effective, settings):
    settings.OPERATORS_REPORT_REMINDER_DAYS = []
    run_outbox()
    mail.outbox.clear()  # the review decisions' e-mails
    end = effective.term_end
    sent = []
    for days_before in (100, 90, 89, 30, 29, 7, 6, 1):
        with time_machine.travel(at(end - timedelta(days=days_before))):
            sent.append(timers.send_reminders(timezone.localdate()))
            run_outbox()
    assert sent == [0, 1, 0, 1, 0, 1, 0, 0]
    assert len(mail.outbox) == 3
    assert effective.number in mail.outbox[0].body


def test_a_late_first_run_sends_only_the_nearest_reminder(effective, settings):
    settings.OPERATORS_REPORT_REMINDER_DAYS = []
    with time_machine.travel(at(effective.term_end - timedelta(days=5))):
        assert timers.send_reminders(timezone.localdate()) == 1
    with time_machine.travel(at(effective.term_end - timedelta(days=4))):
        assert timers.send_reminders(timezone.localdate()) == 0
    assert OperatorReminder.objects.filter(object_id=effective.pk).count() == 3


def test_certification_expiry_reminders(profile, settings):
    settings.OPERATORS_REPORT_REMINDER_DAYS = []
    OperatorProfile.objects.filter(pk=profile.pk).update(
        protection_expires_on=date(2031, 6, 30), crypto_expires_on=date(2031, 7, 10)
    )
    with time_machine.travel(at(date(2031, 6, 25))):
        assert timers.send_reminders(timezone.localdate()) == 2
        assert timers.send_reminders(timezone.localdate()) == 0


@pytest.mark.parametrize(("day", "expected"), [(date(2031, 2, 20), 0), (date(2031, 3, 2), 1)])
def test_annual_report_reminder_before_31_march(profile, settings, day, expected):
    settings.OPERATORS_REMINDER_DAYS = [7]
    OperatorProfile.objects.filter(pk=profile.pk).update(
        protection_expires_on=None, crypto_expires_on=None
    )
    with time_machine.travel(at(day)):
        assert timers.send_reminders(timezone.localdate()) == expected


def test_no_report_reminder_once_filed(profile, operator_admin, settings):
    settings.OPERATORS_REMINDER_DAYS = [7]
    OperatorProfile.objects.filter(pk=profile.pk).update(
        protection_expires_on=None, crypto_expires_on=None
    )
    with time_machine.travel(at(date(2031, 3, 25))):
        services.report_file(user=operator_admin, content="2030年度报告")
        assert timers.send_reminders(timezone.localdate()) == 0


def test_annual_rereview_flag(profile):
    with time_machine.travel(profile.last_reviewed_at + timedelta(days=364)):
        assert timers.run()["rereview_flagged"] == 0
    with time_machine.travel(profile.last_reviewed_at + timedelta(days=366)):
        assert timers.run()["rereview_flagged"] == 1
    profile.refresh_from_db()
    assert profile.rereview_due


def test_beat_task_is_scheduled(settings):
    from apps.operators.tasks import operator_timers

    entry = settings.CELERY_BEAT_SCHEDULE["operators-timers"]
    assert entry["task"] == operator_timers.name == "operators.timers"
