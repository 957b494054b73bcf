"""The derived DuckDB copy of a dataset version that the record API reads.

One file per version under DATA_DIR/delivery/: the Parquet rows in a DuckDB table `data`
with a `__row` column (the row's position in the Parquet file: the keyset cursor's
tie-breaker), a table `meta` recording the SHA-256 of the Parquet version it was built
from, and a table `scales` giving each decimal column the fraction digits its values use
(the ingest stores every decimal as DECIMAL(38, 10), so 15.4 would otherwise be delivered
as 15.4000000000; apps.delivery.query.columns_sql casts to this scale). Built once (the
Parquet file is hashed and checked against the version's SHA-256 first), checked before
every use and rebuilt when the recorded SHA-256 does not match. Requests open it
read-only, with external access off, memory and thread limits and the configuration
locked.
"""

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils.translation import gettext as _

from apps.catalog.models import DatasetVersion
from apps.core.exceptions import DomainError

ROW = "__row"
TABLE = "data"
_build_lock = threading.RLock()


class DataIntegrity(DomainError):
    code = "data_integrity"
    status = 409


def store_dir() -> Path:
    return Path(settings.DATA_DIR) / "delivery"


def store_path(version: DatasetVersion) -> Path:
    return store_dir() / f"version-{version.pk}.duckdb"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _recorded_sha(path: Path) -> str | None:
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        # A copy built before `scales` existed is built again (as a changed file would be).
        connection.execute("SELECT count(*) FROM scales").fetchone()
        return connection.execute("SELECT sha256 FROM meta").fetchone()[0]
    except (duckdb.Error, TypeError):
        return None
    finally:
        connection.close()


def _build(version: DatasetVersion, path: Path) -> None:
    parquet = Path(version.parquet_path).resolve()
    if _file_sha256(parquet) != version.sha256:
        raise DataIntegrity(_("The data file does not match its recorded checksum."))
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.unlink(missing_ok=True)
    connection = duckdb.connect(str(temporary))
    try:
        # The path is the platform's own file, never caller text; quoted anyway.
        connection.execute(
            f"CREATE TABLE {TABLE} AS SELECT (row_number() OVER () - 1)::BIGINT AS {ROW}, * "  # noqa: S608
            f"FROM read_parquet({_literal(str(parquet))})"
        )
        _record_scales(connection)
        connection.execute("CREATE TABLE meta (sha256 VARCHAR, version BIGINT)")
        connection.execute("INSERT INTO meta VALUES (?, ?)", [version.sha256, version.pk])
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    os.replace(temporary, path)


def _record_scales(connection) -> None:
    """`scales`: for each decimal column of `data`, the fewest fraction digits that hold
    every one of its values exactly (0 for a column of whole numbers), in one scan."""
    decimals = connection.execute(
        "SELECT column_name, numeric_scale FROM duckdb_columns() "
        "WHERE table_name = ? AND data_type LIKE 'DECIMAL%'",
        [TABLE],
    ).fetchall()
    connection.execute("CREATE TABLE scales (name VARCHAR, scale INTEGER)")
    if not decimals:
        return
    used = []
    for name, scale in decimals:
        column = '"' + name.replace('"', '""') + '"'
        steps = " ".join(f"WHEN {column} = round({column}, {k}) THEN {k}" for k in range(scale))
        used.append(f"max(CASE WHEN {column} IS NULL THEN 0 {steps} ELSE {scale} END)")
    found = connection.execute(f"SELECT {', '.join(used)} FROM {TABLE}").fetchone()  # noqa: S608
    rows = [(name, int(found[i] or 0)) for i, (name, _scale) in enumerate(decimals)]
    connection.executemany("INSERT INTO scales VALUES (?, ?)", rows)


def ensure_store(version: DatasetVersion) -> Path:
    """The path of the version's DuckDB copy, built or rebuilt when needed."""
    path = store_path(version)
    if path.is_file() and _recorded_sha(path) == version.sha256:
        return path
    store_dir().mkdir(parents=True, exist_ok=True)
    with _build_lock:
        if not (path.is_file() and _recorded_sha(path) == version.sha256):
            _build(version, path)
    return path


@dataclass(frozen=True)
class Store:
    database: duckdb.DuckDBPyConnection  # the read-only, locked database of one version
    types: dict[str, str]  # column -> DuckDB type
    scales: dict[str, int]  # decimal column -> the fraction digits its values use

    def connection(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one request (closed by the caller)."""
        return self.database.cursor()


_stores: dict[tuple[int, str], Store] = {}


def _open(version: DatasetVersion, memory_limit: str, threads: int) -> Store:
    path = ensure_store(version)
    config = {
        "access_mode": "READ_ONLY",
        "enable_external_access": "false",
        "memory_limit": memory_limit,
        "threads": str(threads),
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        # Pages in storage order have no ORDER BY (apps.delivery.query.compile_sql).
        "preserve_insertion_order": "true",
    }
    database = duckdb.connect(str(path), read_only=True, config=config)
    if database.execute("SELECT sha256 FROM meta").fetchone()[0] != version.sha256:
        database.close()
        raise DataIntegrity(_("The data copy does not match its dataset version."))
    database.execute("SET lock_configuration = true")
    kept = database.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    if kept is not True:  # fail closed: unordered pages would skip or repeat rows
        database.close()
        raise DataIntegrity(_("The data copy does not keep its rows in order."))
    rows = database.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [TABLE]
    ).fetchall()
    scales = dict(database.execute("SELECT name, scale FROM scales").fetchall())
    return Store(database=database, types=dict(rows), scales=scales)


def open_store(version: DatasetVersion, *, memory_limit: str = "256MB", threads: int = 2) -> Store:
    """The version's store, opened read-only once per process and per SHA-256 (the file
    is only ever replaced, never written in place, so an open store keeps reading the
    copy it checked). A new version's SHA-256 opens (and if needed builds) a new one."""
    key = (version.pk, version.sha256)
    store = _stores.get(key)
    if store is None:
        with _build_lock:
            store = _stores.get(key) or _open(version, memory_limit, threads)
            for old in [k for k in _stores if k[0] == version.pk and k != key]:
                _stores.pop(old).database.close()
            _stores[key] = store
    return store
