"""Sandbox differencing check: the time of one grouped sandbox query after 0, 1, 10 and
50 grouped earlier queries of the grant, with the differencing check
(apps.security.sandbox_rows.differences_sql: every group, union of groups and kept rows
of the query against those of each earlier one) and without it (the same query with no
history), side by side in one run (not run in CI).

    .venv/bin/python bench/sandbox.py [ROWS]

The data is ROWS rows (default 1,000,000) of 20 districts, an age and an income, written
as the scoped copy writes it (each row's number in `#row`) to a temporary Parquet file,
and read through `sandbox_connection` exactly as a merchant's query is.
"""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from apps.security.sandbox import ROW_ID  # noqa: E402
from apps.security.sandbox_run import run_query, sandbox_connection  # noqa: E402

VIEW = "grant_data"
QUERY = "SELECT district, sum(income) FROM grant_data WHERE age > 60 AND income > 100 GROUP BY 1"


def timed(connection, earlier: list[str]) -> float:
    started = time.perf_counter()
    run_query(connection, QUERY, view=VIEW, k=10, earlier=earlier)
    return time.perf_counter() - started


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(1)
    table = pa.table(
        {
            ROW_ID: pa.array(range(rows), pa.int64()),
            "district": [f"d{i % 20}" for i in range(rows)],
            "age": [rng.randint(18, 80) for _ in range(rows)],
            "income": [float(i % 9973) for i in range(rows)],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scoped.parquet"
        pq.write_table(table, path)
        connection = sandbox_connection(path, VIEW)
        earlier = [
            f"SELECT district, count(*), avg(income) FROM grant_data WHERE age > {18 + i} "
            "GROUP BY district"
            for i in range(50)
        ]
        timed(connection, earlier[:1])  # warm up
        print(f"{rows:,} rows, 20 groups; one grouped query after n grouped earlier queries")
        for size in (1, 10, 50):
            checked = timed(connection, earlier[:size])
            alone = timed(connection, [])
            print(f"  n={size:2d}: {checked * 1000:8.1f} ms with the differencing check, "
                  f"{alone * 1000:8.1f} ms without ({checked / alone:.1f}x)")  # fmt: skip
        connection.close()


if __name__ == "__main__":
    main()
