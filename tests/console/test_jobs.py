"""The console lists background jobs, failures first; only regulators see it."""

import pytest

from apps.workflow.models import OutboxItem
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def test_a_regulator_sees_failed_jobs_first_with_their_error(web, regulator):
    OutboxItem.objects.create(topic="mail.send", status="pending")
    OutboxItem.objects.create(
        topic="catalog.ingest", status="failed", attempts=5, last_error="RuntimeError: disk full"
    )
    OutboxItem.objects.create(topic="mail.send", status="done")
    login_web(web, regulator)
    page = web.get("/console/jobs/").content.decode()
    assert "disk full" in page
    assert page.index("catalog.ingest") < page.index("mail.send")
    assert page.count("status-done") == 0


def test_an_outsider_cannot_see_the_jobs(web, outsider):
    login_web(web, outsider)
    assert web.get("/console/jobs/").status_code == 403
