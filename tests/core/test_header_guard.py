"""A NUL in any request header (cookies included) is refused with 400 `nul_character`
before anything stores or looks the header up in PostgreSQL, where it was a 500 (the
lockout record of a failed sign-in keeps the user agent and accept header; the session
key comes from the cookie). Other hostile headers are harmless and pass."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_for

pytestmark = pytest.mark.django_db

NUL_HEADERS = {
    "HTTP_USER_AGENT": "Mozilla\x00" + "x" * 10_000,
    "HTTP_ACCEPT": "text/csv\x00; q=x",
    "HTTP_COOKIE": "sessionid=abcdefghijkl\x00mnop; pdp_language=zh",
    "HTTP_ACCEPT_LANGUAGE": "zh\x00;q=abc",
    "HTTP_REFERER": "http://x\x00y/",
    "HTTP_X_FORWARDED_FOR": "1.2.3.4\x00",
}


def pages(merchant):
    anon = APIClient()
    return [
        (anon, "get", "/api/v1/me/", {}),
        (api_for(merchant), "get", "/api/v1/me/", {}),
        (anon, "get", "/accounts/login/", {}),
        (anon, "post", "/accounts/login/", {"username": "someone", "password": "wrong"}),
        (anon, "get", "/products/", {}),
    ]


@pytest.mark.parametrize("header", list(NUL_HEADERS))
def test_a_nul_in_a_header_is_refused_with_400(header, merchant):
    for client, method, path, data in pages(merchant):
        response = getattr(client, method)(path, data, **{header: NUL_HEADERS[header]})
        assert response.status_code == 400, (path, response.status_code)
        if path.startswith("/api/"):
            assert response.json()["code"] == "nul_character"


def test_other_hostile_headers_are_answered_normally(merchant):
    hostile = {
        "HTTP_USER_AGENT": "x" * 20_000,
        "HTTP_X_REQUEST_ID": "id\n" + "y" * 500,
        "HTTP_X_FORWARDED_FOR": "::ffff:zz, 999.1.1.1",
        "HTTP_ACCEPT_LANGUAGE": "zz;q=abc," * 50,
    }
    response = api_for(merchant).get("/api/v1/me/", **hostile)
    assert response.status_code == 200
    assert response["X-Request-ID"] != hostile["HTTP_X_REQUEST_ID"]
    failed = APIClient().post("/accounts/login/", {"username": "a", "password": "b"}, **hostile)
    assert failed.status_code == 200  # the form again, with its error
