"""The rows a sandbox query keeps, by number, for the differencing checks of
apps.security.sandbox_run: `base_rows_sql` (two queries whose rows differ by 1 to k-1), and
group by group (`group_tables_sql`, `group_differences_sql`: two grouped queries whose rows
differ by 1 to k-1 within a group that both release would, side by side, describe those
rows, however many groups share the difference out)."""

from sqlglot import exp

from apps.security.sandbox import DIALECT, ROW_ID, ROWS_VIEW, ValidatedQuery


def _keeps_every_column(select: exp.Select) -> bool:
    return any(
        isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
        for e in select.expressions
    )


def _over_rows(query: ValidatedQuery) -> exp.Select:
    """A copy of the query reading ROWS_VIEW for the view, each nested SELECT carrying the
    row number `#row` up to the outer one. Every nested SELECT is row by row
    (`sql_nested_aggregate`), so each row the outer SELECT reads is one view row."""
    tree = query.tree.copy()
    for table in list(tree.find_all(exp.Table)):
        if table.name.lower() == query.view.lower():
            rows = exp.to_table(ROWS_VIEW)
            if table.args.get("alias") is not None:
                rows.set("alias", table.args["alias"].copy())
            table.replace(rows)
    for select in list(tree.find_all(exp.Select)):
        if select is not tree and not _keeps_every_column(select):
            select.select(_row(), copy=False)
    return tree


def _row() -> exp.Column:
    return exp.column(exp.to_identifier(ROW_ID, quoted=True))


def base_rows_sql(query: ValidatedQuery) -> str:
    """`SELECT "#row"`: the numbers of the view's rows that the query's FROM and WHERE
    keep (its CTEs' and subqueries' filters included), read from ROWS_VIEW."""
    tree = _over_rows(query)
    base = exp.select(_row()).from_(tree.args["from_"].copy())
    if tree.args.get("where") is not None:
        base.set("where", tree.args["where"].copy())
    if tree.args.get("with_") is not None:
        base.set("with_", tree.args["with_"].copy())
    return base.sql(dialect=DIALECT)


def quote_name(name: str) -> str:
    """An identifier, double-quoted (the platform's own names: never a merchant's)."""
    return '"' + name.replace('"', '""') + '"'


def grouped(query: ValidatedQuery) -> bool:
    group = query.tree.args.get("group")
    return group is not None and bool(group.expressions or group.args.get("all"))


# The tables of one query's group check (`group_tables_sql`), on its own connection: no
# merchant's query can name them (names starting with __ are refused).
MINE, GROUPS, GROUP_SIZES = "__mine", "__groups", "__group_sizes"


def group_tables_sql(query: ValidatedQuery) -> list[str]:
    """The statements that set up `group_differences_sql` for `query`, once for all the
    earlier queries it is compared with: the rows it keeps (MINE); every row of the view
    with the group the query would put it in (GROUPS: its own GROUP BY over its own FROM,
    the nested SELECTs' filters taken off, which are row by row, so each row's group is
    what the query computes for it, and whether the query keeps it); and how many rows it
    keeps in each group (GROUP_SIZES)."""
    tree = _over_rows(query)
    for part in ("having", "order", "limit", "offset", "qualify", "distinct"):
        tree.set(part, None)
    for select in tree.find_all(exp.Select):  # the outer one too
        select.set("where", None)
    # Appended: GROUP BY 1 and the projections' aliases still name the same expressions.
    rows = exp.Anonymous(this="list", expressions=[_row()])
    tree.select(exp.alias_(rows, "__rows_of"), copy=False)
    row = quote_name(ROW_ID)
    return [
        f"CREATE OR REPLACE TEMP TABLE {MINE} AS {base_rows_sql(query)}",
        f"CREATE OR REPLACE TEMP TABLE {GROUPS} AS SELECT g.{row}, g.__gid, "  # noqa: S608
        f"m.{row} IS NOT NULL AS __mine FROM (SELECT unnest(__rows_of) AS {row}, __gid FROM "
        f"(SELECT row_number() OVER () AS __gid, __rows_of FROM ({tree.sql(DIALECT)}))) AS g "
        f"LEFT JOIN {MINE} AS m ON m.{row} = g.{row}",
        f"CREATE OR REPLACE TEMP TABLE {GROUP_SIZES} AS SELECT __gid, count(*) AS __a "  # noqa: S608
        f"FROM {GROUPS} WHERE __mine GROUP BY __gid",
    ]


def group_differences_sql(earlier: list[ValidatedQuery], k: int) -> str:
    """`SELECT max(groups)`: of the groups of the query of `group_tables_sql`, the most in
    which it and one of the `earlier` queries each keep at least k rows and yet their rows
    differ by 1 to k-1 (NULL for none): two grouped answers side by side would describe
    those rows, group by group, however many groups share the difference out. HAVING,
    ORDER BY and LIMIT are left out: every group counts. One statement for all of them:
    the rows of every earlier query meet the groups in a single join."""
    row, few = quote_name(ROW_ID), int(k) - 1
    theirs = " UNION ALL ".join(
        f"SELECT {row}, {number} AS __j FROM ({base_rows_sql(query)})"  # noqa: S608
        for number, query in enumerate(earlier)
    )
    per_group = (
        f"SELECT t.__j, g.__gid, count(*) AS __b, count_if(g.__mine) AS __both "  # noqa: S608
        f"FROM ({theirs}) AS t JOIN {GROUPS} AS g ON g.{row} = t.{row} GROUP BY t.__j, g.__gid"
    )
    return (
        f"SELECT max(groups) FROM (SELECT q.__j, count(*) AS groups FROM ({per_group}) AS q "  # noqa: S608
        f"JOIN {GROUP_SIZES} AS s ON s.__gid = q.__gid WHERE s.__a >= {int(k)} "
        f"AND q.__b >= {int(k)} AND s.__a + q.__b - 2 * q.__both BETWEEN 1 AND {few} "
        "GROUP BY q.__j)"
    )
