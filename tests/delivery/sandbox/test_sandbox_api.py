"""Sandbox queries through the API, as a merchant's program sends them: an aggregate is
answered with groups of at least k rows; every injection is refused with its code,
audited, kept in the history and changes nothing; the view is the grant's scope."""

from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.delivery.models import SandboxQuery, UsageDay
from apps.grants.issuing import grant_suspend
from tests.delivery.conftest import NAMES, within_one_clock_minute
from tests.delivery.sandbox.conftest import session, url

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
    assert len(body["rows"]) == 4 and "suppressed_groups" not in body
    assert not any(name + "某" in str(body) for name in NAMES)
    assert sum(float(row[2]) for row in body["rows"]) == sum(10 * i for i in range(101))
    # and the query is in the history, the audit log and the grant's usage
    record = SandboxQuery.objects.get()
    assert (record.decision, record.rows_released, record.user) == ("accepted", 4, merchant)
    event = AuditEvent.objects.get(action="delivery.sandbox.query", outcome="allowed")
    assert event.target_id == str(sandbox_grant.pk)
    assert '"rows":4' in event.data and "张" not in event.data  # counts, never data
    assert UsageDay.objects.get(grant=sandbox_grant).calls == 1


def test_conditions_joined_by_and_or_and_not_are_answered(sandbox_grant, merchant):
    # the view's reg_capital is 0, 10, ..., 1000 (101 rows)
    client = session(merchant)
    counts = {
        "reg_capital >= 100 AND reg_capital < 600": 50,
        "reg_capital < 200 OR reg_capital >= 900": 31,
        "NOT (reg_capital < 500) AND reg_capital <= 1000": 51,
    }
    for where, expected in counts.items():
        sql = f"SELECT count(*) AS n FROM grant_data WHERE {where}"  # noqa: S608
        response = ask(client, sandbox_grant, sql)
        assert response.status_code == 200, (where, response.content)
        assert response.json()["rows"] == [[expected]], where


def test_the_view_holds_only_the_granted_fields_and_the_rows_of_the_row_filter(
    sandbox_grant, merchant
):
    client = session(merchant)
    body = ask(client, sandbox_grant, "SELECT count(*) AS n, max(reg_capital) FROM grant_data")
    # reg_capital holds whole numbers: delivered at the scale its values use, not as stored
    assert body.json()["rows"] == [[101, "1000"]]
    for outside in ("credit_code", "name"):
        response = ask(
            client,
            sandbox_grant,
            f"SELECT {outside}, count(*) FROM grant_data GROUP BY 1",  # noqa: S608
        )
        assert response.status_code == 422
        assert response.json()["code"] == "sql_execution_error"
        assert outside in response.json()["message"]
    # Rows beyond the filter (reg_capital > 1000) are not there to be counted.
    response = ask(
        client, sandbox_grant, "SELECT count(*) FROM grant_data WHERE reg_capital > 1000"
    )
    assert response.json()["code"] == "sql_base_below_k"


def injections(tmp) -> list[tuple[str, str]]:
    return [
        ("SELECT count(*) FROM grant_data; DROP VIEW grant_data", "sql_multiple_statements"),
        ("SELECT count(*) FROM read_csv('/etc/passwd')", "sql_forbidden_function"),
        ("SELECT count(*) FROM '/etc/passwd'", "sql_forbidden_table"),
        (f"COPY grant_data TO '{tmp}/leak.csv'", "sql_not_select"),
        (f"COPY (SELECT * FROM grant_data) TO '{tmp}/leak2.csv'", "sql_not_select"),  # noqa: S608
        (f"ATTACH '{tmp}/other.db' AS other", "sql_not_select"),
        ("INSTALL httpfs", "sql_not_select"),
        ("LOAD httpfs", "sql_not_select"),
        ("PRAGMA database_list", "sql_not_select"),
        ("SET enable_external_access = true", "sql_not_select"),
        ("SELECT count(*) FROM grant_data -- WHERE legal_rep = 'x'", "sql_comment"),
        ("SELECT count(*) /* hidden */ FROM grant_data", "sql_comment"),
        (
            "SELECT count(*) FROM grant_data UNION ALL SELECT count(*) FROM duckdb_views()",
            "sql_set_operation",
        ),
        ("SELECT count(*) FROM other_view", "sql_forbidden_table"),
        (
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT count(*) FROM r",
            "sql_recursive_cte",
        ),
        ("SELECT count(*) FROM grant_data a, grant_data b, grant_data c", "sql_cross_join"),
        ("SELECT count(*) FROM grant_data a CROSS JOIN grant_data b", "sql_cross_join"),
        ("SELECT * FROM grant_data", "sql_not_aggregated"),
        ("SELECT legal_rep, reg_capital FROM grant_data", "sql_not_aggregated"),
        # Differencing: a filter that singles out fewer than k rows, or all but a few.
        ("SELECT count(*), sum(reg_capital) FROM grant_data WHERE reg_capital < 50",
         "sql_base_below_k"),
        ("SELECT sum(reg_capital) FROM grant_data WHERE reg_capital <> 500",
         "sql_complement_below_k"),
        # A group under k rows: the whole query is refused, no group left out.
        ("SELECT reg_capital >= 50 AS big, count(*) FROM grant_data GROUP BY 1",
         "sql_suppressed_below_k"),
        ("", "sql_required"),
        ("(" * 3000 + "SELECT 1" + ")" * 3000, "sql_unsupported"),  # too deep to check
        ("SELECT 1" + " " * 20_001, "sql_too_long"),
    ]  # fmt: skip


