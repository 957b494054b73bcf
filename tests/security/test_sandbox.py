"""Sandbox queries (apps.security.sandbox, sandbox_run) against a real in-process DuckDB
over a Parquet file: injections are refused with a code, a query is answered only when
every one of its groups holds at least k source rows, and no filter can single a person
out."""

import random
from contextlib import closing

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.security.sandbox import QueryRefused, validate
from apps.security.sandbox_run import (
    _check_differencing,
    execute_with_timeout,
    run_query,
    sandbox_connection,
)

K = 10
VIEW = "grant_data"


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    rng = random.Random(7)
    # Districts A-E hold 30+ people each; Y holds five and Z six (11 together).
    districts = [rng.choice("ABCDE") for _ in range(189)] + ["Y"] * 5 + ["Z"] * 6
    table = pa.table(
        {
            "district": districts,
            "age": [rng.randint(18, 80) for _ in districts],
            "income": [round(rng.uniform(1000, 20000), 2) for _ in districts],
            "name": [f"person-{i}" for i in range(len(districts))],
        }
    )
    path = tmp_path_factory.mktemp("sandbox") / "data.parquet"
    pq.write_table(table, path)
    # A file beside it that no query may reach.
    (path.parent / "secret.csv").write_text("secret\n42\n")
    return path


@pytest.fixture
def connection(parquet):
    with closing(sandbox_connection(parquet, VIEW)) as opened:
        yield opened


def refusal(connection, sql: str) -> str:
    with pytest.raises(QueryRefused) as refused:
        run_query(connection, sql, view=VIEW, k=K)
    return refused.value.code


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT count(*) FROM grant_data; DROP TABLE grant_data", "sql_multiple_statements"),
        ("SELECT 1; DROP VIEW grant_data;", "sql_multiple_statements"),
        ("SELECT count(*) FROM read_csv('/etc/passwd')", "sql_forbidden_function"),
        ("SELECT count(*) FROM read_parquet('/tmp/*.parquet')", "sql_forbidden_function"),
        ("SELECT count(*) FROM glob('/etc/*')", "sql_forbidden_function"),
        ("SELECT count(*) FROM '/etc/passwd'", "sql_forbidden_table"),
        ("SELECT count(*) FROM duckdb_settings()", "sql_forbidden_function"),
        ("SELECT getenv('HOME'), count(*) FROM grant_data", "sql_forbidden_function"),
        ("COPY grant_data TO '/tmp/leak.csv'", "sql_not_select"),
        ("COPY (SELECT * FROM grant_data) TO '/tmp/leak.csv'", "sql_not_select"),
        ("ATTACH '/tmp/other.db' AS other", "sql_not_select"),
        ("INSTALL httpfs", "sql_not_select"),
        ("LOAD httpfs", "sql_not_select"),
        ("PRAGMA database_list", "sql_not_select"),
        ("SET enable_external_access = true", "sql_not_select"),
        ("CALL pragma_version()", "sql_not_select"),
        ("EXPORT DATABASE '/tmp/dump'", "sql_not_select"),
        ("DROP VIEW grant_data", "sql_not_select"),
        ("SELECT count(*) FROM grant_data -- WHERE name = 'x'", "sql_comment"),
        ("SELECT count(*) /* hidden */ FROM grant_data", "sql_comment"),
        (
            "SELECT count(*) FROM grant_data UNION SELECT count(*) FROM other_view",
            "sql_set_operation",
        ),
        (
            "SELECT count(*) FROM grant_data UNION ALL SELECT count(*) FROM grant_data",
            "sql_set_operation",
        ),
        (
            "SELECT count(*) FROM (SELECT * FROM grant_data UNION ALL SELECT * FROM other_view) t",
            "sql_forbidden_table",
        ),
        ("SELECT count(*) FROM information_schema.tables", "sql_forbidden_table"),
        ("SELECT count(*) FROM main.grant_data", "sql_forbidden_table"),
        (
            "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
            "SELECT count(*) FROM t",
            "sql_recursive_cte",
        ),
        ("SELECT count(*) FROM grant_data a, grant_data b, grant_data c", "sql_cross_join"),
        ("SELECT count(*) FROM grant_data a CROSS JOIN grant_data b", "sql_cross_join"),
        ("SELECT count(*) FROM grant_data a JOIN grant_data b ON a.age = b.age", "sql_join"),
        (
            "WITH t AS (SELECT * FROM grant_data) SELECT count(*) FROM t, t AS u",
            "sql_cross_join",
        ),
        ("SELECT * FROM grant_data", "sql_not_aggregated"),
        ("SELECT name, income FROM grant_data", "sql_not_aggregated"),
        ("SELECT district, name, count(*) FROM grant_data GROUP BY district", "sql_not_aggregated"),
        (
            "SELECT sum(income * (name = 'person-1')::int) FROM grant_data",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT max(CASE WHEN name = 'person-1' THEN income END) FROM grant_data",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT CASE WHEN age > 50 THEN 1 END, count(*) FROM grant_data GROUP BY 1",
            "sql_forbidden_function",
        ),
        (
            "SELECT count(*) FILTER (WHERE name = 'person-1') FROM grant_data",
            "sql_conditional_aggregate",
        ),
        (
            "SELECT count(*) FROM grant_data "
            "WHERE income > (SELECT income FROM grant_data WHERE name = 'person-1')",
            "sql_subquery",
        ),
        (
            "SELECT count(*) FROM grant_data WHERE name IN (SELECT name FROM grant_data)",
            "sql_subquery",
        ),
        (
            "WITH g AS (SELECT district, count(*) AS n FROM grant_data GROUP BY district) "
            "SELECT n, count(*) FROM g GROUP BY n",
            "sql_nested_aggregate",
        ),
        (
            "SELECT district, sum(income) OVER () FROM grant_data GROUP BY ALL",
            "sql_window_function",
        ),
        ("SELECT count(*) AS __k FROM grant_data", "sql_reserved_name"),
        ("SELECT count(*) FROM grant_data LIMIT 5 + 5", "sql_limit_invalid"),
        ("SELEC count(*) FROM grant_data", "sql_parse_error"),  # a typo, not a statement
        ("SELECT count(* FROM grant_data", "sql_parse_error"),
        ("SELECT count(*) FROM grant_data WHERE name = 'person-1'", "sql_base_below_k"),
        ("SELECT count(*) FROM grant_data WHERE district = 'Z'", "sql_base_below_k"),
        ("SELECT avg(income) FROM grant_data WHERE name <> 'person-1'", "sql_complement_below_k"),
        (
            "WITH one AS (SELECT * FROM grant_data WHERE name = 'person-1') "
            "SELECT avg(income) FROM one",
            "sql_base_below_k",
        ),
        (
            "SELECT name = 'person-1' AS is_them, avg(income) FROM grant_data GROUP BY 1",
            "sql_suppressed_below_k",
        ),
        (
            "SELECT district, avg(income) FROM grant_data "
            "WHERE district IN ('A', 'Z') GROUP BY district",
            "sql_suppressed_below_k",
        ),
        ("SELECT count(*) FROM no_such_view", "sql_forbidden_table"),
        ("SELECT count(no_such_column) FROM grant_data", "sql_execution_error"),
    ],
)
def test_every_injection_and_leak_is_refused_with_its_code(connection, sql, code):
    assert refusal(connection, sql) == code


