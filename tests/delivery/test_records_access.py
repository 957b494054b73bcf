"""Who may read a grant's records: its bound key and the merchant's own people, while the
grant is usable; everyone else is refused (and the refusal audited)."""

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.grants.issuing import grant_suspend
from tests.conftest import api_for
from tests.delivery.conftest import url

pytestmark = pytest.mark.django_db


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json().get("code")


def test_the_merchants_people_read_with_a_session(grant, merchant):
    response = session(merchant).get(url(grant, page_size=2))
    assert response.status_code == 200 and len(response.json()["results"]) == 2


def test_an_unbound_key_of_the_merchant_is_refused(grant, merchant):
    assert code_of(api_for(merchant).get(url(grant))) == (403, "key_not_bound")
    denial = AuditEvent.objects.filter(
        target_id=str(grant.pk), action="delivery.records.read", outcome="denied"
    ).get()
    assert denial.reason == "key_not_bound"


def test_outsiders_do_not_see_the_grant(grant, outsider):
    assert session(outsider).get(url(grant)).status_code == 404
    assert api_for(outsider).get(url(grant)).status_code == 404
    assert APIClient().get(url(grant)).status_code in (401, 403)


def test_the_operator_and_the_regulator_see_the_grant_but_not_its_records(
    grant, operator_admin, regulator
):
    assert code_of(session(operator_admin).get(url(grant))) == (403, "not_grant_holder")
    assert code_of(api_for(operator_admin).get(url(grant))) == (403, "not_grant_holder")


def test_the_key_of_another_grant_path_is_refused(key_client, grant):
    response = key_client.get(f"/api/v1/grants/{grant.pk + 1000}/records/")
    assert code_of(response) == (403, "key_bound_to_grant")


def test_a_suspended_grant_refuses_its_key_and_its_people(key_client, grant, merchant, regulator):
    grant_suspend(grant=grant, user=regulator, reason="整改")
    assert code_of(key_client.get(url(grant))) == (403, "grant_suspended")
    assert code_of(session(merchant).get(url(grant))) == (403, "grant_suspended")
    denials = AuditEvent.objects.filter(action="delivery.records.read", outcome="denied")
    assert denials.filter(reason="grant_suspended").exists()


def test_head_is_refused_and_reads_nothing(key_client, grant):
    """HEAD would run the read, meter it and audit it, and deliver no row of it."""
    assert key_client.head(url(grant, page_size=2)).status_code == 405
    assert key_client.get(url(grant, page_size=2)).status_code == 200
    reads = AuditEvent.objects.filter(target_id=str(grant.pk), action="delivery.records.read")
    assert reads.filter(outcome="allowed").count() == 1  # the GET's alone
