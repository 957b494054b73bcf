"""Provider pages for resources and the regulator's review pages, through the same services."""

import pytest

from apps.catalog import services
from apps.catalog.models import DataResource
from tests.catalog.conftest import payload, register
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "交通流量",
        "name_en": "Traffic flow",
        "update_frequency": "daily",
        "data_format": "csv",
        "classification": "general",
        "general_grade": "1",
        "open_type": "conditional",
        "in_operation_scope": "on",
        "themes": ["TRAN"],
        "tags": "交通, 流量",
        "fields-TOTAL_FORMS": "3",
        "fields-INITIAL_FORMS": "0",
        "fields-0-name": "road_id",
        "fields-0-label": "路段编号",
        "fields-0-data_type": "string",
        "fields-0-personal_info": "none",
        "fields-0-masking": "none",
        "fields-1-name": "plate_no",
        "fields-1-label": "车牌号",
        "fields-1-data_type": "string",
        "fields-1-personal_info": "personal",
        "fields-1-masking": "none",
    }
    data.update(overrides)
    return data


def test_a_provider_describes_a_resource_on_the_web(web, provider):
    login_web(web, provider)
    response = web.post("/portal/resources/new/", form_data())
    resource = DataResource.objects.get(name="交通流量")
    assert response.url == f"/portal/resources/{resource.pk}/"
    assert resource.tags == ["交通", "流量"]
    assert resource.fields.get(name="plate_no").masking == "partial"
    assert "交通流量" in web.get("/portal/resources/").content.decode()