def test_an_aggregate_query_is_answered_with_all_its_groups_of_at_least_k_rows(connection):
    sql = (
        "SELECT district, count(*) AS people, round(avg(income), 2) AS mean_income "
        "FROM grant_data {where} GROUP BY district ORDER BY district"
    )
    result = run_query(connection, sql.format(where="WHERE district < 'F'"), view=VIEW, k=K)
    assert result.columns == ["district", "people", "mean_income"]
    assert [row[0] for row in result.rows] == ["A", "B", "C", "D", "E"]
    assert all(row[1] >= K for row in result.rows)
    # with Y (5) and Z (6) in, the whole query is refused: no group is left out
    assert refusal(connection, sql.format(where="")) == "sql_suppressed_below_k"


def test_a_limit_cannot_hide_a_small_group(connection):
    sql = "SELECT district, count(*) FROM grant_data GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    assert refusal(connection, sql) == "sql_suppressed_below_k"


def test_ctes_aliases_and_the_whitelisted_functions_are_accepted(connection):
    result = run_query(
        connection,
        "WITH t AS (SELECT lower(district) AS d, income, age FROM grant_data "
        "WHERE age >= 18 AND district < 'F') "
        "SELECT d, median(income), stddev(age), min(age), max(age), approx_count_distinct(age),"
        " coalesce(sum(income), 0), cast(avg(age) AS INTEGER) FROM t GROUP BY d",
        view=VIEW,
        k=K,
    )
    assert sorted(row[0] for row in result.rows) == ["a", "b", "c", "d", "e"]


