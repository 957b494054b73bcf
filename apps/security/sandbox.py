"""The guard in front of sandbox queries ("raw data does not leave the domain").

Contract
--------
`validate(sql, *, view)` parses a merchant's SQL with sqlglot (DuckDB dialect) and either
returns a `ValidatedQuery` or raises `QueryRefused` whose `code` is stable:

- `sql_too_long`, `sql_comment` (no comment may hide text from a reviewer),
  `sql_parse_error`, `sql_multiple_statements`, `sql_not_select` (COPY, ATTACH,
  INSTALL, LOAD, PRAGMA, SET, CALL, EXPORT, DDL and DML all land here),
  `sql_set_operation` (UNION / INTERSECT / EXCEPT);
- `sql_recursive_cte`; `sql_nested_with` (WITH only at the start); `sql_forbidden_table`
  (anything but the caller's `view` and the CTEs defined before the place that names
  them, schema-qualified names, files named as tables, VALUES);
  `sql_forbidden_syntax` (any kind of node outside ALLOWED_NODES: PIVOT, samples,
  grouping sets...);
  `sql_forbidden_function` (table functions such as read_csv / glob, and every function
  outside ALLOWED_FUNCTIONS); `sql_window_function`;
- `sql_cross_join` (comma joins and joins without a condition), `sql_join` (any other
  join: a self-join multiplies rows and breaks the per-group row count);
- `sql_subquery` (a subquery outside FROM / WITH could single out a person for a
  comparison), `sql_nested_aggregate` (CTEs and FROM subqueries must stay row by row, so
  that the outer COUNT(*) counts source rows);
- at run time (sandbox_run): `sql_base_below_k`, `sql_complement_below_k`,
  `sql_differencing` (a group of the query, the union of its groups or the rows it
  keeps stand 1 to k-1 rows apart from those of an earlier accepted query:
  apps.security.sandbox_rows.differences_sql), `sql_suppressed_below_k` (some group of
  the query, its own HAVING, DISTINCT, ORDER BY and LIMIT left out, holds 1 to k-1
  source rows: the query is refused whole, never answered with the small groups left
  out, which set against other accepted answers told whether one person met a
  condition), `sql_one_row_aggregate`, `sql_timeout`, `sql_execution_error`;
- `sql_cast_type` (a cast to HUGEINT or a DECIMAL wider than 18 digits: sums of such
  values could overflow, see below);
- `sql_not_aggregated` (every output row must be a group: GROUP BY, or aggregates only),
  `sql_conditional_aggregate` (a predicate, CASE or FILTER inside an aggregate picks
  single rows out of a group, and so does any formula: `sum(1 // (abs(age - 33) + 1))`
  counts the people aged 33; an aggregate takes a column, `*` or a literal, optionally
  cast or DISTINCT), `sql_reserved_name` (names starting with `__`, a CTE named as the
  view),
  `sql_limit_invalid`.

A valid query cannot fail on a value: an error raised by one row (a failed cast, a
division by zero, an overflow) would answer a yes/no question about that row even though
its group is never released (`1 // (cast(name = 'X' AS INT) * cast(age > 40 AS INT) - 1)`
fails only if X is over 40). So every cast becomes TRY_CAST, every computation without
an aggregate in it is wrapped in TRY(...) (an error becomes NULL), arithmetic over
aggregates is done in DOUBLE (which does not overflow), `//` and `%` over aggregates are
refused (`sql_forbidden_function`) and a cast may not widen a value so far that a SUM of
such values could overflow (`sql_cast_type`).

A valid query gets LIMIT min(its own, `max_limit`). apps.security.sandbox_rows:
`base_counts_sql(query, k)` counts, in one statement, the rows of the view, the rows the
query's WHERE keeps and the query's groups under k source rows (`COUNT(*) AS __k` per
group), so a filter that narrows the base below k rows (or leaves fewer than k outside
it: `<> 'one person'`) and any group under k can be refused; `k_anonymity_sql(query, k)`
adds `HAVING COUNT(*) >= k`, a guard that drops nothing once that check has passed.
Results are released only when every group holds at least k source rows. apps.security.
sandbox_run executes them on a locked DuckDB connection.
"""

import logging
from dataclasses import dataclass
from difflib import get_close_matches

import sqlglot
from django.utils.translation import gettext as _
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from apps.core.exceptions import InvalidInput

# sqlglot warns about each statement it can only keep as a raw COMMAND (LOAD, CALL...);
# those are refusals this module reports itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

