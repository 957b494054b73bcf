"""Columns that match no field: a clear API error, a mapping, saved for the next upload."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.catalog import timers
from apps.catalog.ingest import services
from apps.catalog.ingest.services import uploads_dir
from apps.catalog.models import ColumnMapping, DatasetUpload
from tests.catalog.ingest.conftest import FIELDS, ROWS, csv_bytes, make_resource
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db
# As an agency exports it: labels, one column named its own way, one extra column.
AGENCY_HEADER = ["姓名", "公民身份号码", "手机号", "住址", "年龄", "收入", "会员", "出生日期",
                 "更新时间", "备注"]  # fmt: skip
AGENCY_ROWS = [[*row, "无"] for row in ROWS]
URL = "/api/v1/catalog/resources/{}/uploads/"


def post(client, resource, mapping=None, content=None):
    data = {
        "file": SimpleUploadedFile("企业.csv", content or csv_bytes(AGENCY_ROWS, AGENCY_HEADER))
    }
    if mapping is not None:
        data["mapping"] = json.dumps(mapping, ensure_ascii=False)
    return client.post(URL.format(resource.pk), data, format="multipart")


def test_the_api_names_the_unmatched_columns_and_keeps_nothing(provider, resource):
    response = post(api_for(provider), resource)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unmatched_columns"
    assert body["details"]["unmatched_columns"] == ["公民身份号码", "备注"]
    assert body["details"]["missing_fields"] == ["id_number"]
    assert body["details"]["matched"]["姓名"] == "name"
    assert {"name": "id_number", "label": "身份证号", "label_en": ""} in body["details"]["fields"]
    assert not DatasetUpload.objects.exists()
    assert not any(uploads_dir(resource.pk).iterdir())


def test_an_upload_with_a_mapping_is_taken_and_the_mapping_applies_next_time(provider, resource):
    client = api_for(provider)
    response = post(client, resource, mapping={"公民身份号码": "id_number", "备注": None})
    assert response.status_code == 202, response.content
    services.dataset_ingest_run(upload_id=response.json()["id"])
    first = DatasetUpload.objects.get()
    assert first.status == "succeeded", first.problems
    assert ColumnMapping.objects.get(resource=resource).columns == {
        "公民身份号码": "id_number", "备注": ""
    }  # fmt: skip

    again = post(client, resource)  # no mapping sent: the saved one applies

    assert again.status_code == 202, again.content
    assert again.json()["column_mapping"] == {"公民身份号码": "id_number", "备注": ""}


def test_a_changed_mapping_is_audited_with_before_and_after(provider, resource):
    client = api_for(provider)
    post(client, resource, mapping={"公民身份号码": "id_number", "备注": ""})
    post(client, resource, mapping={"公民身份号码": "id_number", "备注": ""})  # unchanged
    header = [*AGENCY_HEADER[:-1], "说明"]
    post(client, resource, mapping={"说明": ""}, content=csv_bytes(AGENCY_ROWS, header))

    events = AuditEvent.objects.filter(action="catalog.columnmapping.change").order_by("pk")
    assert events.count() == 2
    assert json.loads(events.last().changes)["columns"] == [
        {"公民身份号码": "id_number", "备注": ""},
        {"公民身份号码": "id_number", "备注": "", "说明": ""},
    ]


@pytest.mark.parametrize(
    "mapping", [{"公民身份号码": "no_such_field"}, ["公民身份号码"], {"公民身份号码": 3}]
)
def test_a_bad_mapping_is_refused_with_its_code(provider, resource, mapping):
    response = post(api_for(provider), resource, mapping=mapping)
    assert response.status_code == 422
    assert response.json()["code"] in {"invalid_mapping", "validation_error"}
    assert not ColumnMapping.objects.exists()


def test_a_mapping_is_the_resources_own(provider, resource):
    other = make_resource(provider, fields=FIELDS, name="另一个")
    post(api_for(provider), resource, mapping={"公民身份号码": "id_number", "备注": ""})
    assert post(api_for(provider), other).status_code == 422


def test_on_the_web_the_provider_maps_the_columns_with_a_preview(web, provider, resource):
    login_web(web, provider)
    response = web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("企业.csv", csv_bytes(AGENCY_ROWS, AGENCY_HEADER))},
    )
    upload = DatasetUpload.objects.get()
    assert upload.status == "mapping"
    assert response["Location"] == f"/portal/uploads/{upload.pk}/mapping/"
    page = web.get(response["Location"]).content.decode()
    assert "110101199003071234" in page  # the first rows are shown
    assert 'value="name" selected' in page  # matched by label, proposed

    choices = {f"column_{i}": name for i, name in enumerate(
        ["name", "id_number", "mobile", "address", "age", "income", "member", "born", "updated",
         ""]
    )}  # fmt: skip
    done = web.post(response["Location"], choices)

    assert done["Location"] == f"/portal/uploads/{upload.pk}/"
    services.dataset_ingest_run(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == "succeeded", upload.problems
    assert ColumnMapping.objects.get(resource=resource).columns["公民身份号码"] == "id_number"
    # the next file of the same shape goes straight to ingestion
    web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("企业2.csv", csv_bytes(AGENCY_ROWS, AGENCY_HEADER))},
    )
    assert DatasetUpload.objects.first().status == "pending"


def test_a_mapping_that_leaves_a_field_empty_or_fills_one_twice_is_refused(web, provider, resource):
    login_web(web, provider)
    web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("企业.csv", csv_bytes(AGENCY_ROWS, AGENCY_HEADER))},
    )
    upload = DatasetUpload.objects.get()
    choices = {f"column_{i}": "" for i in range(len(AGENCY_HEADER))}
    choices["column_0"] = choices["column_1"] = "name"

    page = web.post(f"/portal/uploads/{upload.pk}/mapping/", choices).content.decode()

    assert "有两列对应字段“姓名”" in page
    assert "以下字段没有对应的列：身份证号、手机号、住址" in page
    upload.refresh_from_db()
    assert upload.status == "mapping"
    assert not ColumnMapping.objects.exists()


def test_a_held_upload_can_be_cancelled_and_is_given_up_after_a_day(
    web, provider, resource, django_capture_on_commit_callbacks
):
    login_web(web, provider)
    for _ in range(2):
        web.post(
            f"/portal/resources/{resource.pk}/upload/",
            {"file": SimpleUploadedFile("企业.csv", csv_bytes(AGENCY_ROWS, AGENCY_HEADER))},
        )
    cancelled, forgotten = DatasetUpload.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/portal/uploads/{cancelled.pk}/mapping/", {"discard": "1"})
        timers.run(now=timezone.now() + timedelta(hours=25))

    for upload in (cancelled, forgotten):
        upload.refresh_from_db()
        assert upload.status == "failed"
        assert not Path(upload.file_path).exists()
    assert AuditEvent.objects.filter(action="catalog.datasetupload.discard").count() == 2


def test_only_the_provider_maps_its_uploads(web, provider, regulator, merchant, resource):
    login_web(web, provider)
    web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("企业.csv", csv_bytes(AGENCY_ROWS, AGENCY_HEADER))},
    )
    upload = DatasetUpload.objects.get()
    for user, status in ((regulator, 403), (merchant, 404)):
        other = type(web)()
        login_web(other, user)
        assert other.get(f"/portal/uploads/{upload.pk}/mapping/").status_code == status
