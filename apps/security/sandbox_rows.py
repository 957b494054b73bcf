"""The SQL that apps.security.sandbox_run runs around a validated sandbox query: its
counts (`base_counts_sql`: the rows of the view, the rows it keeps, its groups under k),
its k guard (`k_anonymity_sql`), and the rows it keeps, by number and by group, for the
differencing check.

What a query releases about its rows: each of its groups, all of at least k rows (an
ungrouped aggregate is one group; a query with any group under k is refused whole), the
union of those groups (their sums add up), and, for the base checks, the rows its FROM
and WHERE keep. Two queries whose releases side by side set two of these sets of rows 1
to k-1 rows apart describe those few rows, however the rows were picked: a filter
(`age > 30` and `age > 30 AND name <> 'X'`), two people left out of each of five
districts (ten apart in all, two in each district), one row moved between groups
(`GROUP BY age > 30` and `GROUP BY age > 30 OR name = 'X'`), a group dropped by HAVING
set against the total. `differences_sql` compares every such set of a
new query with every such set of each earlier query, in one statement.
"""

from sqlglot import exp

from apps.security.sandbox import DIALECT, K_COLUMN, ROW_ID, ROWS_VIEW, ValidatedQuery


def k_anonymity_sql(query: ValidatedQuery, k: int) -> str:
    """The query with `HAVING COUNT(*) >= k` added (none when `k` is 0). Once
    `base_counts_sql` has found no group under k this drops nothing; it stays so that no
    group under k could ever leave DuckDB, should the two statements ever disagree."""
    tree = query.tree.copy()
    if k > 0:
        tree.having(exp.Count(this=exp.Star()) >= exp.Literal.number(k), copy=False)
    return tree.sql(dialect=DIALECT)


def _small_groups(query: ValidatedQuery, k: int) -> exp.Select:
    """`SELECT count(*)` of the query's groups (before LIMIT) under k source rows."""
    everything = query.tree.copy()
    # Every group counts: a HAVING, OFFSET or DISTINCT of the query's own must not hide a
    # small group from this count (`HAVING count(*) > 1` would drop a one-row group).
    # Its WITH is the statement's own (base_counts_sql).
    for part in ("limit", "order", "having", "offset", "distinct", "with_"):
        everything.set(part, None)
    everything.select(exp.alias_(exp.Count(this=exp.Star()), K_COLUMN), copy=False)
    column = exp.column(K_COLUMN, table="q")
    return (
        exp.select(exp.Count(this=exp.Star()))
        .from_(exp.Subquery(this=everything, alias=exp.TableAlias(this=exp.to_identifier("q"))))
        .where(column < exp.Literal.number(k))
    )


def base_counts_sql(query: ValidatedQuery, k: int) -> str:
    """`SELECT total, kept, small`: rows of the view, rows of the query's FROM after its
    WHERE (the CTEs' own filters included), and the query's groups under k source rows
    (its HAVING, DISTINCT, ORDER BY and LIMIT left out: every group counts), in one
    statement."""
    source = query.tree
    kept = exp.select(exp.Count(this=exp.Star())).from_(source.args["from_"].copy())
    if source.args.get("where") is not None:
        kept.set("where", source.args["where"].copy())
    total = exp.select(exp.Count(this=exp.Star())).from_(exp.to_table(query.view))
    counts = exp.select(
        exp.alias_(exp.Subquery(this=total), "total"),
        exp.alias_(exp.Subquery(this=kept), "kept"),
        exp.alias_(exp.Subquery(this=_small_groups(query, k)), "small"),
    )
    if source.args.get("with_") is not None:
        counts.set("with_", source.args["with_"].copy())
    return counts.sql(dialect=DIALECT)


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


def quote_name(name: str) -> str:
    """An identifier, double-quoted (the platform's own names: never a merchant's)."""
    return '"' + name.replace('"', '""') + '"'


def grouped(query: ValidatedQuery) -> bool:
    group = query.tree.args.get("group")
    return group is not None and bool(group.expressions or group.args.get("all"))


def group_rows_sql(query: ValidatedQuery) -> str:
    """`SELECT "#row", __g`: every row the query keeps (its FROM after its WHERE, its CTEs'
    and subqueries' filters included) with the number of its group, as DuckDB groups it:
    the query itself, each group collecting its rows' numbers. Every group counts: HAVING,
    DISTINCT, ORDER BY and LIMIT are left out."""
    tree = _over_rows(query)
    for part in ("having", "order", "limit", "offset", "distinct"):
        tree.set(part, None)
    # Appended: GROUP BY 1 and the projections' aliases still name the same expressions.
    rows = exp.Anonymous(this="list", expressions=[_row()])
    tree.select(exp.alias_(rows, "__rows_of"), copy=False)
    row = quote_name(ROW_ID)
    return (
        f"SELECT unnest(__rows_of) AS {row}, __g FROM (SELECT row_number() OVER () AS __g, "  # noqa: S608
        f"__rows_of FROM ({tree.sql(DIALECT)}))"
    )


