"""Addresses that name nothing. Under /api/ the answer is JSON with a code, whatever
DEBUG says (`make run` runs with DEBUG, where Django's own 404 is an HTML page); a request
with a body to an address that lacks only its trailing slash is refused with a 404 that
names the right address: Django would redirect it (losing the body), or under DEBUG raise
RuntimeError, a 500."""

import pytest
from django.test import override_settings

from tests.conftest import login_web

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_is_a_json_404_with_a_code(client, debug):
    with override_settings(DEBUG=debug):
        for path in ("/api/v1/nothing/", "/api/v1/nothing", "/api/v2/", "/api/"):
            for method in ("get", "post", "put", "patch", "delete"):
                response = getattr(client, method)(path)
                assert response.status_code == 404, (method, path)
                assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("debug", [False, True])
def test_a_body_sent_without_the_trailing_slash_is_a_404_naming_the_address(client, debug):
    with override_settings(DEBUG=debug):
        for method in ("post", "put", "patch", "delete"):
            send = getattr(client, method)
            response = send("/api/v1/grants", {}, content_type="application/json")
            assert response.status_code == 404
            assert response.json()["code"] == "slash_missing"
            assert "/api/v1/grants/" in response.json()["message"]


def test_a_get_without_the_trailing_slash_is_still_redirected(client):
    response = client.get("/api/v1/grants?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/grants/?page=2"
    assert client.get("/portal").status_code == 301


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_posted_without_the_trailing_slash_is_a_404_not_a_500(client, merchant, debug):
    login_web(client, merchant)
    with override_settings(DEBUG=debug):
        assert client.post("/portal/api-keys", {"name": "x"}).status_code == 404
