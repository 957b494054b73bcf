"""Dates and numbers as agencies write them: accepted, stored canonically, counted."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from apps.catalog.ingest.schema import FieldSpec
from apps.catalog.ingest.validate import convert_column
from tests.catalog.ingest.conftest import HEADER, ROWS, csv_bytes, ingest
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db


def row(**changes) -> list[str]:
    values = dict(zip(HEADER, ROWS[0], strict=True)) | changes
    return [values[name] for name in HEADER]


AGENCY_ROWS = [
    row(born="2022/09/20", age="１２３", income="1,234.50"),
    row(born="2022年9月20日", income="12,345", updated="2022/9/20 8:30"),
    row(born="20220920", income="１２３．５", updated="2022年9月20日 08:30:00"),
    row(born="2022-09-20", age="34", income="99.9"),  # already canonical: not counted
]


def test_agency_forms_are_stored_canonically_and_counted_by_form(provider, resource):
    upload = ingest(resource, provider, csv_bytes(AGENCY_ROWS))

    assert upload.status == "succeeded", upload.problems
    table = pq.read_table(upload.version.parquet_path)
    assert table.column("born").to_pylist() == [dt.date(2022, 9, 20)] * 4
    assert table.column("age").to_pylist() == [123, 34, 34, 34]
    assert table.column("income").to_pylist()[:3] == [
        Decimal("1234.50"), Decimal("12345"), Decimal("123.5")
    ]  # fmt: skip
    assert table.column("updated").to_pylist()[1:3] == [dt.datetime(2022, 9, 20, 8, 30)] * 2
    assert upload.normalized == {
        "born": {"slash": 1, "chinese": 1, "compact": 1},
        "age": {"full_width": 1},
        "income": {"thousands": 2, "full_width": 1},
        "updated": {"slash": 1, "chinese": 1},
    }


def test_the_counts_are_in_the_api_and_on_the_status_page(web, provider, resource):
    upload = ingest(resource, provider, csv_bytes(AGENCY_ROWS))

    body = api_for(provider).get(f"/api/v1/catalog/uploads/{upload.pk}/").json()
    assert body["normalized"]["born"] == {"slash": 1, "chinese": 1, "compact": 1}
    login_web(web, provider)
    page = web.get(f"/portal/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'id="normalized"' in html
    assert "2022年9月20日 → 2022-09-20" in html


def test_values_that_are_still_wrong_after_normalizing_are_reported_not_counted(provider, resource):
    rows = [row(), row(born="2022/13/40", age="1,23", income="１,２３")]
    upload = ingest(resource, provider, csv_bytes(rows))

    assert upload.status == "failed"
    assert [(p["column"], p["value"], p["code"]) for p in upload.problems] == [
        ("age", "1,23", "integer"),
        ("born", "2022/13/40", "date"),
        ("income", "１,２３", "decimal"),
    ]
    assert upload.normalized == {}


@pytest.mark.parametrize(
    ("kind", "value", "expected", "form"),
    [
        ("date", "2022/9/5", dt.date(2022, 9, 5), "slash"),
        ("date", "2022.09.20", dt.date(2022, 9, 20), "dot"),
        ("date", "2022 年 9 月 2 日", dt.date(2022, 9, 2), "chinese"),
        ("date", "2022-9-20", dt.date(2022, 9, 20), "unpadded"),
        ("date", "２０２２－０９－２０", dt.date(2022, 9, 20), "full_width"),
        ("datetime", "20220920083000", dt.datetime(2022, 9, 20, 8, 30), "compact"),
        ("datetime", "2022年9月20日", dt.datetime(2022, 9, 20), "chinese"),
        ("integer", "-12,345,678", -12345678, "thousands"),
        ("integer", "１２３", 123, "full_width"),
        ("decimal", "1,234.50", Decimal("1234.5"), "thousands"),
    ],
)
def test_each_form_is_normalized(kind, value, expected, form):
    counts: dict[str, int] = {}
    typed, bad, _code, _present = convert_column(pa.array([value]), FieldSpec("x", kind), counts)
    assert typed.to_pylist() == [expected]
    assert bad.to_pylist() == [False]
    assert counts.get(form) == 1


def test_without_normalizing_only_canonical_forms_pass():
    _typed, bad, _code, _present = convert_column(
        pa.array(["2022/09/20", "2022-09-20"]), FieldSpec("x", "date"), None
    )
    assert bad.to_pylist() == [True, False]
