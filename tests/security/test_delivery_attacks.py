# ruff: noqa: F811  (pytest fixtures imported from the delivery and sandbox tests)
"""Attacks on the governed delivery surfaces: the sandbox's k-anonymity and masking, the
record API's masking, and who may read a grant's queries, exports, statements and use.
Each probe is a regression test: refused with its code (and audited where the README says
every denial is), or released only as the README allows."""

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.security.sandbox import QueryRefused
from apps.security.sandbox_run import run_query
from tests.conftest import api_for
from tests.delivery.conftest import (  # noqa: F401  (fixtures)
    NAMES,
    _files_dir,
    _fresh_counters,
    draft_agreement,
    effective,
    in_review,
    key_client,
    listed,
    profile,
    resources,
)
from tests.delivery.conftest import url as records_url
from tests.delivery.sandbox.conftest import draft_product, sandbox_grant, session  # noqa: F401
from tests.delivery.sandbox.conftest import url as sandbox_url
from tests.security.test_sandbox import connection, parquet  # noqa: F401  (fixtures)

K = 10
VIEW = "grant_data"


def refusal(connection, sql: str) -> str:
    with pytest.raises(QueryRefused) as refused:
        run_query(connection, sql, view=VIEW, k=K)
    return refused.value.code


def released(connection, sql: str):
    return run_query(connection, sql, view=VIEW, k=K)


# The sandbox engine (tests/security/test_sandbox.py's data: 200 people, districts A-E
# of 30+ each, Y of five and Z of six; `name` unique) ------------------------------------


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        # aggregates that return raw values
        ("SELECT list(name) FROM grant_data", "sql_forbidden_function"),
        ("SELECT array_agg(name) FROM grant_data", "sql_forbidden_function"),
        ("SELECT string_agg(name, ',') FROM grant_data", "sql_forbidden_function"),
        ("SELECT first(name) FROM grant_data", "sql_forbidden_function"),
        ("SELECT any_value(name) FROM grant_data", "sql_forbidden_function"),
        ("SELECT arg_max(name, income) FROM grant_data", "sql_forbidden_function"),
        ("SELECT mode(name) FROM grant_data", "sql_forbidden_function"),
        ("SELECT quantile_disc(income, 0.99) FROM grant_data", "sql_forbidden_function"),
        (
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY income) FROM grant_data",
            "sql_forbidden_function",
        ),
        # rows, not groups
        ("SELECT name, count(*) OVER () FROM grant_data", "sql_window_function"),
        (
            "SELECT count(*) FROM grant_data UNION ALL SELECT sum(age) FROM grant_data",
            "sql_set_operation",
        ),
        # a filter narrowing the base, however it is spelled
        ("SELECT count(*) FROM grant_data WHERE name = 'person-1'", "sql_base_below_k"),
        (
            "WITH c AS (SELECT * FROM grant_data WHERE name = 'person-1') SELECT count(*) FROM c",
            "sql_base_below_k",
        ),
        (
            "SELECT count(*) FROM (SELECT * FROM grant_data) t WHERE t.name = 'person-1'",
            "sql_base_below_k",
        ),
        ("SELECT avg(income) FROM grant_data WHERE name <> 'person-1'", "sql_complement_below_k"),
        (
            "SELECT count(*) FROM grant_data WHERE income > (SELECT max(income) FROM grant_data)",
            "sql_subquery",
        ),
        # conditional aggregates, spelled as a predicate or as arithmetic
        (
            "SELECT sum(income * (name = 'person-1')::int) FROM grant_data",
            "sql_conditional_aggregate",
        ),
        ("SELECT count(*) FILTER (WHERE age = 33) FROM grant_data", "sql_conditional_aggregate"),
        # HOLE (fixed): an arithmetic indicator counted the one person aged 33 in district A
        (
            "SELECT district, sum(1 // (abs(age - 33) + 1)) FROM grant_data GROUP BY district",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT district, sum(floor(1 / (abs(age - 33) + 1))) FROM grant_data GROUP BY 1",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT district, max(length(name) * 0 + income) FROM grant_data GROUP BY district",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT count(DISTINCT name, 1 // (abs(age - 33) + 1)) FROM grant_data",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT district, count(*) FROM grant_data GROUP BY district "
            "ORDER BY sum(1 // (abs(age - 33) + 1)) DESC LIMIT 1",
            "sql_conditional_aggregate",
        ),
        # aggregate arithmetic that could only fail on a group's size
        (
            "SELECT district, count(*) FROM grant_data GROUP BY district "
            "HAVING 1 // (count(*) - 5) > -100",
            "sql_forbidden_function",
        ),
        # sums that could overflow on one row's value
        ("SELECT sum(cast(age AS HUGEINT)) FROM grant_data", "sql_cast_type"),
        ("SELECT sum(cast(income AS DECIMAL(38, 0))) FROM grant_data", "sql_cast_type"),
        # resources
        ("SELECT count(*) FROM range(100000000000)", "sql_forbidden_function"),
        ("SELECT count(*) FROM generate_series(1, 100000000000)", "sql_forbidden_function"),
        ("SELECT count(*) FROM grant_data a, grant_data b, grant_data c", "sql_cross_join"),
        (
            "SELECT count(*) FROM grant_data a JOIN grant_data b ON a.age = b.age",
            "sql_join",
        ),
        (
            "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) "
            "SELECT count(*) FROM r",
            "sql_recursive_cte",
        ),
        (
            "SELECT count(*) FROM grant_data WHERE regexp_matches(name, '(a+)+$')",
            "sql_forbidden_function",
        ),
    ],
)
def test_sandbox_attacks_are_refused_with_a_code(connection, sql, code):
    assert refusal(connection, sql) == code


