"""Production-like error pages (DEBUG off): friendly, in both languages, right status."""

import logging
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from apps.core.views import server_error
from tests.conftest import login_web

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.error_urls"


@pytest.fixture
def visitor():
    # A 500 must reach the handler, as in production, instead of failing the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("headers", "heading"),
    [(ENGLISH, "Page not found"), (CHINESE, "页面不存在")],
)
def test_an_unknown_address_answers_the_404_page(visitor, headers, heading):
    response = visitor.get("/no-such-page/", **headers)
    assert response.status_code == 404
    page = response.content.decode()
    assert heading in page and 'id="error-404"' in page
    assert 'class="topbar"' in page  # the site's own layout, not Django's bare page


@pytest.mark.parametrize(
    ("headers", "heading"),
    [(ENGLISH, "You cannot open this page"), (CHINESE, "您无权打开此页面")],
)
def test_a_refused_page_answers_the_friendly_403_page(visitor, merchant, headers, heading):
    login_web(visitor, merchant)
    response = visitor.get("/console/", **headers)
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page and 'id="error-403"' in page


def test_the_403_page_offers_a_visitor_the_sign_in(visitor):
    from django.core.exceptions import PermissionDenied

    from apps.core.views import permission_denied

    request = RequestFactory().get("/portal/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    page = permission_denied(request, PermissionDenied()).content.decode()
    assert "/accounts/login/?next=/portal/x/" in page


@pytest.mark.parametrize(
    ("headers", "heading"),
    [(ENGLISH, "Something went wrong on our side"), (CHINESE, "服务器出错了")],
)
def test_a_fault_answers_the_500_page_without_its_details(visitor, headers, heading, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = visitor.get("/fail/", HTTP_X_REQUEST_ID="fault-ref-0001", **headers)
    assert response.status_code == 500
    page = response.content.decode()
    assert heading in page and 'id="error-500"' in page
    assert "fault-ref-0001" in page  # the reference to give the administrator
    assert "must not see" not in page and "Traceback" not in page


def test_an_api_fault_stays_a_json_error(visitor):
    response = visitor.get("/api/v1/fail/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_the_500_page_needs_no_database_or_context_processor(merchant, django_assert_num_queries):
    request = RequestFactory().get("/portal/")
    request.user = merchant  # its organization would be a query if anything touched it
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert b'id="error-500"' in response.content


def test_a_403_logs_no_traceback(visitor, merchant, caplog):
    login_web(visitor, merchant)
    with caplog.at_level(logging.DEBUG):
        assert visitor.get("/console/").status_code == 403
    assert not [record for record in caplog.records if record.exc_info]
    assert "Traceback" not in caplog.text


def _title_and_heading(page: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1].split(" · ")[0].strip()
    return title, re.search(r"<h1>(.*?)</h1>", page, re.S)[1].strip()


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE])
def test_an_error_pages_title_is_its_heading(visitor, merchant, headers, caplog):
    """The tab, the history and a screen reader name the page as its heading does."""
    from django.core.exceptions import BadRequest

    from apps.core.views import bad_request

    pages = [visitor.get("/no-such-page/", **headers).content.decode()]
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        pages.append(visitor.get("/fail/", **headers).content.decode())
    login_web(visitor, merchant)
    pages.append(visitor.get("/console/", **headers).content.decode())
    request = RequestFactory().get("/portal/x/", **headers)
    request.user = merchant
    with translation.override(headers["HTTP_ACCEPT_LANGUAGE"]):
        pages.append(bad_request(request, BadRequest()).content.decode())
    for page in pages:
        title, heading = _title_and_heading(page)
        assert title == heading, (title, heading)
