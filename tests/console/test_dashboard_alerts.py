"""The dashboard's delivery and alert figures (computed by beat into the day's snapshot)
and the live "open alerts" to-do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.console import figures
from apps.delivery.alerts import services
from tests.console.test_dashboard import chart_block, home
from tests.delivery.alerts import usage

pytestmark = pytest.mark.django_db


def test_deliveries_per_day_cover_90_days_with_calls_rows_and_bytes(web, regulator, grant):
    usage(grant, {0: 50000, 3: 700, 89: 100, 90: 999})
    figures.dashboard_refresh()
    page = home(web, regulator)
    days = figures.latest_snapshot().figures["deliveries"]["days"]
    assert len(days) == 90
    today = timezone.localdate()
    assert days[-1] == [today.isoformat(), 500, 50000, 2000000]
    assert days[0] == [(today - timedelta(days=89)).isoformat(), 1, 100, 4000]
    assert sum(day[2] for day in days) == 50800  # the 91st day back is out
    # the table (newest first) and the line chart carry the same numbers
    assert 'id="figure-deliveries"' in page and "<td>50,000</td>" in page
    chart = chart_block(page)["deliveries"]
    assert chart["type"] == "line" and len(chart["categories"]) == 90
    assert chart["series"][1]["data"][-1] == 50000


def test_alerts_by_rule_and_the_open_alerts_todo(web, regulator, grant):
    usage(grant, {0: 50000})
    (alert,) = services.alerts_evaluate()
    figures.dashboard_refresh()
    page = home(web, regulator)
    assert figures.latest_snapshot().figures["alerts"]["by"] == {"volume|open": 1}
    assert 'href="/console/alerts/?rule=volume&amp;status=open">1</a>' in page
    assert chart_block(page)["alerts"]["series"][0]["data"][0] == 1
    todo = page[page.index('id="todo-open_alerts"') :][:400]
    assert 'href="/console/alerts/?status=open"' in todo and ">1<" in todo
    # acknowledged: no longer waiting (the to-do is live, the figure waits for beat)
    services.alert_acknowledge(alert=alert, user=regulator)
    page = home(web, regulator)
    todo = page[page.index('id="todo-open_alerts"') :][:400]
    assert ">0<" in todo