@pytest.mark.parametrize(
    "sql",
    [
        # a near-unique grouping with a HAVING that would let single rows through
        "SELECT name, count(*) FROM grant_data GROUP BY name HAVING count(*) >= 1",
        "SELECT district, sum(income) FROM grant_data GROUP BY district, name HAVING count(*) >= 1",
        # ORDER BY ... LIMIT 1 over single rows
        "SELECT name, max(income) AS m FROM grant_data GROUP BY name ORDER BY m DESC LIMIT 1",
        # an alias hiding the near-unique key
        "SELECT upper(name) AS district, count(*) FROM grant_data GROUP BY 1",
    ],
)
def test_groups_of_single_people_never_leave(connection, sql):
    assert refusal(connection, sql) == "sql_suppressed_below_k"  # refused whole


def test_a_value_error_is_no_oracle_on_one_row(connection):
    """HOLE (fixed): a division by zero or a failed cast on one row made the whole query
    fail, so whether it failed answered a yes/no question about one person (is person-3
    older than t?) that no released group shows. Now such an error is NULL: the answer
    is the same whatever the person's age."""

    def answers(threshold: int) -> list:
        person = f"cast(name = 'person-3' AS INT) * cast(age > {threshold} AS INT)"
        out = []
        for key in (
            f"coalesce(1 // ({person} - 1), 0) * 0",
            f"coalesce(cast(cast(100 + 100 * {person} AS VARCHAR) AS TINYINT), 0) * 0",
            f"coalesce(cast(2147483647 AS INTEGER) + {person}, 0) * 0",
        ):
            sql = (
                "SELECT district, count(*) FROM grant_data WHERE district < 'F' "  # noqa: S608
                f"GROUP BY district, {key}"
            )
            out.append(sorted(released(connection, sql).rows))
        return out

    assert answers(0) == answers(200)


def test_arithmetic_over_aggregates_cannot_fail(connection):
    result = released(
        connection,
        "SELECT district, count(*) * 9223372036854775807 AS big, sum(income) / count(*) AS mean "
        "FROM grant_data WHERE district < 'F' GROUP BY district",
    )
    assert len(result.rows) == 5


# The API: masking and the sandbox through HTTP ------------------------------------------


pytestmark = pytest.mark.django_db


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json().get("code")


def ask(client, grant, sql):
    return client.post(sandbox_url(grant), {"sql": sql}, format="json")


