"""Ways around the sandbox's k rules found in review, each now refused: a PIVOT that
spreads one row into a column of its own, a bare text value as a condition that fails on
one row's value, a HAVING that hides a one-row group from the count of small groups, one
row moved between groups, grouped against ungrouped answers, min/max over text cast to a
number (in place or through a CTE), and a CTE name out of scope that reaches DuckDB's
own catalog."""

import duckdb
import pytest

from apps.security.sandbox import QueryRefused, validate
from apps.security.sandbox_run import run_query
from tests.security.test_sandbox import VIEW, K, numbered, parquet, scoped  # noqa: F401


def truth(connection, sql: str):
    [(value,)] = connection.execute(sql).fetchall()
    return value


def code_of(connection, sql: str, earlier=()) -> str:
    with pytest.raises(QueryRefused) as refused:
        run_query(connection, sql, view=VIEW, k=K, earlier=list(earlier))
    return refused.value.code


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT sum("person-7"), count(*) FROM (PIVOT grant_data ON name USING sum(income))',
        "WITH t AS (SELECT age > 30 AS hit, income FROM grant_data) "
        'SELECT sum("true") FROM (PIVOT t ON hit USING sum(income) GROUP BY income)',
        "SELECT count(*) FROM grant_data UNPIVOT (v FOR k IN (age, income))",
        "SELECT count(*) FROM grant_data USING SAMPLE 50",
        "SELECT district, count(*) FROM grant_data GROUP BY ROLLUP (district)",
        "SELECT district, count(*) FROM grant_data GROUP BY GROUPING SETS ((district), ())",
    ],
)
def test_syntax_outside_the_accepted_kinds_is_refused(scoped, sql):  # noqa: F811
    assert code_of(scoped, sql) == "sql_forbidden_syntax"


def test_a_bare_value_as_a_condition_cannot_fail_on_one_rows_value(scoped):  # noqa: F811
    """`WHERE d` casts d to BOOLEAN: '2' fails, so a failure would answer a yes/no question
    about person-7. As validated, every condition is cast with TRY_CAST: it runs."""
    asked = (
        "WITH t AS (SELECT CAST(CAST(name = 'person-7' AS INT) + 1 AS VARCHAR) AS d "
        "FROM grant_data) SELECT count(*) FROM t WHERE d"
    )
    with pytest.raises(duckdb.ConversionException):
        scoped.execute(asked).fetchall()  # as written: fails on person-7's row
    validated = validate(asked, view=VIEW).sql
    assert scoped.execute(validated).fetchall() == [(199,)]  # person-7's row: NULL, left out
    having = "SELECT district, count(*) FROM grant_data GROUP BY 1 HAVING max(name)"
    assert "TRY_CAST(MAX(name) AS BOOLEAN)" in validate(having, view=VIEW).sql


def test_a_having_cannot_hide_a_one_row_group_from_the_count_of_small_groups(scoped):  # noqa: F811
    plain = "SELECT name = 'person-7' AS g, sum(income) FROM grant_data GROUP BY 1"
    assert code_of(scoped, plain) == "sql_suppressed_below_k"
    assert code_of(scoped, plain + " HAVING count(*) > 1") == "sql_suppressed_below_k"
    assert code_of(scoped, plain + " LIMIT 1 OFFSET 1") == "sql_suppressed_below_k"


def test_a_query_set_against_a_group_of_an_earlier_one_is_differencing(scoped):  # noqa: F811
    """Grouped by whether the district is Y or Z (11 people together), the other group
    holds all but those 11. All but Z and all but one of Y, ungrouped, would tell that one
    person's income."""
    earlier = [
        "SELECT district IN ('Y', 'Z') AS small, count(*), sum(income) FROM grant_data GROUP BY 1"
    ]
    run_query(scoped, earlier[0], view=VIEW, k=K)
    one = truth(scoped, "SELECT min(name) FROM grant_data WHERE district = 'Y'")
    sql = (
        "SELECT count(*), sum(income) FROM grant_data "  # noqa: S608
        f"WHERE district <> 'Z' AND (district <> 'Y' OR name = '{one}')"
    )
    run_query(scoped, sql, view=VIEW, k=K)  # alone, it passes every check
    assert code_of(scoped, sql, earlier) == "sql_differencing"