# The new query's rows and group sizes (`mine_tables_sql`), on its own connection: no
# merchant's query can name them (names starting with __ are refused).
MINE, MINE_SIZES = "__mine", "__mine_sizes"


def mine_tables_sql(query: ValidatedQuery) -> list[str]:
    """The statements that set up `differences_sql` for `query`, once for all the earlier
    queries it is compared with."""
    return [
        f"CREATE OR REPLACE TEMP TABLE {MINE} AS {group_rows_sql(query)}",
        f"CREATE OR REPLACE TEMP TABLE {MINE_SIZES} AS SELECT __g, count(*) AS __a "  # noqa: S608
        f"FROM {MINE} GROUP BY __g",
    ]


def mine_sizes_sql(k: int) -> str:
    """`SELECT kept, union, sizes`: of the new query (`mine_tables_sql`), its kept rows, the
    rows of its groups of at least k rows, and the sizes of those groups."""
    k = int(k)
    return (
        f"SELECT coalesce(sum(__a), 0), coalesce(sum(__a) FILTER (WHERE __a >= {k}), 0), "  # noqa: S608
        f"list(DISTINCT __a) FILTER (WHERE __a >= {k}) FROM {MINE_SIZES}"
    )


def differences_sql(earlier: list[ValidatedQuery], k: int, union: int, kept: int) -> str:
    """`SELECT groups, sets`: `groups`, the most of the new query's groups (of
    `mine_tables_sql`; `union` and `kept` as `mine_sizes_sql` gave them) that one earlier
    query's groups set 1 to k-1 rows apart (both of at least k rows); `sets`, how many times
    the new query's union of groups, or its kept rows, stand 1 to k-1 rows apart from an
    earlier query's group, union or kept rows (or its groups from their union). NULL and 0
    when nothing does.

    One join of the rows: the shared rows of each pair of groups; the unions and kept rows
    are sums of those. Pairs that share no row are `a + b` apart, never under k when both
    hold k rows."""
    row, k, few, union, kept = quote_name(ROW_ID), int(k), int(k) - 1, int(union), int(kept)
    theirs = " UNION ALL ".join(
        f"SELECT {row}, __g AS __h, {number} AS __j FROM ({group_rows_sql(query)})"  # noqa: S608
        for number, query in enumerate(earlier)
    )
    apart = f"BETWEEN 1 AND {few}"
    return f"""
WITH theirs AS ({theirs}),
sizes AS (SELECT __j, __h, count(*) AS __b FROM theirs GROUP BY __j, __h),
pairs AS (
  SELECT t.__j, t.__h, m.__g, count(*) AS __n FROM theirs AS t
  JOIN {MINE} AS m ON m.{row} = t.{row} GROUP BY t.__j, t.__h, m.__g),
p AS (
  SELECT pairs.*, s.__a, z.__b FROM pairs JOIN {MINE_SIZES} AS s ON s.__g = pairs.__g
  JOIN sizes AS z ON z.__j = pairs.__j AND z.__h = pairs.__h),
them AS (
  SELECT __j, coalesce(sum(__b) FILTER (WHERE __b >= {k}), 0) AS u, sum(__b) AS kept
  FROM sizes GROUP BY __j),
group_pairs AS (
  SELECT __j, count(DISTINCT __g) AS groups FROM p
  WHERE __a >= {k} AND __b >= {k} AND __a + __b - 2 * __n {apart} GROUP BY __j),
sets AS (
  SELECT p.__j FROM p WHERE __b >= {k} GROUP BY p.__j, p.__h, __b
  HAVING {union} + __b - 2 * coalesce(sum(__n) FILTER (WHERE __a >= {k}), 0) {apart}
  UNION ALL
  SELECT p.__j FROM p JOIN them ON them.__j = p.__j WHERE __a >= {k}
  GROUP BY p.__j, p.__g, __a, them.u
  HAVING __a + them.u - 2 * coalesce(sum(__n) FILTER (WHERE __b >= {k}), 0) {apart}
  UNION ALL
  SELECT p.__j FROM p JOIN them ON them.__j = p.__j GROUP BY p.__j, them.u, them.kept
  HAVING {union} + them.u - 2 * coalesce(sum(__n) FILTER (WHERE __a >= {k} AND __b >= {k}), 0)
    {apart} OR {kept} + them.kept - 2 * sum(__n) {apart})
SELECT (SELECT max(groups) FROM group_pairs), (SELECT count(*) FROM sets)"""  # noqa: S608
