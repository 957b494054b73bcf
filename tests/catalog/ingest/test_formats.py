"""XLSX and JSON Lines are read like CSV; the format comes from the content."""

import datetime as dt
import io
import json

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from apps.catalog.ingest import services
from apps.core.exceptions import InvalidInput
from tests.catalog.ingest.conftest import HEADER, ROWS, csv_bytes, ingest, upload_file

pytestmark = pytest.mark.django_db


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_typed_cells_becomes_a_version(provider, resource):
    rows = [
        ["张三", "110101199003071234", "13812345678", "北京市东城区", 34, 1234.56, True,
         dt.datetime(1990, 3, 7), dt.datetime(2024, 5, 1, 8, 30)],
        ["李四", "440106200001011111", None, None, None, None, None, None, None],
        [],  # blank rows at the end of a sheet are ignored
    ]  # fmt: skip
    upload = ingest(resource, provider, xlsx_bytes(rows), "人口.xlsx")

    assert upload.status == "succeeded", upload.problems
    assert upload.detected_format == "xlsx"
    table = pq.read_table(upload.version.parquet_path).to_pylist()
    assert table[0]["age"] == 34
    assert table[0]["member"] is True
    assert table[0]["born"] == dt.date(1990, 3, 7)
    assert table[0]["updated"] == dt.datetime(2024, 5, 1, 8, 30)
    assert table[1]["mobile"] is None


def test_xlsx_formula_in_a_text_cell_is_refused_with_its_row(provider, resource):
    rows = [ROWS[0], ['=HYPERLINK("http://evil")', *ROWS[1][1:]]]
    upload = ingest(resource, provider, xlsx_bytes(rows), "data.xlsx")

    assert upload.status == "failed"
    assert upload.problems[0] | {"reason": ""} == {
        "row": 3, "column": "name", "value": '=HYPERLINK("http://evil")', "code": "formula",
        "reason": "",
    }  # fmt: skip


def test_json_lines_with_missing_keys_blank_lines_and_bad_lines(provider, resource):
    good = [dict(zip(HEADER, row, strict=True)) for row in ROWS[:2]]
    good[1]["age"] = 39  # JSON numbers are fine for integer fields
    lines = [
        json.dumps(good[0], ensure_ascii=False),
        "",
        json.dumps(good[1], ensure_ascii=False),
        json.dumps({"name": "王五", "id_number": "1", "nickname": "x"}, ensure_ascii=False),
    ]
    upload = ingest(resource, provider, "\n".join(lines).encode(), "data.jsonl")

    assert upload.detected_format == "jsonl"
    assert upload.status == "failed"
    assert [(p["row"], p["column"], p["code"]) for p in upload.problems] == [
        (4, "nickname", "unknown_column")
    ]

    upload = ingest(resource, provider, "\n".join(lines[:3]).encode(), "data.ndjson")
    assert upload.status == "succeeded", upload.problems
    assert upload.version.row_count == 2


def test_json_lines_report_lines_that_are_not_objects(provider, resource):
    lines = ["[1, 2]", "{not json", json.dumps({"name": "张三", "id_number": "1"})]
    upload = ingest(resource, provider, "\n".join(lines).encode(), "data.jsonl")
    assert [(p["row"], p["code"]) for p in upload.problems] == [(1, "json_object"), (2, "json")]


def test_json_lines_are_recognised_by_content_without_extension(provider, resource):
    line = json.dumps(dict(zip(HEADER, ROWS[0], strict=True)), ensure_ascii=False)
    upload = ingest(resource, provider, line.encode(), "export")
    assert upload.detected_format == "jsonl"
    assert upload.status == "succeeded"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (csv_bytes(ROWS), "data.xlsx"),  # extension contradicts the content
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls"),  # legacy Excel
    ],
    ids=["csv-named-xlsx", "legacy-xls"],
)
def test_unsupported_formats_are_refused_at_upload(provider, resource, content, name):
    with pytest.raises(InvalidInput) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, name), user=provider
        )
    assert error.value.code == "unsupported_format"
