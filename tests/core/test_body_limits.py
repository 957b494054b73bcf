"""Request bodies are limited on the web as on the API, before Django reads (and spools)
them: a default for every page (WEB_MAX_BODY_BYTES), each page that takes a file its
file's limit plus the rest of the form. The web answers its 413 page in the reader's
language, the API its JSON 413; every refusal is audited."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent
from apps.core.middleware import body_limit
from apps.operators.models import QualificationDocument
from tests.conftest import api_for, login_web
from tests.operators.conftest import PDF, profile_data

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def chunked(body: bytes) -> dict:
    """A body as a WSGI server hands over a chunked one: no Content-Length, de-chunked."""
    return {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }


def refusals(area: str):
    return AuditEvent.objects.filter(
        action=f"{area}.request_guard", reason="request_too_large", outcome=Outcome.DENIED
    )


def test_a_web_form_past_the_web_limit_gets_the_413_page_and_is_not_read(settings):
    settings.WEB_MAX_BODY_BYTES = 2000
    response = Client().post(
        "/accounts/login/", {"username": "someone", "password": "x" * 5000}, **ENGLISH
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert 'id="error-400"' in page and 'class="topbar"' in page  # the site's error page
    assert "this page accepts" in page
    # the view never ran: no failed sign-in was counted or recorded
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    data = json.loads(refusals("web").get().data)
    assert data == {
        "method": "POST",
        "path": "/accounts/login/",
        "status": 413,
        "part": "body",
        "max_bytes": 2000,
        "content_length": data["content_length"],
    }
    assert int(data["content_length"]) > 5000


def test_the_413_page_speaks_the_readers_language(settings):
    settings.WEB_MAX_BODY_BYTES = 2000
    response = Client().post("/accounts/login/", {"password": "x" * 5000}, **CHINESE)
    assert response.status_code == 413
    assert "本页面最多接受" in response.content.decode()


def test_a_form_under_the_web_limit_is_answered_as_usual(settings):
    settings.WEB_MAX_BODY_BYTES = 2000
    response = Client().post("/accounts/login/", {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert not refusals("web").exists()


def test_a_declared_length_past_a_pages_limit_is_refused_before_anything_is_read(
    operator_admin, tmp_path, settings
):
    settings.OPERATORS_FILES_DIR = tmp_path
    client = login_web(Client(), operator_admin)
    declared = django_settings.OPERATORS_DOCUMENT_MAX_BYTES + settings.WEB_MAX_BODY_BYTES + 1
    upload = SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/portal/operator/documents/",
        {"kind": "licence", "file": upload},
        CONTENT_LENGTH=str(declared),
        **ENGLISH,
    )
    assert response.status_code == 413
    assert not QualificationDocument.objects.exists()
    assert json.loads(refusals("web").get().data)["content_length"] == str(declared)


def test_a_document_larger_than_the_web_default_still_reaches_its_form(
    operator_admin, tmp_path, settings
):
    """A page that takes a file has the file's limit: a 2 MiB document is fine there."""
    from apps.operators import services

    settings.OPERATORS_FILES_DIR = tmp_path
    services.profile_save(user=operator_admin, data=profile_data())
    content = PDF + b"%" * (2 * 1024 * 1024)
    assert len(content) > settings.WEB_MAX_BODY_BYTES
    upload = SimpleUploadedFile("big.pdf", content, content_type="application/pdf")
    client = login_web(Client(), operator_admin)
    response = client.post("/portal/operator/documents/", {"kind": "licence", "file": upload})
    assert response.status_code == 302
    assert QualificationDocument.objects.get().size_bytes == len(content)
    assert not refusals("web").exists()


def test_a_chunked_web_form_is_refused_once_it_passes_the_limit(settings):
    settings.WEB_MAX_BODY_BYTES = 2000
    body = b"username=someone&password=" + b"x" * 50_000
    response = Client().generic(
        "POST",
        "/accounts/login/",
        body,
        "application/x-www-form-urlencoded",
        **chunked(body),
        **ENGLISH,
    )
    assert response.status_code == 413
    assert "this page accepts" in response.content.decode()
    assert refusals("web").count() == 1


def test_a_small_chunked_web_form_is_read_normally(settings):
    settings.WEB_MAX_BODY_BYTES = 2000
    body = b"username=someone&password=wrong"
    response = Client().generic(
        "POST", "/accounts/login/", body, "application/x-www-form-urlencoded", **chunked(body)
    )
    assert response.status_code == 200
    assert response.context["form"].data["username"] == "someone"


def test_a_web_view_reading_a_chunked_body_past_the_limit_gets_the_413_page(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.WEB_MAX_BODY_BYTES = 2000
    body = b"x" * 50_000
    response = Client().generic(
        "PUT", "/read-body/", body, "application/octet-stream", **chunked(body), **ENGLISH
    )
    assert response.status_code == 413
    assert "this page accepts" in response.content.decode()
    assert refusals("web").count() == 1


def test_an_api_refusal_stays_json_and_is_audited(operator_admin, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api_for(operator_admin).post(
        "/api/v1/api-keys/", {"name": "x" * 2000}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")
    assert response.json()["details"] == {"max_bytes": 1000}
    assert json.loads(refusals("api").get().data)["max_bytes"] == 1000


def test_a_chunked_api_body_past_the_limit_is_audited(client, settings):
    settings.API_MAX_BODY_BYTES = 100
    body = json.dumps({"q": "x" * 5000}).encode()
    response = client.generic(
        "POST", "/api/action/package_search", body, "application/json", **chunked(body)
    )
    assert response.status_code == 413
    assert refusals("api").count() == 1


def test_every_page_that_takes_a_file_allows_that_file_and_no_more_than_nginx():
    limits = django_settings
    documents = [
        reverse("portal:operator_document_upload"),
        reverse("portal:agreement_document_upload", kwargs={"pk": 7}),
        reverse("portal:operator_reports"),
        reverse("portal:application_create", kwargs={"product": 7}),
        reverse("portal:application_edit", kwargs={"pk": 7}),
        reverse("portal:application_attach", kwargs={"pk": 7}),
    ]
    for path in documents:
        assert body_limit(path) >= limits.OPERATORS_DOCUMENT_MAX_BYTES + limits.WEB_MAX_BODY_BYTES
    dataset = reverse("portal:resource_upload", kwargs={"pk": 7})
    assert body_limit(dataset) >= limits.CATALOG_MAX_UPLOAD_BYTES + limits.WEB_MAX_BODY_BYTES
    leak = reverse("console:leak_trace")
    assert body_limit(leak) >= limits.DELIVERY_LEAK_MAX_BYTES + limits.WEB_MAX_BODY_BYTES
    for path in ("/accounts/login/", reverse("portal:resource_create"), "/portal/reports/7/"):
        assert body_limit(path) == limits.WEB_MAX_BODY_BYTES
    assert limits.WEB_MAX_BODY_BYTES > limits.DATA_UPLOAD_MAX_MEMORY_SIZE
    # The proxy in front lets through the largest body the application accepts.
    nginx = (Path(django_settings.BASE_DIR) / "platform" / "nginx.conf").read_text()
    proxy_mib = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    largest = max(size for _, size in limits.WEB_LARGE_BODY_PATHS + limits.API_LARGE_BODY_PATHS)
    assert largest <= proxy_mib * 1024 * 1024
