"""What a newcomer meets first: the public home, forms that explain themselves, pages that
say what happened and where to go next."""

from io import StringIO

import pytest
from django import forms
from django.core.management import call_command
from django.utils import timezone

from apps.accounts import services as accounts
from apps.catalog import services
from apps.catalog.models import DataResource
from apps.core.exceptions import InvalidInput
from apps.core.forms import add_domain_error
from apps.operators.models import AuthorizationAgreement
from apps.workflow.models import StatusHistory
from tests.catalog.conftest import payload
from tests.conftest import login_web
from tests.factories import PASSWORD, totp_device
from tests.portal.test_resource_pages import form_data

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_a_public_home_with_search_and_the_ways_in(web):
    response = web.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ('action="/catalog/"', 'href="/products/"', 'href="/disclosure/"'):
        assert link in page
    assert 'href="/accounts/login/"' in page


def test_a_signed_in_member_goes_on_to_the_portal(web, provider):
    login_web(web, provider)
    assert web.get("/")["Location"] == "/portal/"


def test_a_superuser_without_an_organization_is_shown_the_admin_and_the_console(web):
    admin = accounts.user_create(
        username="root", password=PASSWORD, email="root@example.org", is_superuser=True
    )
    totp_device(admin)
    login_web(web, admin)
    page = web.get("/", follow=True).content.decode()
    assert 'id="admin-link"' in page and 'href="/console/"' in page
    assert "不属于任何组织" not in page and "does not belong" not in page


def test_the_superuser_enrolling_its_authenticator_is_not_called_a_regulator(web):
    admin = accounts.user_create(
        username="root", password=PASSWORD, email="root@example.org", is_superuser=True
    )
    login_web(web, admin, verify_otp=False)
    page = web.get("/accounts/otp/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    why = page.split('id="otp-why">')[1].split("</p>")[0]
    assert "This account must use an authenticator app" in why and "Regulator" not in why


def test_a_new_resource_has_no_classification_until_one_is_chosen(web, provider):
    login_web(web, provider)
    page = web.get("/portal/resources/new/").content.decode()
    assert '<option value="" selected>' in page
    response = web.post("/portal/resources/new/", form_data(classification=""))
    assert response.status_code == 200
    assert response.context["form"].errors["classification"]
    assert not DataResource.objects.exists()


def test_without_javascript_add_a_field_returns_more_rows_and_saves_nothing(web, provider):
    login_web(web, provider)
    response = web.post("/portal/resources/new/", form_data(name="", add_rows="1"))
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 6
    assert not response.context["form"].errors  # no complaint about the empty name yet
    assert 'name="fields-5-name"' in response.content.decode()
    assert not DataResource.objects.exists()


def test_every_form_field_uses_the_browsers_date_picker_and_the_servers_messages(
    web, operator_admin, provider
):
    login_web(web, provider)
    page = web.get("/portal/resources/new/").content.decode()
    assert 'type="date" name="temporal_start"' in page
    assert "<form" in page and all("novalidate" in f for f in page.split("<form")[1:])


def test_nested_service_details_read_as_sentences_not_python(rf):
    class Form(forms.Form):
        resources = forms.CharField()

    form = Form(data={"resources": "x"})
    form.is_valid()
    error = InvalidInput(details={"scope": {"5": ["核心数据不得授权。"]}})
    add_domain_error(
        form, error, rf.post("/"), aliases={"scope": "resources"}, names={"5": "电子病历"}
    )
    assert form.errors["resources"] == ["电子病历: 核心数据不得授权。"]
    assert "{" not in str(form.errors)


def test_a_merchant_who_objects_lands_on_a_page_it_can_see(web, provider, regulator, merchant):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    services.resource_start_review(resource=resource, reviewer=regulator)
    services.resource_approve(resource=resource, reviewer=regulator)
    login_web(web, merchant)
    response = web.post(f"/portal/resources/{resource.pk}/object/", {"reason": "涉及个人信息"})
    assert response["Location"] == "/catalog/"
    assert web.get(response["Location"]).status_code == 200


def test_after_a_decision_the_card_says_what_who_and_when(web, provider, regulator):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    login_web(web, regulator)
    web.post(f"/console/registrations/{resource.pk}/start/")
    web.post(f"/console/registrations/{resource.pk}/approve/", {"note": "材料齐全"})
    page = web.get(f"/console/registrations/{resource.pk}/").content.decode()
    card = page.split('id="last-decision"')[1].split("</p>")[0]
    assert "公示" in card and regulator.username in card and "材料齐全" in card
    assert timezone.localtime().strftime("%Y-%m-%d") in card


def test_the_english_ui_shows_english_names(web, provider, regulator):
    from tests.catalog.conftest import register

    register(services.resource_create(user=provider, data=payload()), provider, regulator)
    resource = DataResource.objects.get()
    page = web.get("/catalog/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert resource.name_en in page and resource.name not in page.split("<main>")[1]


def test_seed_demo_dates_nothing_in_the_future(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    now = timezone.now()
    assert not DataResource.objects.filter(registered_at__gt=now).exists()
    assert not AuthorizationAgreement.objects.filter(effective_at__gt=now).exists()
    assert not StatusHistory.objects.filter(created_at__gt=now).exists()


def test_yes_and_no_read_capitalized_on_an_english_resource_page(web, provider):
    """A value cell reads "Yes", "No" on an English page, as its label does ("yes" and
    "no" are words on their own there, not the end of a sentence)."""
    resource = services.resource_create(user=provider, data=payload())
    login_web(web, provider)
    page = web.get(f"/portal/resources/{resource.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "<dd>Yes</dd>" in text  # in scope for authorized operation
    assert "<td>No</td>" in text and "<td>no</td>" not in text  # a field may not be empty
