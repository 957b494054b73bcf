"""Every page carries a Content-Security-Policy and a Permissions-Policy."""

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/accounts/login/", "/catalog/", "/api/v1/catalog/search/"])
def test_pages_forbid_inline_script_and_other_origins(client, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_have_their_own_policy_and_no_inline_script(client, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert "blob:" in policy["worker-src"]
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), page
    assert "<style" not in page and "googleapis" not in page


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert " style=" not in text and "<style" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template


def test_api_answers_to_an_authenticated_caller_are_not_stored(merchant, operator_admin, client):
    # A new key's secret, a webhook's signing secret and record pages were served with no
    # Cache-Control at all: a browser or a proxy was free to keep them.
    from tests.conftest import api_for, login_web

    login_web(client, operator_admin)
    created = client.post("/api/v1/api-keys/", {"name": "k"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["key"]
    assert created["Cache-Control"] == "private, no-store"
    refused = api_for(merchant).get("/api/v1/grants/999/records/")
    assert refused.status_code == 404 and refused["Cache-Control"] == "private, no-store"


def test_public_api_answers_keep_their_caching(client):
    assert "Cache-Control" not in client.get("/api/v1/catalog/search/")
