"""Running a validated sandbox query on a locked, in-process DuckDB.

`sandbox_connection(parquet_path, view)` opens an in-memory DuckDB whose only object is
the view `view` over the Parquet file; external access is then disabled (only that file
stays readable) and the configuration locked, so neither the query nor anything it
smuggles can read another file, attach a database, install an extension or change a
limit. `run_query(connection, sql, view=..., k=...)` validates the SQL
(apps.security.sandbox), refuses a WHERE that keeps fewer than k rows or leaves fewer
than k outside it, refuses a query with any group under k source rows, and otherwise
returns all its groups (each of at least k source rows).
"""

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils.translation import gettext as _
from sqlglot import exp

from apps.security.sandbox import (
    DEFAULT_MAX_LIMIT,
    DIALECT,
    ROW_ID,
    ROWS_VIEW,
    QueryRefused,
    ValidatedQuery,
    validate,
)
from apps.security.sandbox_rows import (
    base_counts_sql,
    differences_sql,
    group_rows_sql,
    grouped,
    k_anonymity_sql,
    mine_sizes_sql,
    mine_tables_sql,
    quote_name,
)

# min, max and median give back one row's own value: allowed over numbers, dates and times
# (a statistic of the group), refused over text (a name, an address: one person's entry).
ONE_ROW_AGGREGATES = (exp.Min, exp.Max, exp.Median)
MEASURE_TYPE = re.compile(
    r"^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL.*|DATE|TIME.*|"
    r"TIMESTAMP.*|INTERVAL|BOOLEAN)$"
)

# Errors whose message speaks of the query (names, syntax), never of the data.
QUERY_TEXT_ERRORS = (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException)


@dataclass(frozen=True)
class SandboxResult:
    columns: list[str]
    rows: list[tuple]
    sql: str  # what ran, the k rewrite included (for the audit record)
    set_sizes: list[int]  # the sizes of the row sets it released (empty: not numbered)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sandbox_connection(
    parquet_path: str | Path, view: str, *, memory_limit: str = "512MB", threads: int = 2
) -> duckdb.DuckDBPyConnection:
    path = str(Path(parquet_path).resolve())
    connection = duckdb.connect(":memory:")
    # Paths and names come from the platform, never from the merchant; quoted anyway.
    source = f"read_parquet({_literal(path)})"
    described = connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
    columns = [row[0] for row in described]
    if ROW_ID in columns:
        # Queries see the fields; ROWS_VIEW adds each row's number, to compare the rows
        # two queries keep (`_check_differencing`). No query can name ROWS_VIEW.
        fields = f"* EXCLUDE ({quote_name(ROW_ID)})"
        connection.execute(f"CREATE VIEW {quote_name(view)} AS SELECT {fields} FROM {source}")  # noqa: S608
        connection.execute(f"CREATE VIEW {ROWS_VIEW} AS SELECT * FROM {source}")  # noqa: S608
    else:
        connection.execute(f"CREATE VIEW {quote_name(view)} AS SELECT * FROM {source}")  # noqa: S608
    connection.execute(f"SET allowed_paths = [{_literal(path)}]")
    connection.execute(f"SET memory_limit = {_literal(memory_limit)}")
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute("SET enable_external_access = false")
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("SET autoload_known_extensions = false")
    connection.execute("SET lock_configuration = true")
    return connection


def execute_with_timeout(connection, sql: str, timeout: float):
    """Rows of `sql`, interrupted after `timeout` seconds."""
    timer = threading.Timer(timeout, connection.interrupt)
    timer.start()
    try:
        cursor = connection.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.InterruptException:
        raise QueryRefused(_("The query ran too long."), code="sql_timeout") from None
    except QUERY_TEXT_ERRORS as problem:
        # Raised while binding, before any row is read: about the query's own text.
        detail = str(problem).splitlines()[0][:300]
        message = _("DuckDB could not run the query: %s") % detail
        raise QueryRefused(message, code="sql_execution_error") from None
    except duckdb.Error:
        # Raised on a value (a cast, an overflow, a format): DuckDB quotes the value, so
        # its text would let one row's data out. Only the kind of error is told.
        message = _("DuckDB could not run the query: a value did not suit an operation.")
        raise QueryRefused(message, code="sql_execution_error") from None
    finally:
        timer.cancel()