DIALECT = "duckdb"
MAX_SQL_CHARS = 20_000
DEFAULT_MAX_LIMIT = 10_000
K_COLUMN = "__k"
# Each row's number, in the scoped data and in ROWS_VIEW (apps.security.sandbox_run), not
# in the view queries read: "#" is in no field name (apps.catalog.validation.FIELD_NAME)
# and no query may name anything starting with "__".
ROW_ID = "#row"
ROWS_VIEW = "__rows"

AGGREGATES = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Median,
    exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.ApproxDistinct,
)  # fmt: skip
SCALARS = (
    exp.Lower, exp.Upper, exp.Substring, exp.Round, exp.TimestampTrunc, exp.DateTrunc,
    exp.Extract, exp.Coalesce, exp.Cast, exp.TryCast, exp.Abs, exp.Floor, exp.Ceil,
    exp.Length, exp.Trim,
)  # fmt: skip
# sqlglot makes AND and OR functions too: conditions joined by them are plain WHERE logic.
ALLOWED_FUNCTIONS = AGGREGATES + SCALARS + (exp.And, exp.Or)
# Casts whose values a SUM could overflow (HUGEINT, DECIMAL beyond 18 digits).
WIDE_TYPES = {exp.DataType.Type.INT128, exp.DataType.Type.UINT128, exp.DataType.Type.INT256,
              exp.DataType.Type.UINT256, exp.DataType.Type.BIGDECIMAL}  # fmt: skip
MAX_CAST_DIGITS = 18
# Computations that can raise on a value; made error-free by _errors_as_null.
COMPUTATIONS = (exp.Binary, exp.Unary, exp.Func, exp.Predicate)
# Nodes that would let an aggregate pick single rows out of its group.
CONDITIONAL = (exp.Predicate, exp.Connector, exp.Not, exp.Case, exp.If, exp.Filter)


# Every kind of node a query may hold: anything else (PIVOT, UNPIVOT, samples, grouping
# sets, lambdas, struct or list access...) is refused, whatever DuckDB would make of it.
ALLOWED_NODES = frozenset(
    (
        *ALLOWED_FUNCTIONS,
        exp.Select, exp.From, exp.Where, exp.Group, exp.Having, exp.Order, exp.Ordered,
        exp.Limit, exp.Offset, exp.With, exp.CTE, exp.Subquery, exp.Table, exp.TableAlias,
        exp.Identifier, exp.Column, exp.Star, exp.Alias, exp.Literal, exp.Boolean, exp.Null,
        exp.Paren, exp.Var, exp.DataType, exp.DataTypeParam, exp.Distinct, exp.Interval,
        exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Between,
        exp.Like, exp.ILike, exp.Not, exp.Neg, exp.Add, exp.Sub, exp.Mul, exp.Div,
        exp.IntDiv, exp.Mod, exp.DPipe,
    )
)  # fmt: skip


class QueryRefused(InvalidInput):
    """A sandbox query refused before it reached DuckDB (or by its k checks)."""

    code = "sql_refused"


@dataclass(frozen=True)
class ValidatedQuery:
    tree: exp.Select
    view: str
    limit: int

    @property
    def sql(self) -> str:
        return self.tree.sql(dialect=DIALECT)


def _refuse(code: str, message: str):
    raise QueryRefused(message, code=code)


def _parse(sql: str) -> exp.Expression:
    if len(sql) > MAX_SQL_CHARS:
        _refuse("sql_too_long", _("The query is longer than %d characters.") % MAX_SQL_CHARS)
    try:
        tokens = sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except TokenError:
        _refuse("sql_parse_error", _("The query cannot be read as SQL."))
    if any(token.comments for token in tokens):
        _refuse("sql_comment", _("Comments are not accepted in sandbox queries."))
    words = [t for t in tokens if t.token_type != sqlglot.TokenType.L_PAREN]
    if words and words[0].text.upper() not in ("SELECT", "WITH"):
        if get_close_matches(words[0].text.upper(), ("SELECT", "WITH"), cutoff=0.7):
            _refuse("sql_parse_error", _("The query cannot be read as SQL."))  # `SELEC x`
        _refuse("sql_not_select", _("Only a SELECT query is accepted."))
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except (ParseError, TokenError, ValueError):
        _refuse("sql_parse_error", _("The query cannot be read as SQL."))
    if len(statements) != 1:
        _refuse("sql_multiple_statements", _("Send exactly one statement."))
    return statements[0]


def _check_nodes(root: exp.Select) -> None:
    for node in root.walk():
        if type(node) not in ALLOWED_NODES:
            _refuse("sql_forbidden_syntax", _("%s is not accepted in sandbox queries.") % node.key)