def without_person_7(connection) -> str:
    """A condition on age that person-7 just fails (one year past their age)."""
    age = truth(connection, "SELECT age FROM grant_data WHERE name = 'person-7'")
    return f"age > {age + 1}" if age < 60 else f"age < {age - 1}"


def with_person_7_moved(condition: str) -> str:
    """Grouped by `condition`, person-7 moved into the group that holds."""
    return (
        f"SELECT {condition} OR name = 'person-7' AS g, count(*), sum(income) "  # noqa: S608
        "FROM grant_data GROUP BY 1"
    )


@pytest.mark.parametrize(
    "first",
    [
        "SELECT {c} AS g, count(*), sum(income) FROM grant_data GROUP BY 1",  # moved a group
        "SELECT count(*), sum(income) FROM grant_data WHERE {c}",  # grouped against ungrouped
    ],
)
def test_one_row_moved_between_groups_is_differencing(scoped, first):  # noqa: F811
    condition = without_person_7(scoped)
    first, moved = first.format(c=condition), with_person_7_moved(condition)
    run_query(scoped, first, view=VIEW, k=K)
    assert code_of(scoped, moved, [first]) == "sql_differencing"
    assert code_of(scoped, first, [moved]) == "sql_differencing"  # in either order


def test_answers_far_apart_are_still_given(scoped):  # noqa: F811
    earlier: list[str] = []
    for sql in [
        "SELECT district, count(*), sum(income) FROM grant_data WHERE district < 'F' "
        "GROUP BY district",
        "SELECT count(*), avg(income) FROM grant_data",
        "SELECT age > 40 AS older, count(*) FROM grant_data GROUP BY 1",
        "SELECT district, avg(age) FROM grant_data WHERE income > 10000 AND district < 'F' "
        "GROUP BY 1",
    ]:
        assert run_query(scoped, sql, view=VIEW, k=K, earlier=list(earlier)).rows, sql
        earlier.insert(0, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT district, max(CAST(name AS BIGINT)) FROM grant_data GROUP BY district",
        "SELECT district, min(TRY_CAST(name AS DOUBLE)) FROM grant_data GROUP BY 1",
        "WITH t AS (SELECT district, CAST(name AS BIGINT) AS n FROM grant_data) "
        "SELECT district, max(n) FROM t GROUP BY 1",
        "SELECT d, median(n) FROM (SELECT district AS d, length(name) AS n FROM grant_data) "
        "AS s GROUP BY d",
    ],
)
def test_min_max_median_of_text_are_refused_through_casts_and_ctes(scoped, sql):  # noqa: F811
    assert code_of(scoped, sql) == "sql_one_row_aggregate"


def test_min_max_of_numbers_through_a_cte_are_still_answered(scoped):  # noqa: F811
    sql = (
        "WITH t AS (SELECT district, CAST(income AS BIGINT) AS money FROM grant_data "
        "WHERE district < 'F') SELECT district, max(money), min(money) FROM t GROUP BY district"
    )
    assert run_query(scoped, sql, view=VIEW, k=K).rows


@pytest.mark.parametrize(
    "sql",
    [
        # a CTE defined inside another's scope, named outside it: DuckDB's catalog view
        "WITH a AS (SELECT * FROM (WITH duckdb_types AS (SELECT * FROM grant_data) "
        "SELECT * FROM grant_data)) SELECT type_category, count(*) FROM duckdb_types GROUP BY 1",
        # a CTE named before it is defined
        "WITH a AS (SELECT * FROM duckdb_types), duckdb_types AS (SELECT * FROM grant_data) "
        "SELECT count(*) FROM a",
    ],
)
def test_a_name_out_of_its_ctes_scope_is_refused(scoped, sql):  # noqa: F811
    assert code_of(scoped, sql) in ("sql_nested_with", "sql_forbidden_table")
