import re

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.conftest import login_web
from tests.factories import OrganizationFactory
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db


def test_a_regulator_sees_the_audit_log_with_filters(web, regulator, merchant):
    audit_record(actor=merchant, action="thing.shown", target=merchant.organization)
    audit_record(actor=merchant, action="thing.hidden", target=merchant.organization)
    login_web(web, regulator)
    page = web.get("/console/audit/", {"action": "thing.shown"})
    assert page.status_code == 200
    assert b"thing.shown" in page.content and b"thing.hidden" not in page.content


def test_the_audit_log_is_in_the_regulators_navigation(web, regulator):
    login_web(web, regulator)
    assert b'href="/console/audit/"' in web.get("/console/").content


@pytest.mark.parametrize("url", ["/console/audit/", "/console/audit/verify/"])
def test_an_outsider_cannot_open_the_audit_console(web, outsider, url):
    audit_record(actor=None, action="thing.secret", target=OrganizationFactory())
    login_web(web, outsider)
    response = web.post(url) if url.endswith("verify/") else web.get(url)
    assert response.status_code == 403
    assert b"thing.secret" not in response.content


def test_the_verify_button_starts_a_job_whose_page_shows_progress_then_the_result(web, regulator):
    from apps.audit.checkpoints import checkpoint_create
    from apps.audit.sealer import seal_pending

    audit_record(actor=regulator, action="thing.verified")
    seal_pending()
    checkpoint_create()
    login_web(web, regulator)
    started = web.post("/console/audit/verify/")
    assert started.status_code == 302
    job_url = started["Location"]
    waiting = web.get(job_url)
    assert b'id="verify-progress"' in waiting.content and b'http-equiv="refresh"' in waiting.content
    # a second click while it waits does not queue a second verification
    assert web.post("/console/audit/verify/")["Location"] == job_url
    assert run_outbox("audit.verify") == 1  # the worker's part
    page = web.get(job_url)
    assert page.status_code == 200
    assert b'id="verify-result"' in page.content
    assert b"card success" in page.content
    # the audit page's verify entry shows the last result too
    assert b"card success" in web.get("/console/audit/verify/").content
    web.cookies["pdp_language"] = "en"  # one checkpoint is "checkpoint", not "checkpoints"
    english = web.get(job_url).content.decode()
    assert re.search(r"events verified against 1 signed checkpoint\.", english), english
    event = AuditEvent.objects.filter(action="audit.verify").order_by("-id").first()
    assert event.actor_id == str(regulator.pk)


@pytest.mark.usefixtures("empty_audit_log")
def test_the_verify_button_names_the_first_bad_sequence_number(web, regulator):
    from apps.audit.models import AuditSeal
    from apps.audit.sealer import seal_pending
    from tests.audit.conftest import record_many, tamper

    record_many(3)
    seal_pending()
    tamper(
        "UPDATE audit_event SET reason = 'edited' WHERE id = %s",
        [AuditSeal.objects.get(seq=2).event_id],
    )
    login_web(web, regulator)
    job_url = web.post("/console/audit/verify/")["Location"]
    run_outbox("audit.verify")
    page = web.get(job_url)
    assert page.status_code == 200
    assert b"card error" in page.content
    assert page.context["result"]["first_bad_seq"] == 2


def test_an_outsider_cannot_open_a_verification_job(web, regulator, outsider):
    login_web(web, regulator)
    job_url = web.post("/console/audit/verify/")["Location"]
    web.logout()
    login_web(web, outsider)
    assert web.get(job_url).status_code == 403
