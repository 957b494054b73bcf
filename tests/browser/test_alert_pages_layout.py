"""The alert pages and the dashboard's delivery chart in Chromium, at a desktop width and
a phone's (390 px), in Chinese and English: nothing wider than the screen, no CSP
violation, the line chart drawn; an alert about a key reads "a key of <merchant>" to the
operator. Screenshots go to SHOTS_DIR (default /tmp/shots-alerts)."""

import os
from pathlib import Path

import pytest

from apps.delivery.alerts import services
from apps.delivery.alerts.rules import Finding
from tests.browser.shots import shoot
from tests.browser.test_grant_journeys import sign_in_as
from tests.delivery.alerts import usage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-alerts"))


def test_alert_pages_and_the_delivery_chart_fit_a_phone_and_a_desktop(
    page, live_server, grant, key_client, operator_admin, regulator
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert key_client.get(f"/api/v1/grants/{grant.pk}/records/?page_size=3").status_code == 200
    usage(grant, {i: 800 + 40 * i for i in range(1, 60)} | {0: 64000})
    (alert,) = services.alerts_evaluate()
    keyed = services.alert_raise(
        Finding(
            rule="new_network", grant_id=grant.pk, key_id=key_client.key.pk,
            window="198.51.100.0/24", params={"network": "198.51.100.0/24", "days": 30},
            evidence={"network": "198.51.100.0/24", "known": ["203.0.113.0/24"]},
        )
    )  # fmt: skip

    sign_in_as(page, regulator)
    page.wait_for_selector("#figure-deliveries .chart canvas")
    shoot(page, live_server, "console-dashboard", SHOTS)
    for name, path in (
        ("console-alerts", "/console/alerts/"),
        ("console-alert", f"/console/alerts/{alert.pk}/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)

    sign_in_as(page, operator_admin)
    for name, path in (
        ("portal-alerts", "/portal/alerts/"),
        ("portal-alert", f"/portal/alerts/{alert.pk}/"),
        ("portal-alert-key", f"/portal/alerts/{keyed.pk}/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)
        # the operator reads "a key of <merchant>", not which key nor from where
        assert key_client.key.prefix not in page.content()
        assert "198.51.100.0" not in page.content()
