"""Requests for exports at the same moment: the limit of open exports of a grant holds
(the grant's row is locked while each request counts and creates), and a request the
limit refuses gives its call back."""

import threading

import pytest
from django.db import connection

from apps.delivery.exports import ExportBusy, export_request
from apps.delivery.models import Export
from apps.delivery.quotas import _day_key, counters
from tests.delivery.exporting import draft_product  # noqa: F401
from tests.workflow.worker import private_queues  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_requests_at_the_same_moment_open_no_more_exports_than_the_limit(
    private_queues,  # noqa: F811 (no worker runs the exports meanwhile)
    grant,
    merchant,
    settings,
):
    settings.DELIVERY_EXPORTS_OPEN_PER_GRANT = 2
    start, outcomes = threading.Barrier(8), []

    def ask():
        try:
            start.wait()
            export_request(grant=grant, user=merchant, format="csv")
            outcomes.append("queued")
        except ExportBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["busy"] * 6 + ["queued"] * 2
    assert Export.objects.filter(grant=grant).count() == 2
    assert grant.calls_per_day is not None
    assert counters().get(_day_key(grant.pk, "calls")) == 2  # the refused gave theirs back


def test_an_export_request_with_an_unknown_field_is_refused(key_client, grant):
    response = key_client.post(
        f"/api/v1/grants/{grant.pk}/exports/", {"format": "csv", "fieldz": ["x"]}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"
    assert not Export.objects.filter(grant=grant).exists()