def test_every_injection_is_refused_with_its_code_audited_recorded_and_harmless(
    sandbox_grant, merchant, tmp_path
):
    client = session(merchant)
    out = tmp_path / "out"
    out.mkdir()
    cases = injections(out)
    for sql, code in cases:
        response = ask(client, sandbox_grant, sql)
        assert response.status_code in (400, 422), (sql[:80], response.content[:300])
        assert response.json()["code"] == code, sql[:80]
        assert response.json()["message"]
    # each one is in the history and in the audit log with its code, in order
    refused = list(SandboxQuery.objects.order_by("id"))
    assert [r.refusal_code for r in refused] == [code for _sql, code in cases]
    assert all(r.decision == "refused" and r.rows_released == 0 for r in refused)
    denials = AuditEvent.objects.filter(action="delivery.sandbox.query", outcome="denied")
    assert sorted(denials.values_list("reason", flat=True)) == sorted(c for _s, c in cases)
    # and nothing changed: no file written, the view intact, no call counted
    assert list(out.iterdir()) == []
    assert not UsageDay.objects.filter(grant=sandbox_grant).exists()
    again = ask(client, sandbox_grant, "SELECT count(*) AS n FROM grant_data")
    assert again.status_code == 200 and again.json()["rows"] == [[101]]


def test_a_query_that_differences_one_row_out_of_an_earlier_one_is_refused_and_audited(
    sandbox_grant, merchant
):
    """The view's reg_capital is 0, 10, ..., 1000: `>= 100` and then `>= 100 and <> 500`
    would give the 500 row's share of every sum; the second is refused, the first's
    rows again (or rows k or more apart) are answered."""
    client = session(merchant)
    first = "SELECT count(*) AS n, sum(reg_capital) FROM grant_data WHERE reg_capital >= 100"
    assert ask(client, sandbox_grant, first).status_code == 200
    response = ask(client, sandbox_grant, first + " AND reg_capital <> 500")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "sql_differencing"
    record = SandboxQuery.objects.latest("id")
    assert (record.decision, record.refusal_code) == ("refused", "sql_differencing")
    denial = AuditEvent.objects.filter(action="delivery.sandbox.query", outcome="denied").get()
    assert denial.reason == "sql_differencing"
    for answered in (first, first.replace(">= 100", ">= 200"), first + " AND reg_capital > 0"):
        assert ask(client, sandbox_grant, answered).status_code == 200, answered


def test_filler_queries_do_not_push_an_earlier_query_out_of_the_comparison(
    sandbox_grant, merchant, settings
):
    """Once the history holds only fillers, the query a few rows apart from an older one
    is still compared with it: their kept rows are near in size (stored with each)."""
    settings.SANDBOX_DIFFERENCING_HISTORY = 2
    client = session(merchant)
    first = "SELECT count(*) AS n, sum(reg_capital) FROM grant_data WHERE reg_capital >= 100"
    assert ask(client, sandbox_grant, first + " AND reg_capital <> 500").status_code == 200
    stored = SandboxQuery.objects.latest("id")
    assert stored.set_sizes and all(isinstance(size, int) for size in stored.set_sizes)
    for i in range(3):  # more than the history holds
        filler = f"SELECT count(*) AS filler_{i} FROM grant_data"  # noqa: S608
        assert ask(client, sandbox_grant, filler).status_code == 200
    response = ask(client, sandbox_grant, first)
    assert (response.status_code, response.json()["code"]) == (422, "sql_differencing")
    settings.SANDBOX_DIFFERENCING_NEAR = 0  # without the comparison by size: answered
    assert ask(client, sandbox_grant, first).status_code == 200