def test_a_global_aggregate_is_one_group(connection):
    result = run_query(connection, "SELECT count(*), sum(income) FROM grant_data", view=VIEW, k=K)
    assert result.rows[0][0] == 200


def test_a_group_whose_every_member_is_filtered_out_is_no_group(connection):
    """Y and Z, filtered out whole, are no groups under k: the query is answered."""
    result = run_query(
        connection,
        "SELECT district, count(*) FROM grant_data WHERE district < 'F' GROUP BY district",
        view=VIEW,
        k=K,
    )
    assert sorted(district for district, _ in result.rows) == ["A", "B", "C", "D", "E"]
    assert all(count >= K for _, count in result.rows)


def test_the_limit_is_capped():
    assert (
        validate("SELECT count(*) FROM grant_data LIMIT 999999", view=VIEW, max_limit=50).limit
        == 50
    )
    assert validate("SELECT count(*) FROM grant_data", view=VIEW, max_limit=50).sql.endswith(
        "LIMIT 50"
    )


def test_the_view_name_is_the_callers():
    with pytest.raises(QueryRefused) as refused:
        validate("SELECT count(*) FROM grant_data", view="grant_42")
    assert refused.value.code == "sql_forbidden_table"
    assert validate("SELECT count(*) FROM GRANT_42", view="grant_42").limit


def test_the_connection_itself_cannot_reach_files_or_change_its_settings(connection, parquet):
    # Defence in depth: even SQL that skipped the validator stays inside the view.
    secret = parquet.parent / "secret.csv"
    for sql in (
        f"SELECT * FROM read_csv('{secret}')",  # noqa: S608
        f"COPY (SELECT 1) TO '{parquet.parent / 'out.csv'}'",
        f"ATTACH '{parquet.parent / 'x.db'}'",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "INSTALL httpfs",
    ):
        with pytest.raises(duckdb.Error):
            connection.execute(sql)
    assert not (parquet.parent / "out.csv").exists()


def test_a_query_that_runs_too_long_is_interrupted(connection):
    # No accepted query over 200 rows runs long, so the timer is shown on a slow one.
    slow = "SELECT count(*) FROM range(100000000) a, range(100000) b"
    with pytest.raises(QueryRefused) as refused:
        execute_with_timeout(connection, slow, timeout=0.2)
    assert refused.value.code == "sql_timeout"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT district, min(name) FROM grant_data GROUP BY district",
        "SELECT district, max(CAST(name AS VARCHAR)) FROM grant_data GROUP BY district",
        "SELECT median(name) FROM grant_data",
        "SELECT district, count(*) FROM grant_data GROUP BY district HAVING max(name) > 'a'",
        # a renaming WITH cannot pass text off as a number
        "WITH t AS (SELECT name AS income, district FROM grant_data) "
        "SELECT district, max(income) FROM t GROUP BY district",
        "SELECT district, max(n) FROM (SELECT district, name AS n FROM grant_data) GROUP BY 1",
    ],
)
def test_min_max_and_median_of_text_are_refused_they_give_one_persons_entry(connection, sql):
    with pytest.raises(QueryRefused) as refused:
        run_query(connection, sql, view=VIEW, k=K)
    assert refused.value.code == "sql_one_row_aggregate"


def test_min_max_and_median_of_numbers_are_group_statistics(connection):
    result = run_query(
        connection,
        "WITH t AS (SELECT district AS d, income AS money FROM grant_data "
        "WHERE district < 'F') SELECT d, min(money), max(money), median(money) FROM t GROUP BY d",
        view=VIEW,
        k=K,
    )
    assert sorted(row[0] for row in result.rows) == ["A", "B", "C", "D", "E"]
    assert all(low <= middle <= high for _, low, high, middle in result.rows)


# -- differencing across queries ----------------------------------------------------------


@pytest.fixture(scope="module")
def numbered(parquet, tmp_path_factory):
    """The same data as the scoped copy writes it: each row's number in "#row"."""
    table = pq.read_table(parquet)
    table = table.append_column("#row", pa.array(range(table.num_rows), pa.int64()))
    path = tmp_path_factory.mktemp("scoped") / "scoped.parquet"
    pq.write_table(table, path)
    return path


@pytest.fixture
def scoped(numbered):
    with closing(sandbox_connection(numbered, VIEW)) as opened:
        yield opened


