"""The derived DuckDB copy: built once, checked against the version's SHA-256, rebuilt
when it does not match, refused when the Parquet file itself does not match."""

import duckdb
import pytest

from apps.delivery.store import DataIntegrity, ensure_store, open_store, store_path
from tests.delivery.conftest import publish

pytestmark = pytest.mark.django_db


def recorded(path) -> str:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute("SELECT sha256 FROM meta").fetchone()[0]
    finally:
        connection.close()


def test_a_copy_that_does_not_match_its_version_is_rebuilt(resources, tmp_path):
    version = publish(resources[1], tmp_path / "v.parquet", rows=10)
    path = ensure_store(version)
    assert recorded(path) == version.sha256
    connection = duckdb.connect(str(path))
    connection.execute("UPDATE meta SET sha256 = 'stale'")
    connection.execute("DELETE FROM data WHERE __row > 2")
    connection.close()
    ensure_store(version)
    assert recorded(path) == version.sha256
    store = open_store(version)
    cursor = store.connection()
    assert cursor.execute("SELECT count(*) FROM data").fetchone()[0] == 10
    with pytest.raises(duckdb.Error):  # locked: no file outside the store is readable
        cursor.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error):
        cursor.execute("SET enable_external_access = true")
    cursor.close()


def test_a_parquet_file_that_does_not_match_its_checksum_is_refused(resources, tmp_path):
    version = publish(resources[1], tmp_path / "v.parquet", rows=10)
    version.sha256 = "0" * 64
    store_path(version).unlink(missing_ok=True)
    with pytest.raises(DataIntegrity):
        ensure_store(version)


def test_pages_in_storage_order_cross_row_groups_without_skipping_or_repeating(resources, tmp_path):
    """Unordered pages have no ORDER BY (the copy keeps insertion order): walked page by
    page over more than two of DuckDB's row groups (122,880 rows each), read on two
    threads, every row comes once and in order, the rows at each group boundary too."""
    from dataclasses import replace

    from apps.delivery.query import RecordQuery
    from apps.delivery.services import _select
    from apps.delivery.sources import GrantField, GrantSource
    from apps.delivery.store import ROW

    rows = 300_000
    version = publish(resources[1], tmp_path / "big.parquet", rows=rows)
    source = GrantSource(
        resource_id=resources[1].pk,
        resource_name="r",
        version=version,
        path=tmp_path / "big.parquet",
        fields=(GrantField("credit_code", "none", "none", "string"),),
        row_filter=(),
    )
    store = open_store(version, threads=2)
    seen = []
    query = RecordQuery(fields=["credit_code"], page_size=7_001)
    while True:
        connection = store.connection()
        try:
            table = _select(connection, query, source, store)
        finally:
            connection.close()
        page = table.column(ROW).to_pylist()[: query.page_size]
        seen.extend(page)
        if table.num_rows <= query.page_size:
            break
        query = replace(query, after=(None, page[-1]))
    assert seen == list(range(rows))
    codes = table.column("credit_code").to_pylist()
    assert codes[-1] == f"91450100MA{rows - 1:08d}"