def test_two_grouped_queries_a_few_rows_apart_in_every_group_are_not_both_answered(
    sandbox_grant, merchant
):
    """Per masked legal representative (about 25 rows each), all rows and then those with
    reg_capital >= 120: twelve rows apart in all, three in every group, where side by
    side the two answers would give those three rows' share of each sum."""
    client = session(merchant)
    first = "SELECT legal_rep, count(*) AS n, sum(reg_capital) FROM grant_data GROUP BY 1"
    assert ask(client, sandbox_grant, first).status_code == 200
    narrower = first.replace("GROUP BY", "WHERE reg_capital >= 120 GROUP BY")
    response = ask(client, sandbox_grant, narrower)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "sql_differencing"
    record = SandboxQuery.objects.latest("id")
    assert (record.decision, record.refusal_code) == ("refused", "sql_differencing")
    assert AuditEvent.objects.get(outcome="denied").reason == "sql_differencing"
    # Rows k or more apart in every group are answered.
    wider = first.replace("GROUP BY", "WHERE reg_capital >= 400 GROUP BY")
    assert ask(client, sandbox_grant, wider).status_code == 200


def test_a_suspended_grant_refuses_the_next_query_of_its_key_and_its_people(
    sandbox_grant, merchant, regulator
):
    from apps.grants.access import key_bind
    from tests.grants.conftest import keyed

    key_client, key = keyed(merchant)
    key_bind(grant=sandbox_grant, user=merchant, api_key_id=key.pk)
    sql = "SELECT count(*) AS n FROM grant_data"
    assert ask(key_client, sandbox_grant, sql).status_code == 200
    assert SandboxQuery.objects.get().api_key == key
    grant_suspend(grant=sandbox_grant, user=regulator, reason="整改")
    response = ask(key_client, sandbox_grant, sql)
    assert (response.status_code, response.json()["code"]) == (403, "grant_suspended")
    response = ask(session(merchant), sandbox_grant, sql)
    assert (response.status_code, response.json()["code"]) == (403, "grant_suspended")
    latest = SandboxQuery.objects.first()
    assert (latest.decision, latest.refusal_code) == ("refused", "grant_suspended")
    assert AuditEvent.objects.filter(
        action="delivery.sandbox.query", outcome="denied", reason="grant_suspended"
    ).exists()


def test_a_grant_without_the_sandbox_mode_refuses_queries(sandbox_grant, merchant):
    scope = dict(sandbox_grant.scope, delivery_modes=["api_pull"])
    type(sandbox_grant).objects.filter(pk=sandbox_grant.pk).update(scope=scope)
    response = ask(session(merchant), sandbox_grant, "SELECT count(*) FROM grant_data")
    assert (response.status_code, response.json()["code"]) == (403, "delivery_mode_not_granted")
    assert SandboxQuery.objects.get().refusal_code == "delivery_mode_not_granted"


def test_the_grants_rate_limit_answers_429_and_is_recorded(sandbox_grant, merchant):
    type(sandbox_grant).objects.filter(pk=sandbox_grant.pk).update(rate_per_minute=1)
    client = session(merchant)
    within_one_clock_minute(30)  # the first query may build the scoped copy
    assert ask(client, sandbox_grant, "SELECT count(*) FROM grant_data").status_code == 200
    response = ask(client, sandbox_grant, "SELECT count(*) FROM grant_data")
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert SandboxQuery.objects.first().refusal_code == "rate_limited"


def test_an_error_on_a_value_is_null_and_never_quotes_the_value(sandbox_grant, merchant):
    """A failed cast or an overflow on one row would answer a question about that row
    (the query fails or not) and DuckDB's message would quote the value: it is NULL."""
    client = session(merchant)
    for sql in (
        "SELECT sum(CAST(legal_rep AS INTEGER)) FROM grant_data",
        "SELECT count(*) FROM grant_data GROUP BY CAST(legal_rep AS DATE)",
        "SELECT sum(CAST(reg_capital AS TINYINT)) FROM grant_data",
    ):
        response = ask(client, sandbox_grant, sql)
        assert response.status_code == 200, response.json()
        assert not any(name in response.content.decode() for name in NAMES)


