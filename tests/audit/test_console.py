import pytest

from apps.audit.services import audit_record
from tests.conftest import login_web
from tests.factories import OrganizationFactory

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


def test_the_verify_button_shows_the_verifier_result(web, regulator):
    audit_record(actor=regulator, action="thing.verified")
    login_web(web, regulator)
    page = web.post("/console/audit/verify/")
    assert page.status_code == 200
    assert b'id="verify-result"' in page.content
    assert b"card success" in page.content


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
    page = web.post("/console/audit/verify/")
    assert page.status_code == 200
    assert b"card error" in page.content
    assert page.context["result"].first_bad_seq == 2