def test_masked_fields_cannot_be_filtered_or_ordered_through_the_record_api(
    sandbox_grant, merchant
):
    client = session(merchant)
    for params in (
        {"filter[legal_rep][eq]": "张三某"},
        {"filter[legal_rep][prefix]": "张"},
        {"filter[legal_rep][in]": "张三某,李四某"},
        {"filter[legal_rep][range]": "a,z"},
        {"order": "legal_rep"},
        {"order": "-legal_rep"},
    ):
        assert code_of(client.get(records_url(sandbox_grant, **params))) == (400, "field_masked")
    # fields outside the grant: offered but not asked, and not offered at all
    for field in ("credit_code", "name"):
        response = client.get(records_url(sandbox_grant, fields=field))
        assert code_of(response) == (400, "field_unknown")
        response = client.get(records_url(sandbox_grant, **{f"filter[{field}][eq]": "x"}))
        assert code_of(response) == (400, "field_unknown")
    assert code_of(client.get(records_url(sandbox_grant, page_size=100000))) == (
        400,
        "page_size_too_large",
    )
    assert code_of(client.get(records_url(sandbox_grant, cursor="x" * 5000))) == (
        400,
        "cursor_invalid",
    )


def test_the_sandbox_sees_neither_raw_names_nor_fields_outside_the_grant(sandbox_grant, merchant):
    client = session(merchant)
    response = ask(client, sandbox_grant, "SELECT count(DISTINCT credit_code) FROM grant_data")
    assert code_of(response) == (422, "sql_execution_error")
    response = ask(
        client,
        sandbox_grant,
        "SELECT substring(legal_rep, 1, 1) AS s, count(*) FROM grant_data GROUP BY s",
    )
    assert response.status_code == 200, response.json()
    body = str(response.json())
    assert not any(name + "某" in body for name in NAMES)
    response = ask(
        client, sandbox_grant, "SELECT sum(1 // (abs(reg_capital - 500) + 1)) FROM grant_data"
    )
    assert code_of(response) == (422, "sql_conditional_aggregate")
    assert AuditEvent.objects.filter(
        action="delivery.sandbox.query", outcome="denied", reason="sql_conditional_aggregate"
    ).exists()


def test_who_runs_and_reads_sandbox_queries(
    sandbox_grant, merchant, outsider, provider, operator_admin, regulator
):
    ask(session(merchant), sandbox_grant, "SELECT count(*) FROM grant_data")
    path = sandbox_url(sandbox_grant)
    # the provider sees the grant, not what the merchant asked of it
    assert code_of(api_for(provider).get(path)) == (403, "permission_denied") or (
        api_for(provider).get(path).status_code == 403
    )
    # nobody but the holder runs a query; the refusal is audited
    for user in (provider, operator_admin, regulator):
        response = ask(api_for(user), sandbox_grant, "SELECT count(*) FROM grant_data")
        assert code_of(response) == (403, "not_grant_holder")
    assert (
        AuditEvent.objects.filter(
            action="delivery.sandbox.query", outcome="denied", reason="not_grant_holder"
        ).count()
        >= 3
    )
    # an outsider learns nothing: a foreign grant answers as a missing one
    missing = f"/api/v1/grants/{sandbox_grant.pk + 10000}/sandbox/queries/"
    for target in (path, missing):
        assert session(outsider).get(target).status_code == 404
        assert ask(session(outsider), sandbox_grant, "SELECT 1").status_code == 404
    assert APIClient().get(path).status_code in (401, 403)
    # the operator and the regulator read the history: SQL and decision, never results
    for user in (operator_admin, regulator):
        rows = api_for(user).get(path).json()["results"]
        assert rows and "rows" not in rows[0] and rows[0]["rows_released"] == 1


def test_usage_and_statements_stay_with_their_parties(
    sandbox_grant, merchant, outsider, provider, operator_admin
):
    usage = f"/api/v1/grants/{sandbox_grant.pk}/usage/"
    assert api_for(merchant).get(usage).status_code == 200
    assert api_for(operator_admin).get(usage).status_code == 200
    assert api_for(provider).get(usage).status_code == 403
    assert api_for(outsider).get(usage).status_code == 404
    assert (
        api_for(outsider).get(f"/api/v1/grants/{sandbox_grant.pk + 10000}/usage/").status_code
        == 404
    )
    assert api_for(outsider).get("/api/v1/statements/").json()["results"] == []
    assert api_for(provider).get("/api/v1/statements/").json()["results"] == []
    assert api_for(outsider).get("/api/v1/statements/999999/").status_code == 404


