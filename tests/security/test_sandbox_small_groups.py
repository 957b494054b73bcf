"""Every group or nothing: a sandbox query whose groups include one of 1 to k-1 source rows
is refused whole (`sql_suppressed_below_k`), never answered with the small groups left
out. Leaving them out leaked (review): the released groups, set against other accepted
answers, told whether one person met a condition, in accepted queries that spend no
refusal."""

from contextlib import closing

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from apps.security.sandbox import QueryRefused
from apps.security.sandbox_run import run_query, sandbox_connection
from tests.security.test_sandbox import (  # noqa: F401  (fixtures)
    VIEW,
    K,
    connection,
    numbered,
    parquet,
    scoped,
)

# Groups of exactly k rows, k - 1 rows and one row beside a large one.
SIZES = {"big": 40, "edge": K, "nine": K - 1, "one": 1}


@pytest.fixture(scope="module")
def sized(tmp_path_factory):
    groups = [name for name, size in SIZES.items() for _ in range(size)]
    table = pa.table(
        {
            "grp": groups,
            "income": [float(1000 + i) for i in range(len(groups))],
            "#row": pa.array(range(len(groups)), pa.int64()),
        }
    )
    path = tmp_path_factory.mktemp("sized") / "sized.parquet"
    pq.write_table(table, path)
    return path


@pytest.fixture
def groups(sized):
    with closing(sandbox_connection(sized, VIEW)) as opened:
        yield opened


def refused(opened, sql: str, earlier=()) -> QueryRefused:
    with pytest.raises(QueryRefused) as raised:
        run_query(opened, sql, view=VIEW, k=K, earlier=list(earlier))
    return raised.value


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT grp, count(*) FROM grant_data GROUP BY grp",
        # one group of k - 1 rows beside one of 40 (the filter leaves out k + 1 rows)
        "SELECT grp, count(*), sum(income) FROM grant_data "
        "WHERE grp IN ('big', 'nine') GROUP BY grp",
        # one group of a single row beside one of all the others
        "SELECT grp = 'one' AS alone, avg(income) FROM grant_data GROUP BY 1",
        # neither the query's own HAVING, ORDER BY, LIMIT nor DISTINCT hides a small group
        "SELECT grp, count(*) FROM grant_data GROUP BY grp HAVING count(*) >= 10",
        "SELECT grp, count(*) AS n FROM grant_data GROUP BY grp ORDER BY n DESC LIMIT 1",
        "SELECT DISTINCT grp, count(*) FROM grant_data GROUP BY grp",
    ],
)
def test_a_grouping_with_a_group_under_k_rows_is_refused_whole(groups, sql):
    problem = refused(groups, sql)
    assert problem.code == "sql_suppressed_below_k"
    assert str(K) in str(problem.message)  # in the page's language: k, not how many groups


def test_a_grouping_whose_small_groups_hold_k_rows_together_is_refused_too(connection):  # noqa: F811
    """Districts Y (5) and Z (6) hold 11 rows together: they used to be left out and A-E
    released. Now nothing is."""
    for sql in (
        "SELECT district, count(*), avg(income) FROM grant_data GROUP BY district",
        "SELECT district, count(*) FROM grant_data GROUP BY 1 ORDER BY count(*) DESC LIMIT 3",
    ):
        assert refused(connection, sql).code == "sql_suppressed_below_k", sql


def test_a_grouping_whose_every_group_holds_k_rows_is_released_whole(groups, connection):  # noqa: F811
    result = run_query(
        groups,
        "SELECT grp, count(*) AS n FROM grant_data WHERE grp IN ('big', 'edge') "
        "GROUP BY grp ORDER BY grp",
        view=VIEW,
        k=K,
    )
    assert result.columns == ["grp", "n"]
    assert result.rows == [("big", 40), ("edge", K)]  # a group of exactly k rows included
    result = run_query(
        connection,
        "SELECT district, count(*) AS n FROM grant_data WHERE district NOT IN ('Y', 'Z') "
        "GROUP BY district ORDER BY district",
        view=VIEW,
        k=K,
    )
    assert [row[0] for row in result.rows] == ["A", "B", "C", "D", "E"]
    assert sum(row[1] for row in result.rows) == 189
    result = run_query(
        connection,
        "SELECT district IN ('Y', 'Z') AS small, count(*) AS n FROM grant_data "
        "GROUP BY 1 ORDER BY 1",
        view=VIEW,
        k=K,
    )
    assert result.rows == [(False, 189), (True, 11)]


def test_three_accepted_answers_no_longer_tell_whether_one_person_meets_a_condition(
    scoped,  # noqa: F811
):
    """HOLE (fixed): a total (200), the people of the small districts Y and Z (11), then a
    grouping that pads Y and Z in as groups of their own beside one that holds person-3
    only if their age passes t. Its released group held 189 or 188 people: 200 - 11 - that
    is 0 or 1, whether person-3 is older than t, from three accepted queries that spend no
    refusal. Now the third query is refused whatever t is: the accepted answers are the
    same either way."""

    def answers(threshold: int) -> list:
        earlier: list[str] = []
        out = []
        for sql in (
            "SELECT count(*) AS n FROM grant_data",
            "SELECT count(*) AS n FROM grant_data WHERE district IN ('Y', 'Z')",
            "SELECT count(*) AS n FROM grant_data "  # noqa: S608
            f"GROUP BY name = 'person-3' AND age > {threshold}, district = 'Y', district = 'Z'",
        ):
            try:
                out.append(run_query(scoped, sql, view=VIEW, k=K, earlier=list(earlier)).rows)
                earlier.insert(0, sql)
            except QueryRefused as problem:
                out.append(problem.code)
        return out

    older, younger = answers(0), answers(200)  # person-3 is older than 0, not than 200
    assert older == younger == [[(200,)], [(11,)], "sql_suppressed_below_k"]
