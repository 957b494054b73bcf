"""Sandbox queries through the API, as a merchant's program sends them: an aggregate is
answered with groups of at least k rows; every injection is refused with its code,
audited, kept in the history and changes nothing; the view is the grant's scope."""

import pytest

from apps.audit.models import AuditEvent
from apps.delivery.models import SandboxQuery, UsageDay
from apps.grants.issuing import grant_suspend
from tests.delivery.conftest import NAMES
from tests.delivery.sandbox_world import draft_product, sandbox_grant, session, url  # noqa: F401

pytestmark = pytest.mark.django_db


def ask(client, grant, sql: str):
    return client.post(url(grant), {"sql": sql}, format="json")


def test_an_aggregate_query_releases_groups_of_the_grants_scoped_view(sandbox_grant, merchant):
    # given the merchant's people with a session
    client = session(merchant)
    # when they count the rows per (masked) legal representative
    response = ask(
        client,
        sandbox_grant,
        "SELECT legal_rep, count(*) AS n, sum(reg_capital) AS total FROM grant_data "
        "GROUP BY legal_rep ORDER BY legal_rep",
    )
    # then four groups come back: the row filter's 101 rows, names masked
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["columns"] == ["legal_rep", "n", "total"]
    assert body["view"] == "grant_data" and body["k"] == 10
    assert sum(row[1] for row in body["rows"]) == 101
    assert len(body["rows"]) == 4 and body["suppressed_groups"] == 0
    assert not any(name + "某" in str(body) for name in NAMES)
    assert sum(float(row[2]) for row in body["rows"]) == sum(10 * i for i in range(101))
    # and the query is in the history, the audit log and the grant's usage
    record = SandboxQuery.objects.get()
    assert (record.decision, record.rows_released, record.user) == ("accepted", 4, merchant)
    event = AuditEvent.objects.get(action="delivery.sandbox.query", outcome="allowed")
    assert event.target_id == str(sandbox_grant.pk)
    assert '"rows":4' in event.data and "张" not in event.data  # counts, never data
    assert UsageDay.objects.get(grant=sandbox_grant).calls == 1


def test_the_view_holds_only_the_granted_fields_and_the_rows_of_the_row_filter(
    sandbox_grant, merchant
):
    client = session(merchant)
    body = ask(client, sandbox_grant, "SELECT count(*) AS n, max(reg_capital) FROM grant_data")
    assert body.json()["rows"] == [[101, "1000.00"]]
    for outside in ("credit_code", "name"):
        response = ask(client, sandbox_grant, f"SELECT {outside}, count(*) FROM grant_data GROUP BY 1")
        assert response.status_code == 422
        assert response.json()["code"] == "sql_execution_error"
        assert outside in response.json()["message"]
    # Rows beyond the filter (reg_capital > 1000) are not there to be counted.
    response = ask(
        client, sandbox_grant, "SELECT count(*) FROM grant_data WHERE reg_capital > 1000"
    )
    assert response.json()["code"] == "sql_base_below_k"
