"""A provider uploads a file as its agency exports it: Chinese headers, one to map."""

import pytest

from apps.catalog.choices import FieldType
from apps.catalog.ingest import services
from apps.catalog.ingest.headers import column_key
from apps.catalog.models import ColumnMapping, DatasetUpload
from tests.browser.test_sign_in_journeys import sign_in
from tests.catalog.ingest.conftest import csv_bytes, make_resource
from tests.conftest import wait_for
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELDS = [
    ("code", "企业编号", FieldType.STRING, False, "none"),
    ("legal_rep", "法定代表人", FieldType.STRING, True, "none"),
    ("capital", "注册资本", FieldType.DECIMAL, True, "none"),
    ("founded", "成立日期", FieldType.DATE, True, "none"),
]
HEADER = ["企业编号", "法定代表人", "注册资本（万元）", "成立日期"]  # the third needs mapping
ROWS = [
    ["91110000MA01", "张三", "1,234.50", "2022年9月20日"],
    ["91310000MA02", "李四", "500", "2022/09/21"],
]


def test_a_provider_maps_one_column_of_a_chinese_header_and_the_data_is_ingested(
    page, provider, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    resource = make_resource(provider, fields=FIELDS, name="企业登记信息")
    sign_in(page, provider.username, PASSWORD)
    page.wait_for_url("**/portal/")

    # the file goes up; one column matches no field, so the mapping step opens
    page.goto(f"/portal/resources/{resource.pk}/upload/")
    page.set_input_files(
        "#id_file",
        files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": csv_bytes(ROWS, HEADER)}],
    )
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_url("**/mapping/")
    assert "91110000MA01" in page.locator("#mapping").inner_text()  # first rows shown
    assert page.locator("#id_column_0").input_value() == "code"  # matched by its label
    assert page.locator("#id_column_2").input_value() == ""  # 注册资本（万元）: not matched

    # the provider maps it and confirms
    page.select_option("#id_column_2", "capital")
    with page.expect_navigation():
        page.click("#apply-mapping")
    upload = DatasetUpload.objects.get()
    # queued for ingestion (a worker started by an earlier test of the session may
    # already have taken it; otherwise this test does what the worker does)
    assert upload.status in ("pending", "running", "succeeded")
    services.dataset_ingest_run(upload_id=upload.pk)
    wait_for(lambda: DatasetUpload.objects.get(pk=upload.pk).status == "succeeded", timeout=60)
    page.reload()
    assert page.locator("#status").inner_text() == "成功"
    normalized = page.locator("#normalized").inner_text()
    assert "2022年9月20日 → 2022-09-20" in normalized
    assert "1,234.50 → 1234.50" in normalized
    saved = ColumnMapping.objects.get(resource=resource).columns
    assert saved[column_key("注册资本（万元）")] == "capital"
