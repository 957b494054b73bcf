import pytest

from apps.catalog import services
from apps.catalog.models import DataResource
from tests.browser.test_sign_in_journeys import sign_in
from tests.catalog.conftest import payload, register
from tests.conftest import current_totp
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_searches_the_public_catalog_in_chinese(page, provider, regulator):
    register(services.resource_create(user=provider, data=payload()), provider, regulator)
    register(
        services.resource_create(
            user=provider,
            data=payload(name="道路交通流量", description="车流量", tags=["交通"]),
        ),
        provider,
        regulator,
    )
    page.goto("/accounts/login/")
    page.click("#public-catalog")
    page.fill("#q", "企业")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator(".result h2").all_inner_texts()
    assert results == ["企业登记信息"]
    with page.expect_navigation():
        page.click(".result h2 a")
    assert "统一社会信用代码" in page.content()  # the field list, never data rows


def test_a_provider_registers_a_resource_and_the_regulator_approves_it(page, provider, regulator):
    # the provider describes and submits
    sign_in(page, provider.username, PASSWORD)
    page.goto("/portal/resources/new/")
    page.fill("#id_name", "空气质量日报")
    page.select_option("#id_update_frequency", "daily")
    page.select_option("#id_classification", "general")
    page.fill("#id_fields-0-name", "station")
    page.fill("#id_fields-0-label", "监测站")
    page.click("button.primary")
    page.wait_for_url("**/portal/resources/*/")
    with page.expect_navigation():
        page.click("#submit-registration")
    resource = DataResource.objects.get(name="空气质量日报")
    assert resource.status == "submitted"
    # the regulator reviews and approves: public notice starts
    page.context.clear_cookies()
    sign_in(page, regulator.username, PASSWORD)
    page.fill("#id_token", current_totp(regulator))
    page.click("button.primary")
    page.wait_for_url("**/console/")
    page.goto(f"/console/registrations/{resource.pk}/")
    with page.expect_navigation():
        page.click("#start-review")
    with page.expect_navigation():
        page.click("#approve")
    resource.refresh_from_db()
    assert resource.status == "public_notice"
    assert "公示" in page.content()