def ask(connection, sql: str, earlier: list[str]):
    """Runs `sql` after `earlier` (each accepted, then remembered like the history)."""
    result = run_query(connection, sql, view=VIEW, k=K, earlier=list(earlier))
    earlier.insert(0, sql)
    return result


def differencing(connection, sql: str, earlier: list[str]) -> str:
    with pytest.raises(QueryRefused) as refused:
        run_query(connection, sql, view=VIEW, k=K, earlier=list(earlier))
    return refused.value.code


def test_queries_see_the_fields_and_not_the_row_numbers(scoped):
    columns = [row[0] for row in scoped.execute(f"DESCRIBE {VIEW}").fetchall()]
    assert columns == ["district", "age", "income", "name"]
    assert refusal(scoped, 'SELECT count(*) FROM grant_data WHERE "#row" < 100') == (
        "sql_execution_error"
    )
    assert refusal(scoped, "SELECT count(*) FROM __rows") == "sql_forbidden_table"


def test_two_queries_whose_rows_differ_by_one_person_are_not_both_answered(scoped):
    """`age > 30` and then `age > 30 AND name <> 'person-7'`: each passes the k checks on
    its own, side by side they would tell person-7's age and district."""
    earlier: list[str] = []
    ask(scoped, "SELECT count(*), avg(income) FROM grant_data WHERE age > 30", earlier)
    attacks = [
        "SELECT count(*), avg(income) FROM grant_data WHERE age > 30 AND name <> 'person-7'",
        "SELECT count(*) FROM grant_data WHERE age > 30 AND name NOT IN ('person-7', 'person-8')",
        # the same through a CTE, a FROM subquery naming its columns, an alias
        "WITH t AS (SELECT * FROM grant_data WHERE name <> 'person-7') "
        "SELECT count(*) FROM t WHERE age > 30",
        "SELECT count(*) FROM (SELECT age, district FROM grant_data "
        "WHERE name <> 'person-7') AS s WHERE age > 30",
        "WITH a AS (SELECT age, name FROM grant_data g WHERE g.age > 30), "
        "b AS (SELECT age FROM a WHERE name <> 'person-7') SELECT avg(age) FROM b",
    ]
    [(age,)] = scoped.execute("SELECT age FROM grant_data WHERE name = 'person-7'").fetchall()
    assert age > 30  # the fixture's person-7 is in the first query's rows
    for sql in attacks:
        assert differencing(scoped, sql, earlier) == "sql_differencing", sql
    # The same rows again, or rows that differ by k or more, are answered.
    ask(scoped, "SELECT count(*) FROM grant_data WHERE 30 < age", earlier)
    ask(scoped, "SELECT count(*) FROM grant_data WHERE age > 50", earlier)
    ask(
        scoped,
        "SELECT district, avg(income) FROM grant_data WHERE district < 'F' GROUP BY district",
        earlier,
    )


def test_leaving_a_few_people_out_of_each_group_is_refused_group_by_group(scoped):
    """Two people out of each of the five large districts: ten rows apart in all (k, so
    the whole-base comparison lets it pass), two apart in every district, where the two
    grouped answers side by side would tell those two people's share of each sum. (Y and
    Z, under k, are filtered out: with them in, every grouping by district is refused.)"""
    earlier: list[str] = []
    large = "WHERE district < 'F'"
    ask(
        scoped,
        f"SELECT district, count(*), sum(income) FROM grant_data {large} GROUP BY district",  # noqa: S608
        earlier,
    )
    names = [
        name
        for (picked,) in scoped.execute(
            "SELECT list(name ORDER BY name)[1:2] FROM grant_data WHERE district IN "
            "('A', 'B', 'C', 'D', 'E') GROUP BY district"
        ).fetchall()
        for name in picked
    ]
    assert len(names) == K
    out = f"{large} AND name NOT IN (" + ", ".join(f"'{name}'" for name in names) + ")"
    attacks = [
        "SELECT district, count(*), sum(income) FROM grant_data {out} GROUP BY district",
        # the same grouped by position, or by another spelling of the district, or with the
        # filter moved into a FROM subquery or a CTE, ordered and limited
        "SELECT district, sum(income) FROM grant_data {out} GROUP BY 1",
        "SELECT lower(district) AS d, sum(income) FROM (SELECT * FROM grant_data {out}) AS s "
        "GROUP BY d",
        "WITH t AS (SELECT district, income FROM grant_data {out}) "
        "SELECT district, sum(income) FROM t GROUP BY district ORDER BY 2 LIMIT 2",
    ]
    attacks = [sql.format(out=out) for sql in attacks]
    for sql in attacks:
        with pytest.raises(QueryRefused) as refused:
            run_query(scoped, sql, view=VIEW, k=K, earlier=list(earlier))
        assert refused.value.code == "sql_differencing", sql
        assert " 5 " in str(refused.value.message), sql  # the five districts, in its words
    # Groups k or more rows apart are answered, grouped or not, and so is a grouping
    # whose groups each differ from the earlier rows by k or more.
    ask(scoped, f"SELECT count(*) FROM grant_data {out}", list(earlier))  # noqa: S608
    older = "SELECT district, count(*) FROM grant_data WHERE age > 50 AND district < 'F' GROUP BY 1"
    ask(scoped, older, earlier)


