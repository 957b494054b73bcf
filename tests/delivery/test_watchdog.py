"""A record page's DuckDB query that runs past its limit is interrupted and refused with
`query_timeout`; quick queries are left alone."""

import time

import duckdb
import pytest

from apps.core.exceptions import DomainError
from apps.delivery import services, watchdog

SLOW = "SELECT sum(hash(i)) FROM range(1000000000000) t(i)"


def test_a_query_past_its_limit_is_interrupted(monkeypatch):
    monkeypatch.setattr(services, "QUERY_TIMEOUT", 0.3)
    connection = duckdb.connect()
    started = time.monotonic()
    with pytest.raises(DomainError) as refused:
        services._run(connection, SLOW, [])
    assert refused.value.code == "query_timeout"
    assert time.monotonic() - started < 5
    assert services._run(connection, "SELECT 42 AS answer", []).to_pylist() == [{"answer": 42}]
    assert not watchdog._running  # nothing left watched
    connection.close()


def test_quick_queries_are_not_interrupted_later(monkeypatch):
    monkeypatch.setattr(services, "QUERY_TIMEOUT", 0.2)
    connection = duckdb.connect()
    for _ in range(3):
        assert services._run(connection, "SELECT 1 AS one", []).num_rows == 1
    time.sleep(0.4)  # past the limit of each: the watchdog has nothing to stop
    assert services._run(connection, "SELECT 2 AS two", []).to_pylist() == [{"two": 2}]
    connection.close()
