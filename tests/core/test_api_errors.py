"""Every API error is JSON: {"code", "message", "details"} with a stable code."""

import io
import json

import pytest
from django.test import override_settings

from apps.accounts.models import ApiKey
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def test_unauthenticated_call_gets_401_json_with_bearer_challenge(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_malformed_json_gets_a_clear_code_and_writes_nothing(operator_admin):
    client = api_for(operator_admin)
    before = ApiKey.objects.count()
    response = client.post(
        "/api/v1/api-keys/", data='{"name": "x",', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert ApiKey.objects.count() == before


def test_unknown_fields_are_refused_not_ignored(operator_admin):
    client = api_for(operator_admin)
    response = client.post("/api/v1/api-keys/", {"name": "x", "scope": "all"}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "unknown_field"
    assert "scope" in body["details"]["unknown_fields"][0]


def test_field_errors_are_reported_per_field(operator_admin):
    response = api_for(operator_admin).post("/api/v1/api-keys/", {}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "validation_error"
    assert "name" in body["details"]


@override_settings(API_MAX_BODY_BYTES=1000)
def test_oversized_body_is_refused_with_413_before_parsing(operator_admin):
    client = api_for(operator_admin)
    before = ApiKey.objects.count()
    response = client.post("/api/v1/api-keys/", {"name": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert ApiKey.objects.count() == before


def test_unknown_api_path_answers_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_answers_json_405(operator_admin):
    response = api_for(operator_admin).delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_every_response_carries_a_request_id(api):
    response = api.get("/healthz", HTTP_X_REQUEST_ID="client-chosen-id-123")
    assert response["X-Request-ID"] == "client-chosen-id-123"
    assert len(api.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32


def chunked(body: bytes) -> dict:
    """What a WSGI server hands Django for a chunked upload: no Content-Length, the body
    de-chunked on wsgi.input (gunicorn marks that with wsgi.input_terminated)."""
    return {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }


def test_a_chunked_body_without_content_length_is_refused_once_it_passes_the_limit(
    client, settings, db
):
    settings.API_MAX_BODY_BYTES = 100
    body = json.dumps({"q": "x" * 5000}).encode()
    response = client.generic(
        "POST", "/api/action/package_search", body, "application/json", **chunked(body)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_small_chunked_body_is_read_normally(client, settings, db):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"q": "x"}).encode()
    response = client.generic(
        "POST", "/api/action/package_search", body, "application/json", **chunked(body)
    )
    assert response.status_code == 200


def test_counting_stops_reading_soon_after_the_limit():
    from apps.core.exceptions import RequestTooLarge
    from apps.core.middleware import CountingStream

    source = io.BytesIO(b"x" * 10_000_000)
    stream = CountingStream(source, limit=100)
    with pytest.raises(RequestTooLarge):
        stream.read()
    assert source.tell() <= CountingStream.CHUNK


def test_half_a_surrogate_pair_in_a_json_body_is_a_400_with_a_code(operator_admin):
    """`\\ud800` decodes to no character: PostgreSQL's text and jsonb cannot hold it."""
    from tests.conftest import api_for

    response = api_for(operator_admin).post(
        "/api/v1/operators/profiles/",
        '{"legal_representative": "\\ud800"}',
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_text")
