"""On an English page an organization, product or resource is named by its English name
where it has one (apps.core.names.local_name), and the punctuation that differs between
the two languages follows the page: full-width parentheses on a Chinese page."""

import pytest
from django.conf import settings

from apps.catalog.models import ResourceField
from apps.console import figures
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def english(web):
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return web


def revenue_section(page: str) -> str:
    section = page[page.index('id="figure-revenue"') :]
    return section[: section.index("</section>")]


def test_the_dashboard_names_each_agreements_operator_in_the_pages_language(
    web, regulator, effective
):
    # given an agreement in force of an operator with a Chinese and an English name
    operator = effective.operator
    assert operator.name != operator.name_en
    figures.dashboard_refresh()
    login_web(web, regulator)
    # when the regulator reads the dashboard in Chinese, the revenue row names it in Chinese
    chinese = revenue_section(web.get("/console/").content.decode())
    assert f"{effective.number} · {operator.name}" in chinese
    # and in English, by its English name (the Chinese one nowhere in the section)
    section = revenue_section(english(web).get("/console/").content.decode())
    assert f"{effective.number} · {operator.name_en}" in section
    assert operator.name not in section


def test_a_snapshot_stored_without_the_english_name_still_shows_the_chinese_one(
    web, regulator, effective
):
    # given today's snapshot as stored before the English name was kept (six items a row)
    snapshot = figures.dashboard_refresh()
    snapshot.figures["revenue"]["agreements"] = [
        row[:6] for row in snapshot.figures["revenue"]["agreements"]
    ]
    snapshot.save(update_fields=["figures"])
    login_web(web, regulator)
    # then the English page still renders, with the name it has
    section = revenue_section(english(web).get("/console/").content.decode())
    assert f"{effective.number} · {effective.operator.name}" in section


def test_an_organizations_page_is_headed_by_its_english_name_in_english(web, regulator, effective):
    operator = effective.operator
    login_web(web, regulator)
    page = english(web).get(f"/console/organizations/{operator.pk}/").content.decode()
    assert f"<h1>{operator.name_en}" in page
    # the Chinese name stays on the record, as a fact of it
    assert operator.name in page


def test_the_product_form_offers_the_agreements_resources_by_their_english_names(
    web, operator_admin, effective
):
    login_web(web, operator_admin)
    page = english(web).get("/portal/products/new/").content.decode()
    for row in effective.scope.select_related("resource"):
        assert f">{row.resource.name_en}</option>" in page
        assert f">{row.resource.name}</option>" not in page
    # and the masking help is English (it was formatted in Chinese when the module loaded)
    assert "One line per field" in page and "每行一个字段" not in page


def test_field_labels_follow_the_language_and_asides_take_full_width_parentheses(web, effective):
    # given a field with an English label, of a registered resource in the agreement
    resource = effective.scope.first().resource
    ResourceField.objects.filter(resource=resource, name="legal_rep").update(
        label_en="Legal representative"
    )
    # then the public catalog page labels it in English on the English page
    assert "Legal representative" in english(web).get(f"/catalog/{resource.pk}/").content.decode()
    # and on the Chinese disclosure page the version is in full-width parentheses
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert f"{effective.number}（第 1 版）" in web.get("/disclosure/").content.decode()
    assert f"{effective.number} (version 1)" in english(web).get("/disclosure/").content.decode()