def _sources(node: exp.Expression, made: dict, seen: frozenset = frozenset()) -> set[str]:
    """The names of the view's columns a value may come from: each column it names and,
    where a CTE or subquery makes a column of that name, what that column is made of."""
    found = set()
    for column in [node] if isinstance(node, exp.Column) else node.find_all(exp.Column):
        name = column.name.lower()
        makes = [] if name in seen else made.get(name, [])
        for made_of in makes:
            found |= _sources(made_of, made, seen | {name})
        if not makes or all(isinstance(m, exp.Column) and m.name.lower() == name for m in makes):
            found.add(name)
    return found


def _made(root: exp.Select) -> dict:
    """Every column a nested SELECT makes, by name: what it is made of."""
    made: dict = {}
    for select in root.find_all(exp.Select):
        if select is not root:
            for projection in select.expressions:
                if projection.alias_or_name:
                    made.setdefault(projection.alias_or_name.lower(), []).append(
                        projection.unalias()
                    )
    return made


def _check_one_row_aggregates(connection, query, view: str) -> None:
    """min / max / median only over numbers, dates and times. The type of each one's
    argument is DuckDB's own (DESCRIBE of a probe of the SELECT that holds it), and so is
    the type of every column of the view it is made from, through casts, CTEs and
    subqueries (`max(CAST(phone AS BIGINT))` is one person's phone number); nothing is
    executed."""
    root = query.tree
    aggregates = list(root.find_all(*ONE_ROW_AGGREGATES))
    if not aggregates:
        return
    __, described = execute_with_timeout(connection, f"DESCRIBE {quote_name(view)}", 5.0)
    types = {str(name).lower(): str(kind).upper() for name, kind, *_rest in described}
    made = _made(root)
    for node in aggregates:
        sources = _sources(node.this, made) if node.this is not None else set()
        if not all(MEASURE_TYPE.match(types.get(name, "")) for name in sources):
            raise QueryRefused(
                _("%s gives back one row's own value: use it on a number or date column.")
                % node.key,
                code="sql_one_row_aggregate",
            )
    for node in aggregates:
        holder = node.find_ancestor(exp.Select)
        probe = holder.copy()
        for part in ("having", "order", "limit", "offset", "qualify", "distinct"):
            probe.set(part, None)
        if holder is not root and root.args.get("with_") is not None:
            probe.set("with_", root.args["with_"].copy())
        # Appended, so that GROUP BY 1 still names the same expression.
        probe.append("expressions", exp.alias_(node.copy(), "__value"))
        __, described = execute_with_timeout(connection, f"DESCRIBE {probe.sql(DIALECT)}", 5.0)
        kind = str(described[-1][1]).upper() if described else ""
        if not MEASURE_TYPE.match(kind):
            raise QueryRefused(
                _("%s gives back one row's own value: use it on a number or date column.")
                % node.key,
                code="sql_one_row_aggregate",
            )


def _has_rows_view(connection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [ROWS_VIEW]
    ).fetchone()
    return bool(found and found[0])


def _near(sizes: list[int], older, k: int, most: int) -> list[str]:
    """Of `older` ((SQL, set sizes), newest first), those with a set size less than k from
    one of `sizes`: only two sets that close in size can be 1 to k-1 rows apart."""
    near = []
    for text, theirs in older:
        if len(near) >= most:
            break
        if any(abs(a - b) < k for a in sizes for b in theirs or ()):
            near.append(text)
    return near


