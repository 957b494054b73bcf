"""Hostile files at the upload and in the job: a clear code, never a 500 or an internal
error, nothing left behind (security review of 2026-12-05)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.ingest import services
from apps.catalog.ingest.readers import HEADER_MAX_COLUMNS
from apps.catalog.ingest.services import uploads_dir
from apps.catalog.models import DatasetUpload
from tests.catalog.ingest.conftest import HEADER, ROWS, csv_bytes, ingest, upload_file
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog/resources/{}/uploads/"


def post(client, resource, content: bytes, name="data.csv", **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    return client.post(URL.format(resource.pk), data, format="multipart")


@pytest.mark.parametrize(
    "header",
    [
        b"name," + b"a" * 200_000,  # one cell over the csv module's field limit: was a 500
        b",".join(b"c%d" % i for i in range(HEADER_MAX_COLUMNS + 1)),  # a mapping form each
        b"name," + b"a," * (1 << 20),  # a header line of megabytes, read whole before
    ],
    ids=["overlong_cell", "too_many_columns", "endless_line"],
)
def test_a_header_too_long_or_too_wide_fails_clearly(provider, resource, header):
    response = post(api_for(provider), resource, header + b"\n" + b"x\n")

    assert response.status_code == 202, response.content[:300]
    services.dataset_ingest_run(upload_id=response.json()["id"])
    upload = DatasetUpload.objects.get()
    assert (upload.status, upload.problems) == ("failed", [])
    assert "header row" in upload.error
    assert not any(uploads_dir(resource.pk).iterdir())  # the raw file went with the job


@pytest.mark.parametrize(
    "line",
    [b"[" * 100_000, b'{"name": ' + b"[" * 100_000, b'{"name": "\\ud800", "id_number": "1"}'],
    ids=["deep_list", "deep_value", "half_surrogate"],
)
def test_json_lines_too_deep_or_with_half_a_surrogate_are_reported_rows(provider, resource, line):
    upload = ingest(resource, provider, line + b"\n", name="data.jsonl")

    assert upload.status == "failed"
    assert upload.error == "Validation failed."  # not "Internal error while ingesting."
    assert [p["code"] for p in upload.problems] == ["json"]


def test_report_values_and_keys_postgresql_cannot_store_are_shown_replaced(provider, resource):
    # A NUL in a bad value and in an unknown key: the report's jsonb refused both (the
    # job ended as an internal error, or never left "running").
    line = b'{"name": "a", "id_number": "1", "age": "1\\u0000", "k\\u0000": 1}\n'
    upload = ingest(resource, provider, line, name="data.jsonl")

    assert upload.status == "failed", upload.error
    problems = {p["code"]: p for p in upload.problems}
    assert problems["integer"]["value"] == "1\ufffd"
    assert problems["unknown_column"]["column"] == "k\ufffd"


@pytest.mark.parametrize(
    "mapping", ["[" * 100_000, '{"a": "\\u0000"}', '{"\\ud800": ""}'], ids=["deep", "nul", "half"]
)
def test_a_hostile_mapping_form_field_is_a_validation_error(provider, resource, mapping):
    response = post(api_for(provider), resource, csv_bytes(ROWS), mapping=mapping)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "validation_error"
    assert "mapping" in response.json()["details"]
    assert not DatasetUpload.objects.exists()
    assert not uploads_dir(resource.pk).exists() or not any(uploads_dir(resource.pk).iterdir())


def test_a_well_formed_mapping_form_field_still_works(provider, resource):
    response = post(
        api_for(provider), resource, csv_bytes(ROWS), mapping=json.dumps({"name": "name"})
    )
    assert response.status_code == 202, response.content[:300]


def test_a_column_without_a_name_can_be_left_out(provider, resource):
    """A trailing comma in the header (many spreadsheet exports) makes a column named "":
    its mapping entry was dropped, so the file stayed unmatched whatever was sent, on the
    API and in the web mapping step alike."""
    content = csv_bytes([[*row, ""] for row in ROWS], [*HEADER, ""])
    client = api_for(provider)
    refused = post(client, resource, content)
    assert refused.status_code == 422
    assert refused.json()["details"]["unmatched_columns"] == [""]

    taken = post(client, resource, content, mapping=json.dumps({"": ""}))
    assert taken.status_code == 202, taken.content[:300]
    services.dataset_ingest_run(upload_id=taken.json()["id"])
    assert DatasetUpload.objects.get(pk=taken.json()["id"]).status == "succeeded"


def test_the_web_mapping_step_leaves_a_nameless_column_out(web, provider, resource):
    content = csv_bytes([[*row, ""] for row in ROWS], [*HEADER, ""])
    login_web(web, provider)
    held = web.post(f"/portal/resources/{resource.pk}/upload/", {"file": upload_file(content)})
    assert "/mapping/" in held["Location"]
    chosen = {f"column_{i}": name for i, name in enumerate(HEADER)}  # the last one: left out
    mapped = web.post(held["Location"], chosen)
    assert mapped.status_code == 302, mapped.context["form"].errors
    assert DatasetUpload.objects.get().status == "pending"
