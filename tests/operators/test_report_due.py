"""Defect 3.7: the annual disclosure date is a setting, and a report not filed by it is
flagged to the regulator (console list, audit event, e-mail through the outbox)."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.operators import services, timers
from apps.operators.models import OperatorProfile
from apps.operators.report_due import overdue_reports, report_due_on
from apps.workflow.models import Notification
from tests.conftest import login_web
from tests.workflow.helpers import run_outbox

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def quiet_profile(profile, settings):
    settings.OPERATORS_REMINDER_DAYS = [7]
    settings.OPERATORS_REPORT_REMINDER_DAYS = []
    OperatorProfile.objects.filter(pk=profile.pk).update(
        protection_expires_on=None, crypto_expires_on=None
    )
    return profile


def test_the_due_date_is_a_setting(settings):
    assert report_due_on(2031) == date(2031, 3, 31)
    settings.OPERATORS_ANNUAL_REPORT_DUE = "04-30"
    assert report_due_on(2031) == date(2031, 4, 30)
    settings.OPERATORS_ANNUAL_REPORT_DUE = "02-29"
    assert report_due_on(2031) == date(2031, 2, 28)


def test_a_report_not_filed_by_31_march_is_flagged_to_the_regulator_once(quiet_profile, regulator):
    with time_machine.travel(at(date(2031, 3, 31), 23)):
        assert timers.run()["reports_overdue"] == 0
    with time_machine.travel(at(date(2031, 4, 1))):
        assert timers.run()["reports_overdue"] == 1
        assert timers.run()["reports_overdue"] == 0
        mail.outbox.clear()  # the qualification decision's e-mail to the operator
        run_outbox()  # the flag: the regulator's notification and its e-mail item
        run_outbox()  # the e-mail
    event = AuditEvent.objects.get(action="operators.annualreport.overdue")
    assert event.target_org_id == quiet_profile.organization_id
    assert json.loads(event.data)["year"] == 2030
    to_regulator = [m for m in mail.outbox if regulator.email in m.to]
    assert [m.to for m in to_regulator] == [[regulator.email]]
    assert quiet_profile.organization.name in to_regulator[0].body
    notice = Notification.objects.get(recipient=regulator, verb="operators.annualreport.overdue")
    assert quiet_profile.organization.name in notice.title


def test_a_later_due_date_moves_the_flag(quiet_profile, settings):
    settings.OPERATORS_ANNUAL_REPORT_DUE = "04-30"
    with time_machine.travel(at(date(2031, 4, 1))):
        assert timers.run()["reports_overdue"] == 0
    with time_machine.travel(at(date(2031, 5, 1))):
        assert timers.run()["reports_overdue"] == 1


def test_a_report_filed_in_time_is_not_flagged(quiet_profile, operator_admin):
    with time_machine.travel(at(date(2031, 3, 20))):
        services.report_file(user=operator_admin, content="2030年度报告")
    with time_machine.travel(at(date(2031, 4, 2))):
        assert timers.run()["reports_overdue"] == 0
        assert list(overdue_reports(timezone.localdate())) == []


def test_an_operator_qualified_this_year_owes_no_report_for_last_year(quiet_profile):
    OperatorProfile.objects.filter(pk=quiet_profile.pk).update(qualified_at=at(date(2031, 2, 1)))
    with time_machine.travel(at(date(2031, 4, 2))):
        assert timers.run()["reports_overdue"] == 0


def test_the_console_lists_overdue_reports(quiet_profile, regulator, web):
    with time_machine.travel(at(date(2031, 4, 2)), tick=True):
        login_web(web, regulator)
        page = web.get("/console/annual-reports/")
    assert page.status_code == 200
    section = page.content.decode().split('id="overdue-reports"')[1].split("</section>")[0]
    assert quiet_profile.organization.name in section
    assert "2031-03-31" in section