def _check_tables(root: exp.Select, view: str) -> None:
    """Each name a table: the view, or a CTE of the outer WITH defined before the place
    that names it (a name out of scope would reach DuckDB's own catalog)."""
    with_ = root.args.get("with_")
    if with_ is not None and with_.args.get("recursive"):
        _refuse("sql_recursive_cte", _("Recursive CTEs are not accepted."))
    if any(node.parent is not root for node in root.find_all(exp.With)):
        _refuse("sql_nested_with", _("WITH is accepted only at the start of the query."))
    defined = with_.expressions if with_ is not None else []
    ctes = [cte.alias_or_name.lower() for cte in defined]
    if view.lower() in ctes:
        _refuse("sql_reserved_name", _("A CTE may not take the view's name %s.") % view)
    place = {id(cte): number for number, cte in enumerate(defined)}
    for node in root.walk():
        cte = node.find_ancestor(exp.CTE)
        allowed = (
            {view.lower(), *ctes[: place[id(cte)]]} if cte is not None else {view.lower(), *ctes}
        )
        if isinstance(node, exp.Values):
            _refuse("sql_forbidden_table", _("Only the grant's view can be queried."))
        if isinstance(node, exp.Table):
            if not isinstance(node.this, exp.Identifier):
                _refuse("sql_forbidden_function", _("Table functions are not accepted."))
            if node.args.get("db") or node.args.get("catalog"):
                _refuse("sql_forbidden_table", _("Name the view without a schema."))
            if node.name.lower() not in allowed:
                _refuse("sql_forbidden_table", _("Only the view %s can be queried.") % view)


def _arguments(aggregate: exp.AggFunc) -> list:
    return [value for value in aggregate.args.values() if isinstance(value, exp.Expression)]


def _plain_argument(node: exp.Expression) -> bool:
    """A column, `*`, a literal, or one of them cast or DISTINCT: a formula inside an
    aggregate can be an indicator of one row (`sum(1 // (abs(age - 33) + 1))` counts the
    people aged 33 within a released group, `floor(1 / (abs(x - v) + 1))` likewise)."""
    if isinstance(node, exp.Distinct):
        return bool(node.expressions) and all(_plain_argument(e) for e in node.expressions)
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    return isinstance(node, (exp.Column, exp.Star, exp.Literal))


def _check_functions(root: exp.Select) -> None:
    for node in root.walk():
        if isinstance(node, exp.Window):
            _refuse("sql_window_function", _("Window functions are not accepted."))
        if isinstance(node, exp.Func) and not isinstance(node, ALLOWED_FUNCTIONS):
            name = node.name if isinstance(node, exp.Anonymous) else node.key
            _refuse("sql_forbidden_function", _("The function %s is not accepted.") % name)
        if isinstance(node, exp.AggFunc) and (
            any(isinstance(inner, CONDITIONAL) for inner in node.walk() if inner is not node)
            or not all(_plain_argument(arg) for arg in _arguments(node))
        ):
            _refuse(
                "sql_conditional_aggregate",
                _("Aggregates take a column (or DISTINCT column), not a condition or a formula."),
            )
        if isinstance(node, exp.Filter):
            _refuse("sql_conditional_aggregate", _("Conditions inside aggregates are refused."))
        if isinstance(node, (exp.Identifier)) and node.name.startswith("__"):
            _refuse("sql_reserved_name", _("Names starting with __ are reserved."))


def _check_shape(root: exp.Select) -> None:
    for join in root.find_all(exp.Join):
        if (join.args.get("kind") or "").upper() == "CROSS" or not (
            join.args.get("on") or join.args.get("using")
        ):
            _refuse("sql_cross_join", _("Cross joins are not accepted."))
        _refuse("sql_join", _("Joins are not accepted: query the view once."))
    for node in root.find_all(exp.Subquery, exp.Exists):
        if not isinstance(node.parent, exp.From):
            _refuse("sql_subquery", _("Subqueries are accepted only in FROM and WITH."))
    for select in root.find_all(exp.Select):
        if select is root:
            continue
        if not isinstance(select.parent, (exp.Subquery, exp.CTE)):
            _refuse("sql_subquery", _("Subqueries are accepted only in FROM and WITH."))
        if (
            select.args.get("group")
            or select.args.get("distinct")
            or select.args.get("having")
            or select.args.get("limit")
            or any(select.find_all(exp.AggFunc))
        ):
            _refuse("sql_nested_aggregate", _("Only the outer SELECT may aggregate or limit."))


def _check_casts(root: exp.Select) -> None:
    for cast in root.find_all(exp.Cast):  # TRY_CAST included
        to = cast.to
        digits = to.expressions[0].this if to.expressions else None
        if to.this in WIDE_TYPES or (
            to.this == exp.DataType.Type.DECIMAL
            and isinstance(digits, exp.Literal)
            and int(digits.this) > MAX_CAST_DIGITS
        ):
            _refuse(
                "sql_cast_type",
                _("Casting to %s is not accepted: use BIGINT, DOUBLE or DECIMAL(18).")
                % to.sql(dialect=DIALECT),
            )


