"""Through a real Celery worker: a report asked for on the console page is written, its
progress reaching done, and both files download."""

import shutil

import pytest
from django.conf import settings

from apps.console.report_jobs import report_path
from apps.workflow.models import OutboxItem
from tests.conftest import login_web, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_writes_the_report_and_the_page_follows_it(
    celery_worker_process, web, regulator
):
    login_web(web, regulator)
    response = web.post("/console/reports/", {"kind": "annual", "year": 2001})
    item = OutboxItem.objects.filter(topic="console.report").latest("pk")
    assert response["Location"] == f"/console/reports/{item.pk}/"
    try:
        done = wait_for(
            lambda: OutboxItem.objects.filter(pk=item.pk, status__in=["done", "failed"]).first(),
            timeout=90,
        )
        assert done.status == "done", done.last_error
        assert done.progress == 1.0
        page = web.get(f"/console/reports/{item.pk}/").content.decode()
        assert "年度监管报告 2001" in page and "report-progress" not in page
        assert web.get(f"/console/reports/{item.pk}/pdf/").content.startswith(b"%PDF")
        assert web.get(f"/console/reports/{item.pk}/xlsx/").content.startswith(b"PK")
    finally:
        folder = report_path(item, "pdf").parent
        if folder.is_relative_to(settings.DATA_DIR):
            shutil.rmtree(folder, ignore_errors=True)
