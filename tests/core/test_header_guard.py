"""A NUL in any request header (cookies included) is refused with 400 `nul_character`
before anything stores or looks the header up in PostgreSQL, where it was a 500 (the
lockout record of a failed sign-in keeps the user agent and accept header; the session
key comes from the cookie). Other hostile headers are harmless and pass. The refusal, and
that of a NUL in a query string, is audited as a denial that names where the NUL was,
never the text that carried it."""

import json

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from tests.conftest import api_for, login_web

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


def nul_denials():
    return AuditEvent.objects.filter(outcome="denied", reason="nul_character")


@pytest.mark.parametrize("header", list(NUL_HEADERS))
def test_a_nul_in_a_header_is_audited_without_the_headers_text(header, merchant):
    for client, method, path, data in pages(merchant):
        before = nul_denials().count()
        response = getattr(client, method)(path, data, **{header: NUL_HEADERS[header]})
        assert response.status_code == 400
        assert nul_denials().count() == before + 1, path
        event = nul_denials().first()
        area = "api" if path.startswith("/api/") else "web"
        assert (event.action, event.actor_type) == (f"{area}.request_guard", "anonymous")
        assert event.request_id == response["X-Request-ID"]
        data = json.loads(event.data)
        assert data == {
            "method": method.upper(),
            "path": path,
            "status": 400,
            "part": "header",
            "header": header.removeprefix("HTTP_").replace("_", "-").title(),
        }
        stored = [getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields]
        assert not any("\x00" in str(value) for value in stored)
        assert "abcdefghijkl" not in event.data and "q=x" not in event.data


def test_the_user_agent_that_carried_the_nul_is_kept_cleaned_and_cut(api):
    response = api.get("/api/v1/me/", HTTP_USER_AGENT=NUL_HEADERS["HTTP_USER_AGENT"])
    assert (response.status_code, response.json()["code"]) == (400, "nul_character")
    event = nul_denials().get()
    assert event.user_agent.startswith("Mozilla x") and len(event.user_agent) == 300


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/catalog/resources/", "status=a%00b"),
        ("/api/v1/me/", "x=%00"),
        ("/catalog/", "q=%00%1b[31m"),
    ],
)
def test_a_nul_in_a_query_string_is_audited_as_a_denial(api, path, query):
    response = api.get(f"{path}?{query}")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "nul_character"
    event = nul_denials().get()
    area = "api" if path.startswith("/api/") else "web"
    assert event.action == f"{area}.request_guard"
    assert json.loads(event.data) == {"method": "GET", "path": path, "status": 400, "part": "query"}
    assert "%00" not in event.data and "\x00" not in event.data


def test_a_signed_in_users_query_string_refusal_names_the_user(web, merchant):
    login_web(web, merchant)
    assert web.get("/products/?q=%00").status_code == 400
    event = nul_denials().get()
    assert (event.action, event.actor_label) == ("web.request_guard", "merchant")


def test_a_control_character_in_the_path_is_not_written_raw(api):
    response = api.get("/api/v1/me\x1b[2J/?x=%00")
    assert response.status_code == 400
    event = nul_denials().get()
    assert "\x1b" not in event.data and "me?[2J" in json.loads(event.data)["path"]


def test_a_path_keeps_no_bidi_override_or_line_break_in_the_audit(api):
    """The path is recorded on one line, with nothing that reorders what a reader sees."""
    response = api.get("/api/v1/me\u202e\u2028x/?x=%00")
    assert response.status_code == 400
    path = json.loads(nul_denials().get().data)["path"]
    assert "\u202e" not in path and "\u2028" not in path and "me??x" in path