def _check_differencing(
    connection, query: ValidatedQuery, earlier, *, k: int, timeout: float, older=()
) -> list[int]:
    """Refuses a query that sets some rows it releases 1 to k-1 rows apart from rows an
    earlier accepted query of the grant released (apps.security.sandbox_rows): a group,
    the union of the groups, or the rows its FROM and WHERE keep, against each of those of
    each earlier query (`age > 30` and then `age > 30 AND code <> 'X'` tell X's age; so do
    two people left out of each of five districts, or X moved from one group to another).
    `earlier`: the latest queries' SQL; `older`: (SQL, set sizes) of the ones before, of
    which those whose sets are near this query's in size are compared too (at most
    SANDBOX_DIFFERENCING_NEAR). The rows are compared by their number in ROWS_VIEW; each
    earlier query is checked again as it is now (one that no longer passes, or no longer
    binds, is left out). Returns this query's set sizes (to store with it)."""
    if not _has_rows_view(connection):
        if earlier or older:
            raise QueryRefused(_("The query could not be checked."), code="sql_unsupported")
        return []
    for statement in mine_tables_sql(query):
        execute_with_timeout(connection, statement, timeout)
    __, [(kept, union, groups)] = execute_with_timeout(connection, mine_sizes_sql(k), timeout)
    sizes = sorted({kept, union, *(groups or [])})
    texts = list(
        dict.fromkeys([*earlier, *_near(sizes, older, k, settings.SANDBOX_DIFFERENCING_NEAR)])
    )
    compared = []
    for text in texts:
        try:
            before = validate(text, view=query.view, max_limit=query.limit)
            execute_with_timeout(connection, f"DESCRIBE {group_rows_sql(before)}", timeout)
        except QueryRefused as problem:
            if problem.code == "sql_timeout":
                raise  # not checked is not passed
            continue
        compared.append(before)
    if not compared:
        return sizes
    # Every earlier query compared binds: a failure here is this query's, refusing it.
    statement = differences_sql(compared, k, union, kept)
    __, [(groups, sets)] = execute_with_timeout(connection, statement, timeout)
    if groups and grouped(query):
        raise QueryRefused(
            _(
                "In %(groups)d of its groups, the rows this query counts differ from "
                "an earlier query's by fewer than %(k)d rows: side by side, the two "
                "answers would describe those rows."
            )
            % {"groups": groups, "k": k},
            code="sql_differencing",
        )
    if groups or sets:
        raise QueryRefused(
            _(
                "The rows this query counts differ from an earlier query's by fewer "
                "than %d rows: side by side, the two answers would describe those rows."
            )
            % k,
            code="sql_differencing",
        )
    return sizes


def run_query(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    view: str,
    k: int,
    max_limit: int = DEFAULT_MAX_LIMIT,
    timeout: float = 10.0,
    earlier=(),
    older=(),
) -> SandboxResult:
    """`earlier`: the SQL of the grant's latest accepted queries; `older`: (SQL, set sizes)
    of those before them (see `_check_differencing`)."""
    query = validate(sql, view=view, max_limit=max_limit)
    _check_one_row_aggregates(connection, query, view)
    counts = base_counts_sql(query, k)
    __, [(total, kept, small)] = execute_with_timeout(connection, counts, timeout)
    if kept < k:
        raise QueryRefused(_("The filter keeps fewer than %d rows.") % k, code="sql_base_below_k")
    if 0 < total - kept < k:
        raise QueryRefused(
            _("The filter leaves out fewer than %d rows.") % k, code="sql_complement_below_k"
        )
    if small:
        # Every group or none: groups left out, set against other accepted answers (a
        # total, small groups of known people padded in), told whether one person met a
        # condition. Not how many groups are small either: that number would tell it too.
        raise QueryRefused(
            _(
                "Some groups hold fewer than %d rows, so nothing is released: group more "
                "coarsely, or filter the rows to leave the small groups out."
            )
            % k,
            code="sql_suppressed_below_k",
        )
    sizes = _check_differencing(connection, query, earlier, k=k, timeout=timeout, older=older)
    released_sql = k_anonymity_sql(query, k)
    columns, rows = execute_with_timeout(connection, released_sql, timeout)
    return SandboxResult(columns=columns, rows=rows, sql=released_sql, set_sizes=sizes)
