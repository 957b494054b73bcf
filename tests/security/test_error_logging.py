"""A 403 is one warning line; a 500 answers the JSON error shape and logs one traceback
with the request id."""

import logging

import pytest
from django.test import Client

from apps.core.logging import RequestContextFilter
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def filtered(records):
    request_filter = RequestContextFilter()
    return [record for record in records if request_filter.filter(record)]


def test_a_forbidden_page_logs_one_warning_line_without_a_traceback(web, merchant, caplog):
    login_web(web, merchant)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert web.get("/console/").status_code == 403
    records = filtered([r for r in caplog.records if r.name == "django.request"])
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "Traceback" not in logging.Formatter().format(records[0])


def test_an_api_500_answers_json_and_logs_one_traceback_with_the_request_id(monkeypatch, caplog):
    from apps.audit import signing

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(signing, "key_id", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/audit/public-key/", HTTP_X_REQUEST_ID="probe-request-1")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert response["X-Request-ID"] == "probe-request-1"
    errors = filtered([r for r in caplog.records if r.levelno >= logging.ERROR])
    assert len(errors) == 1 and errors[0].exc_info
    line = logging.Formatter("[%(request_id)s] %(message)s").format(errors[0])
    assert line.startswith("[probe-request-1]") and line.count("Traceback") == 1
