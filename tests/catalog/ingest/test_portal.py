"""Portal pages: upload form, status page that refreshes while running, report table."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.ingest import services
from apps.catalog.models import DatasetUpload
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest
from tests.conftest import login_web

pytestmark = pytest.mark.django_db
REFRESH = '<meta http-equiv="refresh" content="2">'


def test_provider_uploads_through_the_form_and_watches_the_job(web, provider, resource):
    login_web(web, provider)
    form = web.get(f"/portal/resources/{resource.pk}/upload/")
    assert form.status_code == 200
    assert "id_number" in form.content.decode()

    response = web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("人口.csv", csv_bytes(ROWS))},
    )
    upload = DatasetUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/uploads/{upload.pk}/"

    pending = web.get(response["Location"]).content.decode()
    assert REFRESH in pending

    services.dataset_ingest_run(upload_id=upload.pk)
    done = web.get(response["Location"]).content.decode()
    assert REFRESH not in done
    assert "v1" in done
    assert upload.pk and DatasetUpload.objects.get().version.sha256 in done


def test_the_status_page_lists_the_validation_report(web, provider, resource):
    upload = ingest(resource, provider, csv_bytes([[*ROWS[0][:4], "三十", *ROWS[0][5:]]]))
    page = login_web(web, provider).get(f"/portal/uploads/{upload.pk}/").content.decode()
    assert 'id="report"' in page
    assert "<td>2</td><td>age</td><td><code>三十</code></td>" in page


def test_a_refused_file_shows_the_error_next_to_the_field(web, provider, resource):
    login_web(web, provider)
    response = web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("x.csv", bytes(range(256)) * 4)},
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not DatasetUpload.objects.exists()


def test_outsiders_cannot_upload_or_see_uploads(web, provider, outsider, resource):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    login_web(web, outsider)
    # the resource is public metadata: managing it is forbidden, its uploads are hidden
    assert web.get(f"/portal/resources/{resource.pk}/upload/").status_code == 403
    post = web.post(
        f"/portal/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile("a.csv", csv_bytes(ROWS))},
    )
    assert post.status_code == 403
    assert web.get(f"/portal/uploads/{upload.pk}/").status_code == 404
    assert DatasetUpload.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(web, provider, resource):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    for url in (f"/portal/resources/{resource.pk}/upload/", f"/portal/uploads/{upload.pk}/"):
        response = web.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_why_a_job_failed_is_shown_in_the_readers_language(web, provider, resource):
    upload = ingest(resource, provider, csv_bytes([]))  # a header and no rows
    assert upload.error == "The file has no data rows."  # kept as the message id
    login_web(web, provider)
    assert "文件中没有数据行。" in web.get(f"/portal/uploads/{upload.pk}/").content.decode()
    web.cookies["pdp_language"] = "en"
    assert "The file has no data rows." in web.get(f"/portal/uploads/{upload.pk}/").content.decode()