def test_business_rule_errors_show_on_the_form_and_save_nothing(web, provider):
    login_web(web, provider)
    response = web.post(
        "/portal/resources/new/",
        form_data(**{"fields-1-name": "road_id", "classification": "important"}),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "general_grade" in form.errors
    assert "road_id" in str(form.non_field_errors())
    assert not DataResource.objects.exists()


@pytest.mark.parametrize("tags", ["x" * 51, ", ".join(f"t{i}" for i in range(31))])
def test_tags_the_api_would_refuse_are_a_form_error_on_the_web(web, provider, tags):
    # The API takes 30 tags of 50 characters; the form's text was split into any.
    login_web(web, provider)
    response = web.post("/portal/resources/new/", form_data(tags=tags))
    assert response.status_code == 200
    assert "tags" in response.context["form"].errors
    assert not DataResource.objects.exists()


def test_a_provider_submits_and_the_regulator_approves_on_the_web(web, client, provider, regulator):
    resource = services.resource_create(user=provider, data=payload())
    login_web(web, provider)
    web.post(f"/portal/resources/{resource.pk}/submit/")
    resource.refresh_from_db()
    assert resource.status == "submitted"
    login_web(client, regulator)
    assert resource.name in client.get("/console/registrations/").content.decode()
    client.post(f"/console/registrations/{resource.pk}/start/")
    client.post(f"/console/registrations/{resource.pk}/approve/", {"note": "通过"})
    resource.refresh_from_db()
    assert resource.status == "public_notice"


def test_the_regulator_must_say_why_when_returning(client, provider, regulator):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    login_web(client, regulator)
    response = client.post(
        f"/console/registrations/{resource.pk}/return/", {"note": ""}, follow=True
    )
    resource.refresh_from_db()
    assert resource.status == "submitted"
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_another_organization_objects_during_public_notice_on_the_web(
    web, provider, regulator, merchant
):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    services.resource_start_review(resource=resource, reviewer=regulator)
    services.resource_approve(resource=resource, reviewer=regulator)
    login_web(web, merchant)
    page = web.get(f"/portal/resources/{resource.pk}/").content.decode()
    assert "/object/" in page
    web.post(f"/portal/resources/{resource.pk}/object/", {"reason": "涉及个人信息"})
    resource.refresh_from_db()
    assert resource.status == "under_review"


def test_a_registered_resource_is_changed_through_a_proposal(web, provider, regulator):
    resource = register(
        services.resource_create(user=provider, data=payload()), provider, regulator
    )
    login_web(web, provider)
    web.post(f"/portal/resources/{resource.pk}/follow-up/", {"kind": "change"})
    response = web.post(
        f"/portal/resources/{resource.pk}/edit/?kind=change",
        form_data(name="企业登记信息（新）", **{"fields-TOTAL_FORMS": "2"}),
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "企业登记信息" and resource.registration_kind == "change"
    assert resource.metadata_versions.get(pending=True).snapshot["name"] == "企业登记信息（新）"


def test_outsiders_get_404_on_drafts_and_403_on_the_console(web, provider, outsider):
    resource = services.resource_create(user=provider, data=payload())
    login_web(web, outsider)
    for url in [f"/portal/resources/{resource.pk}/", f"/portal/resources/{resource.pk}/edit/"]:
        assert web.get(url).status_code == 404, url
    for action in ["submit", "withdraw", "follow-up", "object"]:
        assert (
            web.post(
                f"/portal/resources/{resource.pk}/{action}/", {"kind": "renewal", "reason": "x"}
            ).status_code
            == 404
        )
    assert web.get("/console/registrations/").status_code == 403
    assert web.post(f"/console/registrations/{resource.pk}/approve/").status_code == 403
    resource.refresh_from_db()
    assert resource.status == "draft"


def test_anonymous_visitors_are_sent_to_sign_in_for_resource_pages(web, provider):
    resource = services.resource_create(user=provider, data=payload())
    for url in [
        "/portal/resources/",
        "/portal/resources/new/",
        f"/portal/resources/{resource.pk}/",
        "/console/registrations/",
    ]:
        assert web.get(url).status_code == 302, url


def test_the_regulator_reaches_the_masked_preview_from_the_review_page(client, provider, regulator):
    from apps.catalog.demo import _ingest
    from apps.catalog.demo_data import enterprise_rows

    resource = services.resource_create(
        user=provider,
        data=payload(
            fields=[
                {"name": "credit_code", "label": "统一社会信用代码"},
                {
                    "name": "legal_rep",
                    "label": "法定代表人",
                    "personal_info": "personal",
                    "masking": "name",
                },
            ]
        ),
    )
    rows = [
        {"credit_code": r["credit_code"], "legal_rep": r["legal_rep"]} for r in enterprise_rows(5)
    ]
    _ingest(resource, iter(rows))
    services.resource_submit(resource=resource, user=provider)
    login_web(client, regulator)
    page = client.get(f"/console/registrations/{resource.pk}/").content.decode()
    assert f'href="/portal/resources/{resource.pk}/preview/"' in page
    preview = client.get(f"/portal/resources/{resource.pk}/preview/")
    assert preview.status_code == 200
    shown = preview.content.decode()
    assert rows[0]["credit_code"] in shown  # not personal: shown as is
    assert not any(r["legal_rep"] in shown for r in rows if len(r["legal_rep"]) > 1)
    assert rows[0]["legal_rep"][0] + "*" in shown  # the family name stays


@pytest.mark.parametrize("count", ["501", "99999999999999999999"])
def test_a_forged_field_count_is_a_form_error_not_a_thousand_forms(web, provider, count):
    login_web(web, provider)
    response = web.post("/portal/resources/new/", form_data(**{"fields-TOTAL_FORMS": count}))
    assert response.status_code == 200
    formset = response.context["formset"]
    page = response.content.decode()
    assert "500" in page  # the limit is said
    assert page.count('name="fields-') < 500 * 12  # never a page of a thousand rows
    assert len(formset.forms) <= 500 and formset.non_form_errors()
    assert not DataResource.objects.exists()


def test_the_api_refuses_more_fields_than_a_resource_may_have(provider):
    from tests.conftest import api_for

    data = payload()
    data["fields"] = [{"name": f"f{i}", "data_type": "string"} for i in range(501)]
    response = api_for(provider).post("/api/v1/catalog/resources/", data, format="json")
    assert response.status_code == 400 and response.json()["code"]
    assert not DataResource.objects.exists()