def _errors_as_null(root: exp.Select) -> None:
    """Rewrites the query so that no row's value can make it fail (see the module's
    docstring): casts become TRY_CAST, each computation without an aggregate is wrapped in
    TRY, arithmetic over aggregates runs in DOUBLE; `//` and `%` over aggregates are
    refused. Whether a query fails then depends on its text alone."""
    for cast in list(root.find_all(exp.Cast)):
        if not isinstance(cast, exp.TryCast):
            cast.replace(exp.TryCast(this=cast.this, to=cast.to))
    nodes = [
        node
        for node in root.walk()
        if isinstance(node, COMPUTATIONS)
        and not isinstance(node, (exp.AggFunc, exp.Paren, exp.Try, exp.Distinct))
        and node.find_ancestor(exp.Limit, exp.Offset) is None
    ]
    for node in nodes:
        if node.find(exp.Select) is not None:
            continue
        if node.find(exp.AggFunc) is None:
            wrapper = exp.Try()
            node.replace(wrapper)
            wrapper.set("this", node)
            continue
        if isinstance(node, (exp.IntDiv, exp.Mod)):
            _refuse(
                "sql_forbidden_function",
                _("The function %s is not accepted.") % node.key,
            )
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Neg)):
            for part in ("this", "expression"):
                operand = node.args.get(part)
                if operand is not None:
                    node.set(part, exp.TryCast(this=operand, to=exp.DataType.build("DOUBLE")))
    # A bare value as a condition (`WHERE d`) is cast to BOOLEAN by DuckDB, which fails on
    # a value ('2'): every condition is cast here, where a failure is NULL.
    for select in root.find_all(exp.Select):
        for part in ("where", "having"):
            clause = select.args.get(part)
            if clause is not None:
                boolean = exp.DataType.build("BOOLEAN")
                clause.set("this", exp.TryCast(this=clause.this, to=boolean))


def _grouped(root: exp.Select) -> None:
    group = root.args.get("group")
    if not group and not any(root.find_all(exp.AggFunc)):
        _refuse("sql_not_aggregated", _("Results are released only as groups (GROUP BY)."))
    if group is not None and group.args.get("all"):
        return  # DuckDB groups by every projection without an aggregate
    projections = [e.unalias() for e in root.expressions]
    aliases = {e.alias.lower(): e.unalias() for e in root.expressions if e.alias}
    keys = set()
    for key in group.expressions if group is not None else []:
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.this) <= len(projections):
            key = projections[int(key.this) - 1]
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
            keys.add(key.sql(dialect=DIALECT))  # grouped by the alias of a projection
            key = aliases[key.name.lower()]
        keys.add(key.sql(dialect=DIALECT))
    for projection in projections:
        if projection.sql(dialect=DIALECT) in keys:
            continue
        for node in projection.walk():
            if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):
                _refuse("sql_not_aggregated", _("SELECT * releases rows, not groups."))
            if isinstance(node, exp.Column) and node.find_ancestor(exp.AggFunc) is None:
                _refuse(
                    "sql_not_aggregated", _("%s is neither grouped nor aggregated.") % node.sql()
                )


def _limit(root: exp.Select, max_limit: int) -> int:
    for part in ("limit", "offset"):
        node = root.args.get(part)
        value = node.expression if node is not None else None
        if node is not None and not (isinstance(value, exp.Literal) and value.is_int):
            _refuse("sql_limit_invalid", _("LIMIT and OFFSET take a whole number."))
    current = root.args.get("limit")
    limit = min(int(current.expression.this), max_limit) if current else max_limit
    root.set("limit", exp.Limit(expression=exp.Literal.number(limit)))
    return limit


def validate(sql: str, *, view: str, max_limit: int = DEFAULT_MAX_LIMIT) -> ValidatedQuery:
    tree = _parse(sql)
    if isinstance(tree, exp.SetOperation):
        _refuse("sql_set_operation", _("UNION, INTERSECT and EXCEPT are not accepted."))
    if not isinstance(tree, exp.Select):
        _refuse("sql_not_select", _("Only a SELECT query is accepted."))
    _check_tables(tree, view)
    _check_functions(tree)
    _check_shape(tree)
    _check_nodes(tree)
    _grouped(tree)
    _check_casts(tree)
    _errors_as_null(tree)
    limit = _limit(tree, max_limit)
    return ValidatedQuery(tree=tree, view=view, limit=limit)