def test_the_operator_reads_what_was_asked_not_which_person_or_key_asked(
    sandbox_grant, merchant, operator_admin, regulator
):
    """HOLE (fixed): the product's operator read the merchant's people's user names and
    key prefixes in the sandbox history (API and page) and the exports page; like the
    audit log (apps.audit.selectors.without_person) it reads the organization only."""
    from django.test import Client

    from apps.delivery.models import Export
    from tests.conftest import login_web

    ask(session(merchant), sandbox_grant, "SELECT count(*) FROM grant_data")
    Export.objects.create(grant=sandbox_grant, requested_by=merchant, format="csv", resource_id=1)
    path = sandbox_url(sandbox_grant)
    seen = api_for(operator_admin).get(path).json()["results"][0]
    assert seen["sql"] == "SELECT count(*) FROM grant_data"
    assert "user" not in seen and "api_key" not in seen
    for user in (merchant, regulator):
        assert api_for(user).get(path).json()["results"][0]["user"] == merchant.username
    pages = (
        f"/portal/grants/{sandbox_grant.pk}/sandbox/",
        f"/portal/grants/{sandbox_grant.pk}/exports/",
    )
    operator = login_web(Client(), operator_admin)
    merchants = login_web(Client(), merchant)
    for page, table in zip(pages, ('id="sandbox-queries"', 'id="export-'), strict=True):
        body = operator.get(page).content.decode()
        rows = body[body.index(table) :]
        assert f">{merchant.username}<" not in rows and sandbox_grant.merchant.name in rows
        body = merchants.get(page).content.decode()
        assert merchant.username in body[body.index(table) :]


def bound_key(grant, merchant) -> APIClient:
    from apps.accounts.services import api_key_create
    from apps.grants.access import key_bind

    key, raw = api_key_create(organization=merchant.organization, created_by=merchant, name="b")
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_keys_reach_only_the_grant_they_are_bound_to(sandbox_grant, merchant):
    bound = bound_key(sandbox_grant, merchant)
    assert ask(bound, sandbox_grant, "SELECT count(*) FROM grant_data").status_code == 200
    other = sandbox_grant.pk + 1000
    for path in (
        f"/api/v1/grants/{other}/sandbox/queries/",
        f"/api/v1/grants/{other}/records/",
        f"/api/v1/grants/{other}/exports/",
        f"/api/v1/grants/{other}/exports/1/",
        f"/api/v1/grants/{other}/usage/",
        "/api/v1/statements/",
        "/api/v1/grants/",
    ):
        assert code_of(bound.get(path)) == (403, "key_bound_to_grant"), path
    # a key of the merchant bound to no grant reads no data and runs no query
    unbound = api_for(merchant)
    assert code_of(ask(unbound, sandbox_grant, "SELECT count(*) FROM grant_data")) == (
        403,
        "key_not_bound",
    )
    assert code_of(unbound.get(records_url(sandbox_grant))) == (403, "key_not_bound")
    assert (
        AuditEvent.objects.filter(
            target_id=str(sandbox_grant.pk), outcome="denied", reason="key_not_bound"
        ).count()
        == 2
    )


def test_a_plain_member_of_the_merchant_queries_like_its_admin(sandbox_grant, merchant):
    from apps.accounts.choices import Role
    from tests.factories import member

    plain = member(merchant.organization.kind, role=Role.MEMBER, organization=merchant.organization)
    response = ask(session(plain), sandbox_grant, "SELECT count(*) FROM grant_data")
    assert response.status_code == 200 and response.json()["rows"] == [[101]]


