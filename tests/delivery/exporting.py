"""Helpers of the export tests: a product that offers bulk export (the grants' fixtures
build one with api_pull only), and running an export's job as a worker would."""

import time

import pytest

from apps.delivery.exports import TOPIC
from apps.delivery.models import Export
from apps.products import services as product_services
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_run
from tests.products.conftest import product_data


@pytest.fixture
def draft_product(effective, operator_admin, resources):
    data = product_data(effective, resources, delivery_modes=["api_pull", "bulk_export"])
    return product_services.product_create(user=operator_admin, data=data)


def run_export(export_id: int, timeout: float = 20) -> Export:
    """Runs the export's pending job here (a session worker may have taken it first: then
    waits for it to finish)."""
    for item in OutboxItem.objects.filter(topic=TOPIC, status="pending"):
        if item.payload["export"] == export_id:
            outbox_run(item.pk)
    deadline = time.monotonic() + timeout
    export = Export.objects.get(pk=export_id)
    while export.status in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        export.refresh_from_db()
    return export
