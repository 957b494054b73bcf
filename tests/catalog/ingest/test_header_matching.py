"""Headers as agencies write them: labels, English labels, any case, full-width forms."""

import io

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from apps.catalog.ingest.headers import column_key, match_header
from apps.catalog.ingest.schema import FieldSpec
from tests.catalog.ingest.conftest import FIELDS, HEADER, ROWS, csv_bytes, ingest

pytestmark = pytest.mark.django_db
LABELS = [label for _name, label, *_rest in FIELDS]


def test_a_file_whose_header_uses_the_chinese_labels_becomes_a_version(provider, resource):
    upload = ingest(resource, provider, csv_bytes(ROWS, header=LABELS))

    assert upload.status == "succeeded", upload.problems
    table = pq.read_table(upload.version.parquet_path)
    assert table.column_names == HEADER  # stored under the field names
    assert table.column("name").to_pylist() == ["张三", "欧阳娜娜", "李四"]


def test_labels_match_whatever_the_case_spaces_and_full_width_forms(provider, resource):
    resource.fields.filter(name="mobile").update(label_en="Mobile Phone")
    header = [" 姓名 ", "ＩＤ_ＮＵＭＢＥＲ", "mobile phone", "　住址", "AGE", "收入", "会员",
              "出生日期", "更新时间"]  # fmt: skip
    upload = ingest(resource, provider, csv_bytes(ROWS, header=header))

    assert upload.status == "succeeded", upload.problems
    assert upload.column_mapping == {}  # nothing to map: every column matched by itself


def test_an_xlsx_sheet_with_label_headers_in_another_order(provider, resource):
    book = Workbook()
    sheet = book.active
    sheet.append(list(reversed(LABELS)))
    for row in ROWS:
        sheet.append(list(reversed(row)))
    content = io.BytesIO()
    book.save(content)

    upload = ingest(resource, provider, content.getvalue(), name="人口.xlsx")

    assert upload.status == "succeeded", upload.problems
    assert pq.read_table(upload.version.parquet_path).column("age").to_pylist() == [34, 39, None]


def test_a_name_wins_over_another_fields_label():
    fields = [FieldSpec("code", label="name"), FieldSpec("name", label="名称")]
    match = match_header(["NAME", "code"], fields)
    assert match.targets == ["name", "code"]
    assert match.ok


def test_the_mapping_comes_first_and_may_leave_a_column_out():
    fields = [FieldSpec("code", label="企业编号"), FieldSpec("name", label="名称")]
    match = match_header(
        ["统一编码", "名称", "备注"], fields, mapping={"统一编码": "code", "备注": ""}
    )
    assert match.targets == ["code", "name", None]
    assert match.ok


def test_unmatched_duplicate_and_missing_columns_are_named():
    fields = [FieldSpec("code", label="企业编号"), FieldSpec("name", label="名称")]
    match = match_header(["企业编号", "企业编号", "法人"], fields)
    assert (match.unmatched, match.duplicates, match.missing) == (["法人"], ["企业编号"], ["name"])


def test_column_key_folds_full_width_case_and_spaces():
    assert column_key("\ufeff　Ｃｏｄｅ ") == column_key("code") == "code"