def test_the_regulator_reads_nothing_before_its_second_factor(sandbox_grant, regulator):
    from django.test import Client

    from tests.conftest import login_web

    unverified = login_web(Client(), regulator, verify_otp=False)
    for path in (
        f"/console/grants/{sandbox_grant.pk}/sandbox/",
        f"/console/grants/{sandbox_grant.pk}/usage/",
        "/console/statements/",
        "/console/alerts/",
    ):
        response = unverified.get(path)
        assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    api = APIClient()
    api.force_login(regulator)
    for path in (sandbox_url(sandbox_grant), f"/api/v1/grants/{sandbox_grant.pk}/usage/"):
        assert code_of(api.get(path)) == (401, "otp_required")
    # with the second factor (an IP-bound key here) it reads the history
    assert api_for(regulator).get(sandbox_url(sandbox_grant)).status_code == 200


def test_merchants_and_providers_see_no_alert(merchant, provider, outsider):
    from django.test import Client

    from tests.conftest import login_web

    for user in (merchant, provider, outsider):
        assert login_web(Client(), user).get("/portal/alerts/").status_code == 403


def test_another_operator_reads_none_of_this_products_statements_usage_or_queries(
    sandbox_grant, merchant, operator_admin
):
    """A foreign object answers exactly as a missing one (404, audited with the owner
    as target organization), so probing ids tells nothing."""
    from apps.accounts.choices import OrganizationKind
    from apps.delivery.models import Statement
    from apps.delivery.statements import statements_refresh_current
    from tests.delivery.billing import use
    from tests.factories import member

    use(sandbox_grant, calls=3, rows_each=10)
    statements_refresh_current()
    statement = Statement.objects.get()
    ask(session(merchant), sandbox_grant, "SELECT count(*) FROM grant_data")
    other = api_for(member(OrganizationKind.OPERATOR))
    assert other.get("/api/v1/statements/").json()["results"] == []
    assert len(api_for(operator_admin).get("/api/v1/statements/").json()["results"]) == 1
    for existing, missing in (
        (f"/api/v1/statements/{statement.pk}/", f"/api/v1/statements/{statement.pk + 999}/"),
        (sandbox_url(sandbox_grant), f"/api/v1/grants/{sandbox_grant.pk + 999}/sandbox/queries/"),
        (
            f"/api/v1/grants/{sandbox_grant.pk}/usage/",
            f"/api/v1/grants/{sandbox_grant.pk + 999}/usage/",
        ),
    ):
        assert code_of(other.get(existing)) == code_of(other.get(missing)) == (404, "not_found")
    assert AuditEvent.objects.filter(
        outcome="denied", target_org_id=merchant.organization_id, reason="not_visible"
    ).exists()


def test_the_data_browser_refuses_masked_fields_in_its_query_string(sandbox_grant, merchant):
    from django.test import Client

    from tests.conftest import login_web

    page = f"/portal/grants/{sandbox_grant.pk}/data/"
    browser = login_web(Client(), merchant)
    for query in (
        "?order=legal_rep",
        "?order=-legal_rep",
        "?filter[legal_rep][eq]=x",
        "?filter[legal_rep][prefix]=%E5%BC%A0",
    ):
        assert browser.get(page + query).status_code == 400, query
    assert browser.get(page + "?page_size=100000").status_code == 400
    assert (
        AuditEvent.objects.filter(
            action="delivery.records.read", outcome="denied", reason="field_masked"
        ).count()
        == 4
    )


def test_padded_small_groups_tell_nothing_of_one_person_in_an_accepted_answer(connection):
    """HOLE (fixed, session 15 review, then again): districts Y and Z (5 and 6 people)
    padded in as groups under k, beside one that holds person-3 only if their age passes
    t. First the number of groups held back (2 or 3), then the released group (189 or
    188 people, set against a total of 200 and the 11 of Y and Z) told whether person-3
    is older than t, in accepted queries that spend no refusal. Now the query is refused
    whole whatever t is (tests/security/test_sandbox_small_groups.py: all three)."""

    def answer(threshold: int):
        person = f"name = 'person-3' AND age > {threshold}"
        sql = (
            "SELECT count(*) AS n FROM grant_data "  # noqa: S608
            f"GROUP BY {person}, district = 'Y', district = 'Z'"
        )
        return refusal(connection, sql)

    assert answer(0) == answer(200) == "sql_suppressed_below_k"
