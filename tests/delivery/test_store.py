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
