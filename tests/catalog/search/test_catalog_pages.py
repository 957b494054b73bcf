"""The public catalog pages: anonymous, signed-in, outsider, English, no data rows."""

import pytest

from apps.catalog.models import DataResource
from tests.catalog.search.factories import make_resource
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(provider):
    return make_resource(
        provider,
        "企业登记信息",
        name_en="Enterprise registration",
        description="全市企业登记的基本信息",
        fields=[("credit_code", "统一社会信用代码", "18 位代码")],
        themes=["ECON"],
    )


@pytest.fixture
def draft(provider):
    return make_resource(provider, "企业年报草稿", status="draft")


def test_anonymous_visitor_searches_and_filters(web, registered, draft):
    page = web.get("/catalog/", {"q": "企业"}).content.decode()
    assert "企业登记信息" in page and "企业年报草稿" not in page
    assert "?q=%E4%BC%81%E4%B8%9A&amp;theme=ECON" in page  # a facet link with its count
    filtered = web.get("/catalog/", {"q": "企业", "theme": "TRAN"}).content.decode()
    assert "企业登记信息" not in filtered


def test_detail_page_shows_metadata_and_fields_but_no_rows(web, registered):
    page = web.get(f"/catalog/{registered.pk}/").content.decode()
    assert "credit_code" in page and "统一社会信用代码" in page and "18 位代码" in page


def test_anonymous_visitor_and_outsider_get_404_for_a_draft(web, outsider, draft):
    assert web.get(f"/catalog/{draft.pk}/").status_code == 404
    login_web(web, outsider)
    assert web.get(f"/catalog/{draft.pk}/").status_code == 404
    assert "企业年报草稿" not in web.get("/catalog/", {"q": "企业"}).content.decode()


def test_provider_and_regulator_see_their_draft(web, provider, regulator, draft):
    login_web(web, provider)
    assert "企业年报草稿" in web.get("/catalog/", {"q": "企业"}).content.decode()
    assert web.get(f"/catalog/{draft.pk}/").status_code == 200
    web.post("/accounts/logout/")
    login_web(web, regulator)
    assert web.get(f"/catalog/{draft.pk}/").status_code == 200


def test_english_page_after_the_language_switch(web, registered):
    web.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    page = web.get("/catalog/").content.decode()
    assert '<html lang="en">' in page and "Enterprise registration" in page
    assert "Economy and finance" in page  # the theme facet in English


def test_paging_links_walk_through_every_resource(web, provider):
    for i in range(25):
        make_resource(provider, f"交通{i}")
    first = web.get("/catalog/").content.decode()
    assert "交通24" in first and "交通4" not in first and 'rel="next"' in first
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = web.get("/catalog/" + next_url.replace("&amp;", "&")).content.decode()
    assert "交通4" in second and "交通24" not in second and 'rel="next"' not in second


def test_bad_filter_values_and_cursors_are_ignored(web, registered):
    response = web.get("/catalog/", {"classification": "secret", "cursor": "!!"})
    assert response.status_code == 200 and "企业登记信息" in response.content.decode()


def test_login_page_links_to_the_catalog_and_nav_shows_it(web, merchant):
    assert 'href="/catalog/"' in web.get("/accounts/login/").content.decode()
    login_web(web, merchant)
    assert 'href="/catalog/"' in web.get("/portal/").content.decode()


def test_unknown_resource_is_404(web):
    assert web.get(f"/catalog/{DataResource.objects.count() + 999}/").status_code == 404
