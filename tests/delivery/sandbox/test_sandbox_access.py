"""Who may run a grant's sandbox queries (its holder: the merchant's people, its bound
key) and who reads their history (the merchant, the product's operator, the regulator);
everyone else is refused, and the refusal audited."""

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.delivery.models import SandboxQuery
from apps.grants.access import key_bind
from tests.conftest import api_for
from tests.delivery.sandbox.conftest import session, url
from tests.grants.conftest import keyed

pytestmark = pytest.mark.django_db
SQL = {"sql": "SELECT legal_rep, count(*) AS n FROM grant_data GROUP BY legal_rep"}


def code_of(response) -> tuple[int, str | None]:
    return response.status_code, response.json().get("code")


@pytest.fixture
def history(sandbox_grant, merchant) -> SandboxQuery:
    """One accepted and one refused query of the merchant."""
    client = session(merchant)
    assert client.post(url(sandbox_grant), SQL, format="json").status_code == 200
    client.post(url(sandbox_grant), {"sql": "PRAGMA database_list"}, format="json")
    return SandboxQuery.objects.first()


def test_the_bound_key_runs_queries_and_an_unbound_key_of_the_merchant_does_not(
    sandbox_grant, merchant
):
    bound, key = keyed(merchant)
    key_bind(grant=sandbox_grant, user=merchant, api_key_id=key.pk)
    assert bound.post(url(sandbox_grant), SQL, format="json").status_code == 200
    unbound = api_for(merchant)
    assert code_of(unbound.post(url(sandbox_grant), SQL, format="json")) == (403, "key_not_bound")
    # A bound key reads its grant's history, and no other grant's path.
    assert bound.get(url(sandbox_grant)).json()["results"][0]["api_key"] == key.prefix
    other = bound.get(f"/api/v1/grants/{sandbox_grant.pk + 1000}/sandbox/queries/")
    assert code_of(other) == (403, "key_bound_to_grant")


def test_outsiders_and_anonymous_callers_neither_run_nor_read(sandbox_grant, outsider, history):
    for client in (session(outsider), api_for(outsider)):
        assert client.post(url(sandbox_grant), SQL, format="json").status_code == 404
        assert client.get(url(sandbox_grant)).status_code == 404
    anonymous = APIClient()
    assert anonymous.post(url(sandbox_grant), SQL, format="json").status_code in (401, 403)
    assert anonymous.get(url(sandbox_grant)).status_code in (401, 403)
    assert SandboxQuery.objects.count() == 2  # nothing recorded for them in the history
    probes = AuditEvent.objects.filter(outcome="denied", reason="not_visible")
    assert probes.filter(target_id=str(sandbox_grant.pk)).exists()


def test_the_operator_and_the_regulator_read_the_history_but_run_nothing(
    sandbox_grant, operator_admin, regulator, history
):
    for client in (session(operator_admin), api_for(operator_admin), api_for(regulator)):
        assert code_of(client.post(url(sandbox_grant), SQL, format="json")) == (
            403,
            "not_grant_holder",
        )
        listed = client.get(url(sandbox_grant))
        assert listed.status_code == 200
        rows = listed.json()["results"]
        assert [r["decision"] for r in rows] == ["refused", "accepted"]
        assert rows[0]["refusal_code"] == "sql_not_select" and rows[0]["refusal_label"]
        assert "rows" not in rows[1]  # counts only, never result data
    assert SandboxQuery.objects.count() == 2


def test_the_provider_sees_the_grant_but_not_the_merchants_queries(
    sandbox_grant, provider, history
):
    assert session(provider).get(f"/api/v1/grants/{sandbox_grant.pk}/").status_code == 200
    assert session(provider).get(url(sandbox_grant)).status_code == 403
    response = session(provider).post(url(sandbox_grant), SQL, format="json")
    assert code_of(response) == (403, "not_grant_holder")


def test_the_merchant_reads_its_history_in_pages_newest_first(sandbox_grant, merchant, history):
    client = session(merchant)
    first = client.get(url(sandbox_grant) + "?page_size=1").json()
    assert [r["sql"] for r in first["results"]] == ["PRAGMA database_list"]
    second = client.get(first["next"]).json()
    assert [r["decision"] for r in second["results"]] == ["accepted"]
    assert second["results"][0]["rows_released"] == 4


def test_hostile_bodies_are_answered_with_a_code(sandbox_grant, merchant):
    client = session(merchant)
    for body in ({}, {"sql": 5}, {"sql": ["x"]}, {"sql": "SELECT 1", "extra": 1}):
        response = client.post(url(sandbox_grant), body, format="json")
        assert response.status_code in (400, 422) and response.json()["code"], body
    response = client.post(url(sandbox_grant), {"sql": "SELECT count(*) FROM grant_data",
                                                 "source": 999999}, format="json")  # fmt: skip
    assert code_of(response) == (422, "source_not_in_grant")
    response = client.get(url(sandbox_grant) + "?cursor=%%%")
    assert response.status_code == 400


def test_a_lone_surrogate_or_a_nul_in_the_sql_is_refused_and_recorded(sandbox_grant, merchant):
    from apps.delivery.sandbox import sandbox_query
    from apps.security.sandbox import QueryRefused

    raw = '{"sql": "SELECT count(*) FROM grant_data WHERE legal_rep = \'\\ud800\'"}'
    response = session(merchant).post(url(sandbox_grant), raw, content_type="application/json")
    assert 400 <= response.status_code < 500 and response.json()["code"], response.content
    # Another caller of the service (a task, a shell) may pass a NUL: refused, recorded.
    with pytest.raises(QueryRefused):
        sandbox_query(grant=sandbox_grant, user=merchant, sql="SELECT 1\x00; DROP")
    assert SandboxQuery.objects.first().sql == "SELECT 1\ufffd; DROP"


def test_the_scoped_copy_is_deleted_once_the_grant_ends(sandbox_grant, regulator, settings):
    from apps.delivery.scoped import scoped_data, scoped_dir, scoped_prune
    from apps.delivery.tasks import exports_prune_task
    from apps.grants.issuing import grant_revoke

    exports_prune_task()  # files and copies left by earlier tests, which no longer exist
    path = scoped_data(sandbox_grant).path
    stray = scoped_dir() / "notes.txt"  # not a scoped copy: left alone
    stray.write_text("x")
    assert scoped_prune() == 0 and path.is_file()  # in force: kept
    grant_revoke(grant=sandbox_grant, user=regulator, reason="Leak under investigation.")
    assert exports_prune_task() == {"exports": 0, "sandbox": 1}
    assert not path.exists() and stray.is_file()
    assert scoped_prune() == 0