def test_a_new_dataset_version_is_queried_from_a_new_scoped_copy(
    sandbox_grant, merchant, resources, tmp_path
):
    import shutil

    from apps.delivery.scoped import scoped_dir
    from tests.delivery.conftest import publish

    shutil.rmtree(scoped_dir(), ignore_errors=True)  # copies an earlier run may have left
    client = session(merchant)
    sql = "SELECT count(*) AS n FROM grant_data"
    assert ask(client, sandbox_grant, sql).json()["rows"] == [[101]]
    [first] = scoped_dir().glob(f"grant-{sandbox_grant.pk}-*.parquet")
    # The provider publishes a new version: 50 rows, all inside the grant's row filter.
    publish(resources[1], tmp_path / "v2.parquet", rows=50)
    assert ask(client, sandbox_grant, sql).json()["rows"] == [[50]]
    [second] = scoped_dir().glob(f"grant-{sandbox_grant.pk}-*.parquet")
    assert second != first and not first.exists()
    assert SandboxQuery.objects.first().dataset_version.row_count == 50


def test_a_sandbox_query_one_field_at_a_time(sandbox_grant, merchant):
    from tests.security.test_api_one_field import sweep

    # given a query the merchant may ask, over the grant's first source
    body = {
        "sql": "SELECT count(*) AS n FROM grant_data",
        "source": sandbox_grant.scope["sources"][0]["resource"],
    }
    # when each field gets each hostile value alone: never a 500, every 4xx with a code
    assert sweep(merchant, url(sandbox_grant), body, client=session(merchant)) > 40


def test_refusals_the_data_decides_are_a_daily_budget_of_the_grant(
    sandbox_grant, merchant, settings
):
    """Each refusal decided by the rows answers a yes/no question about them: after
    SANDBOX_DATA_REFUSALS_PER_DAY of them the grant's sandbox waits for tomorrow (429 with
    Retry-After), however well-formed the next query. Refusals of the SQL's form do not
    count."""
    import time_machine
    from django.utils import timezone

    settings.SANDBOX_DATA_REFUSALS_PER_DAY = 2
    client = session(merchant)
    good = "SELECT count(*) AS n FROM grant_data"
    for _i in range(3):  # the form: refused, never counted
        assert ask(client, sandbox_grant, "SELECT * FROM grant_data").status_code == 422
    for capital in (0, 10):  # the rows: one person left out, twice
        where = f"SELECT count(*) AS n FROM grant_data WHERE reg_capital <> {capital}"  # noqa: S608
        refused = ask(client, sandbox_grant, where)
        assert refused.json()["code"] == "sql_complement_below_k"
    spent = ask(client, sandbox_grant, good)
    assert spent.status_code == 429 and spent.json()["code"] == "sandbox_refusals_spent"
    assert 0 < int(spent["Retry-After"]) <= 86400
    assert SandboxQuery.objects.filter(refusal_code="sandbox_refusals_spent").count() == 1
    assert AuditEvent.objects.filter(
        action="delivery.sandbox.query", outcome="denied", reason="sandbox_refusals_spent"
    ).exists()
    with time_machine.travel(timezone.localtime().replace(hour=0) + timedelta(days=1)):
        assert ask(client, sandbox_grant, good).status_code == 200


def test_one_query_of_a_grant_runs_at_a_time(sandbox_grant, merchant):
    """Two at once would each be checked without the other: against the history
    (differencing) and the day's refusals (the budget). The second is 429 sandbox_busy
    while the first runs; the way is free again after an answer and after a refusal."""
    from apps.delivery.quotas import counters
    from apps.delivery.sandbox import Running

    client = session(merchant)
    good = "SELECT count(*) AS n FROM grant_data"
    with Running(sandbox_grant):  # a query of the grant is running
        busy = ask(client, sandbox_grant, good)
        assert (busy.status_code, busy.json()["code"]) == (429, "sandbox_busy")
        assert busy["Retry-After"]
    assert SandboxQuery.objects.filter(refusal_code="sandbox_busy").count() == 1
    assert ask(client, sandbox_grant, good).status_code == 200
    assert ask(client, sandbox_grant, "SELECT * FROM grant_data").status_code == 422
    assert ask(client, sandbox_grant, good + " WHERE reg_capital >= 0").status_code == 200
    assert not counters().get(f"delivery:sandbox-running:{sandbox_grant.pk}")
