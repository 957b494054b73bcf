"""The ingestion API: upload (202), poll, list; outsiders and anonymous callers refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.ingest import services
from apps.catalog.models import DatasetUpload
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest, make_resource
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def post_file(client, resource, content=None, name="data.csv"):
    file = SimpleUploadedFile(name, content or csv_bytes(ROWS))
    return client.post(
        f"/api/v1/catalog/resources/{resource.pk}/uploads/", {"file": file}, format="multipart"
    )


def test_upload_answers_202_and_the_job_result_is_polled(provider, resource):
    client = api_for(provider)
    response = post_file(client, resource)
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["progress"], body["detected_encoding"]) == (
        "pending", 0.0, "utf-8"
    )  # fmt: skip

    services.dataset_ingest_run(upload_id=body["id"])
    done = client.get(f"/api/v1/catalog/uploads/{body['id']}/").json()
    assert done["status"] == "succeeded"
    assert done["progress"] == 1.0
    assert done["rows_processed"] == 3
    assert done["problem_count"] == 0
    version = done["version"]
    assert (version["number"], version["rows"]) == (1, 3)
    assert len(version["sha256"]) == 64 and version["bytes"] > 0


def test_progress_is_visible_while_the_job_runs(provider, resource):
    upload = services.dataset_upload_create(
        resource=resource,
        uploaded_file=SimpleUploadedFile("d.csv", csv_bytes(ROWS)),
        user=provider,
    )
    half = upload.size_bytes // 2
    DatasetUpload.objects.filter(pk=upload.pk).update(
        status="running", bytes_processed=half, rows_processed=1
    )
    body = api_for(provider).get(f"/api/v1/catalog/uploads/{upload.pk}/").json()
    assert body["status"] == "running"
    assert body["progress"] == pytest.approx(half / upload.size_bytes)
    assert (body["bytes_processed"], body["rows_processed"]) == (half, 1)


def test_the_report_is_in_the_api(provider, resource):
    upload = ingest(resource, provider, csv_bytes([[*ROWS[0][:4], "x", *ROWS[0][5:]]]))
    body = api_for(provider).get(f"/api/v1/catalog/uploads/{upload.pk}/").json()
    assert body["status"] == "failed"
    assert body["version"] is None
    assert body["problems"] == [
        {"row": 2, "column": "age", "value": "x", "code": "integer",
         "reason": "Not a whole number."}
    ]  # fmt: skip


def test_bad_files_get_clear_errors(provider, resource, settings):
    client = api_for(provider)
    response = post_file(client, resource, bytes(range(256)) * 4)
    assert (response.status_code, response.json()["code"]) == (422, "unknown_encoding")

    settings.CATALOG_MAX_UPLOAD_BYTES = 10
    response = post_file(client, resource)
    assert (response.status_code, response.json()["code"]) == (422, "file_too_large")

    response = client.post(f"/api/v1/catalog/resources/{resource.pk}/uploads/", {},
                           format="multipart")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")


def test_upload_endpoints_accept_bodies_over_the_general_api_cap(provider, resource, settings):
    settings.API_MAX_BODY_BYTES = 1000
    settings.API_LARGE_BODY_PATHS = [(r"^/api/v1/catalog/resources/\d+/uploads/$", 10**6)]
    big = csv_bytes([ROWS[0]] * 100)
    assert len(big) > 1000
    assert post_file(api_for(provider), resource, big).status_code == 202
    # other endpoints keep the general cap, and the upload endpoint its own
    client = api_for(provider)
    assert client.post("/api/v1/api-keys/", {"name": "x" * 2000}, format="json").status_code == 413
    settings.API_LARGE_BODY_PATHS = [(r"^/api/v1/catalog/resources/\d+/uploads/$", 2000)]
    assert post_file(client, resource, big).status_code == 413


def test_the_list_shows_the_resources_uploads_newest_first(
    provider, resource, django_assert_max_num_queries
):
    first = ingest(resource, provider, csv_bytes(ROWS))
    second = ingest(resource, provider, csv_bytes(ROWS))
    client = api_for(provider)
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/catalog/resources/{resource.pk}/uploads/").json()
    assert [u["id"] for u in body["results"]] == [second.pk, first.pk]
    assert "problems" not in body["results"][0]


def test_regulator_may_read_uploads(regulator, provider, resource):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    client = api_for(regulator)
    assert client.get(f"/api/v1/catalog/uploads/{upload.pk}/").status_code == 200
    assert client.get(f"/api/v1/catalog/resources/{resource.pk}/uploads/").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "merchant", "operator_admin"])
def test_outsiders_cannot_upload_list_or_poll(request, provider, resource, persona):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    client = api_for(request.getfixturevalue(persona))

    # the registered resource's metadata is public, so uploading is forbidden (403) ...
    assert post_file(client, resource).status_code == 403
    # ... while a draft of another provider does not exist for them (404)
    assert post_file(client, make_resource(provider, status="draft")).status_code == 404
    assert client.get(f"/api/v1/catalog/resources/{resource.pk}/uploads/").status_code == 404
    assert client.get(f"/api/v1/catalog/uploads/{upload.pk}/").status_code == 404
    assert DatasetUpload.objects.count() == 1


def test_anonymous_callers_get_401_everywhere(api, provider, resource):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    assert post_file(api, resource).status_code == 401
    assert api.get(f"/api/v1/catalog/resources/{resource.pk}/uploads/").status_code == 401
    assert api.get(f"/api/v1/catalog/uploads/{upload.pk}/").status_code == 401