def test_the_order_of_the_two_queries_does_not_matter(scoped):
    earlier: list[str] = []
    ask(scoped, "SELECT count(*) FROM grant_data WHERE age > 30 AND name <> 'person-7'", earlier)
    assert differencing(scoped, "SELECT count(*) FROM grant_data WHERE age > 30", earlier) == (
        "sql_differencing"
    )


def test_an_earlier_query_that_no_longer_runs_is_left_out(scoped):
    earlier = ["SELECT count(*) FROM grant_data WHERE gone > 1", "not even SQL"]
    assert ask(scoped, "SELECT count(*) FROM grant_data WHERE age > 30", earlier).rows


def test_a_cte_may_not_take_the_views_name(scoped):
    sql = (
        "WITH grant_data AS (SELECT * FROM grant_data WHERE age > 30) "
        "SELECT count(*) FROM grant_data"
    )
    assert refusal(scoped, sql) == "sql_reserved_name"


def test_without_row_numbers_an_earlier_query_cannot_be_compared_so_it_is_refused(connection):
    earlier = ["SELECT count(*) FROM grant_data WHERE age > 30"]
    assert differencing(connection, "SELECT count(*) FROM grant_data", earlier) == (
        "sql_unsupported"
    )


SHAPES = [
    "SELECT district, count(*) FROM grant_data {where} GROUP BY district",
    "SELECT district, sum(income) FROM (SELECT * FROM grant_data {where}) AS s GROUP BY 1",
    "WITH t AS (SELECT district, income FROM grant_data {where}) "
    "SELECT lower(district) AS d, avg(income) FROM t GROUP BY d",
]


def _left_out(names: set[int]) -> str:
    listed = ", ".join(f"'person-{i}'" for i in sorted(names))
    return f"WHERE name NOT IN ({listed})" if names else ""


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.integers(0, 199), max_size=30),
    st.sets(st.integers(0, 199), max_size=30),
    st.sampled_from(SHAPES),
    st.sampled_from(SHAPES),
)
def test_the_differencing_checks_refuse_exactly_what_a_count_by_hand_says(
    numbered, earlier_out, new_out, earlier_shape, new_shape
):
    """Two grouped queries leaving out random people, in any of three shapes: refused
    (sql_differencing) exactly when, as counted here in Python, their kept rows, the
    unions of their groups of at least k rows, such a group of one and such a group or
    the union of the other, stand 1 to k-1 rows apart."""
    districts = pq.read_table(numbered, columns=["district"]).column(0).to_pylist()
    earlier = earlier_shape.format(where=_left_out(earlier_out))
    sql = new_shape.format(where=_left_out(new_out))

    def released(out: set[int]) -> tuple[set, list[set], set]:
        kept = {i for i in range(len(districts)) if i not in out}
        groups = [{i for i in kept if districts[i] == d} for d in set(districts)]
        groups = [g for g in groups if len(g) >= K]
        return kept, groups, set().union(*groups)

    mine, theirs = released(new_out), released(earlier_out)
    pairs = [(mine[0], theirs[0]), (mine[2], theirs[2])]
    pairs += [(a, b) for a in [*mine[1], mine[2]] for b in theirs[1]]
    pairs += [(a, theirs[2]) for a in mine[1]]
    expected = any(0 < len(a ^ b) < K for a, b in pairs)
    with closing(sandbox_connection(numbered, VIEW)) as connection:
        query = validate(sql, view=VIEW)
        try:
            _check_differencing(connection, query, [earlier], k=K, timeout=10)
            refused = False
        except QueryRefused as refusal:
            assert refusal.code == "sql_differencing"
            refused = True
    assert refused == expected, (earlier, sql)
