"""Decimals are delivered as they were published, not as stored. The ingest stores every
decimal as DECIMAL(38, 10); each version's DuckDB copy records the fraction digits its
values use (apps.delivery.store `scales`), and the record API, its CSV, exports and the
sandbox deliver the column at that scale: 15.4 beside -3.25 is "15.40", not
"15.4000000000"; a column of whole numbers has none. Filters, order and cursors still
read the stored value, so nothing is rounded."""

import csv
import hashlib
import io
import json
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from apps.catalog.ingest.schema import DECIMAL_TYPE
from apps.catalog.models import DatasetVersion
from apps.delivery.exports import export_path, export_request
from apps.delivery.store import ensure_store, open_store, store_path
from apps.grants.access import key_bind
from tests.delivery.billing import priced_product
from tests.delivery.exporting import run_export
from tests.grants import conftest as grants

pytestmark = pytest.mark.django_db

ROWS = 40


def amount(i: int) -> Decimal:
    """Row i's reg_capital: tenths for most rows, one negative with hundredths."""
    return Decimal("-3.25") if i == 5 else Decimal(10 * i) + Decimal("0.4")


def publish_amounts(resource, path, values) -> DatasetVersion:
    table = pa.table(
        {
            "credit_code": [f"91450100MA{i:08d}" for i in range(len(values))],
            "reg_capital": pa.array(values, DECIMAL_TYPE),  # as the ingest stores it
        }
    )
    pq.write_table(table, path)
    version = DatasetVersion.objects.create(
        resource=resource,
        number=resource.versions.count() + 1,
        parquet_path=str(path),
        row_count=len(values),
        byte_size=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        schema=[
            {"name": "credit_code", "type": "string"},
            {"name": "reg_capital", "type": "decimal"},
        ],
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version


@pytest.fixture
def amounts(effective, resources, operator_admin, regulator, merchant, tmp_path):
    """(a grant reading credit_code and reg_capital with every delivery mode, a client
    holding a key bound to it, the resource)."""
    publish_amounts(resources[1], tmp_path / "amounts.parquet", [amount(i) for i in range(ROWS)])
    source = {
        "resource": resources[1].pk,
        "fields": [{"name": "credit_code"}, {"name": "reg_capital"}],
        "row_filter": [],
    }
    product = priced_product(
        effective, resources, operator_admin, regulator, sources=[source],
        delivery_modes=["api_pull", "bulk_export"],
    )  # fmt: skip
    grant = grants.issued(product, merchant, operator_admin, fields=["credit_code", "reg_capital"])
    client, key = grants.keyed(merchant)
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    return grant, client, resources[1]


def records(client, grant, accept="application/json", **params):
    path = f"/api/v1/grants/{grant.pk}/records/"
    response = client.get(path, {"page_size": 1000, **params}, HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content
    return response


def test_a_page_gives_each_decimal_at_the_scale_its_column_uses(amounts):
    grant, client, _resource = amounts
    values = [row["reg_capital"] for row in records(client, grant).json()["results"]]
    assert values[:6] == ["0.40", "10.40", "20.40", "30.40", "40.40", "-3.25"]
    assert [Decimal(v) for v in values] == [amount(i) for i in range(ROWS)]  # exact


def test_a_column_of_whole_numbers_has_no_fraction(amounts, tmp_path):
    grant, client, resource = amounts
    publish_amounts(resource, tmp_path / "whole.parquet", [Decimal(1020), Decimal(-7), None])
    values = [row["reg_capital"] for row in records(client, grant).json()["results"]]
    assert values == ["1020", "-7", None]


def test_filters_order_and_cursor_read_the_stored_value(amounts):
    """A filter needs no more digits than the value has, and a walk ordered by the
    decimal meets every row once."""
    grant, client, _resource = amounts
    found = records(client, grant, **{"filter[reg_capital][eq]": "10.4"}).json()["results"]
    # (a text may carry the grant's watermark: one trailing space or none)
    assert [row["credit_code"].rstrip() for row in found] == ["91450100MA00000001"]
    seen, cursor = [], None
    while True:
        params = {"order": "-reg_capital", "page_size": 7, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/api/v1/grants/{grant.pk}/records/", params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [Decimal(row["reg_capital"]) for row in body["results"]]
        cursor = body["next"]
        if not cursor:
            break
    assert seen == sorted((amount(i) for i in range(ROWS)), reverse=True)


def test_csv_writes_numbers_as_numbers(amounts):
    """A negative amount is a number, not a formula: no `'` before it."""
    grant, client, _resource = amounts
    response = records(client, grant, "text/csv", fields="reg_capital")
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["reg_capital", "0.40", "10.40"] and lines[6] == "-3.25"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_an_export_gives_the_same_decimals_as_a_page(amounts, merchant, fmt):
    grant, client, _resource = amounts
    export = run_export(export_request(grant=grant, user=merchant, format=fmt).pk)
    assert export.status == "succeeded", export.error_code
    path = export_path(export)
    if fmt == "csv":
        exported = [row["reg_capital"] for row in csv.DictReader(io.StringIO(path.read_text()))]
    elif fmt == "jsonl":
        exported = [json.loads(line)["reg_capital"] for line in path.read_text().splitlines()]
    else:
        exported = [str(v) for v in pq.read_table(path).column("reg_capital").to_pylist()]
    served = [row["reg_capital"] for row in records(client, grant).json()["results"]]
    assert exported == served


def test_a_copy_built_before_scales_were_recorded_is_built_again(amounts):
    resource = amounts[2]
    version = resource.current_version
    path = ensure_store(version)
    connection = duckdb.connect(str(path))
    connection.execute("DROP TABLE scales")  # the layout of copies built before
    connection.close()
    assert ensure_store(version) == path
    connection = duckdb.connect(str(path), read_only=True)
    assert connection.execute("SELECT * FROM scales").fetchall() == [("reg_capital", 2)]
    connection.close()
    assert open_store(version).scales == {"reg_capital": 2} and store_path(version) == path
