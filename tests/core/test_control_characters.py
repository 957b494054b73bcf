"""Control characters in text input (apps.core.controls): a single-line value (a name, a
title, a code, a tag, a username) holds none, tab and line breaks included; a multi-line
one (a description, a note, a reason) keeps tab and line breaks only. Refused with a form
error on the web and a 400 `control_character` on the API, and nothing is written."""

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from rest_framework import serializers

from apps.accounts.models import ApiKey, Organization
from apps.audit.models import AuditEvent
from apps.catalog.models import DataResource
from apps.core import controls
from apps.core.api.serializers import CharField, EmailField, TextField
from apps.core.forms import NoteForm
from apps.webhooks.models import WebhookEndpoint
from tests.catalog.conftest import payload
from tests.conftest import api_for, login_web
from tests.portal.test_resource_pages import form_data

# ESC, the right-to-left override, the line separator, tab; DEL, a C1 control (NEL), a bidi
# isolate, a line break at the end (refused, not stripped), a form feed.
SINGLE_LINE_REFUSED = [
    "a\x1bb", "a\u202eb", "a\u2028b", "a\tb", "a\x7fb", "a\x85b", "a\u2066b", "ab\n", "a\x0cb",
]  # fmt: skip
MULTI_LINE_REFUSED = ["a\x1bb", "a\u202eb", "a\u2028b", "a\x0bb", "a\x9bb"]
FINE = ["数据资源 Data resource", "企业（2024）— A/B #1", "naïve café ½"]


class _Form(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)


# --- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", SINGLE_LINE_REFUSED)
def test_a_form_refuses_control_characters_in_a_single_line_field(value):
    form = _Form({"name": value})
    assert not form.is_valid()
    assert form.errors.as_data()["name"][0].code == controls.CODE
    assert (
        f"U+{ord(controls.control_character(value, multiline=False)):04X}"
        in (form.errors["name"][0])
    )


@pytest.mark.parametrize("value", MULTI_LINE_REFUSED)
def test_a_form_refuses_control_characters_but_tab_and_line_breaks_in_a_textarea(value):
    form = _Form({"name": "x", "note": value})
    assert not form.is_valid() and list(form.errors) == ["note"]
    assert form.errors.as_data()["note"][0].code == controls.CODE


@pytest.mark.parametrize("value", FINE)
def test_ordinary_chinese_and_english_text_passes(value):
    form = _Form({"name": value, "note": f"{value}\n\t第二行\r\n第三行"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == value
    assert form.cleaned_data["note"] == f"{value}\n\t第二行\r\n第三行"
    assert CharField().run_validation(value) == value
    assert TextField().run_validation(f"{value}\n\tz") == f"{value}\n\tz"


def test_every_kind_of_form_text_field_is_covered():
    assert getattr(forms.CharField.to_python, "refuses_controls", False)
    assert not _Form({"name": "x", "email": "a\u202e@example.org"}).is_valid()
    login = AuthenticationForm(data={"username": "a\x1b", "password": "p\tw"})
    assert not login.is_valid()
    assert {"username", "password"} <= set(login.errors)
    note = NoteForm({"note": "第一行\n\t第二行"})
    assert note.is_valid() and note.cleaned_data["note"] == "第一行\n\t第二行"
    assert not NoteForm({"note": "a\u2029b"}).is_valid()


def test_nul_keeps_djangos_own_refusal_and_a_disabled_field_is_left_alone():
    form = _Form({"name": "a\x00b"})
    assert not form.is_valid()
    assert form.errors.as_data()["name"][0].code == "null_characters_not_allowed"
    disabled = _Form({"name": "x"}, initial={"note": "stored\x1b"})
    disabled.fields["note"].disabled = True
    assert disabled.is_valid()


@pytest.mark.parametrize("value", SINGLE_LINE_REFUSED)
def test_the_api_text_fields_refuse_control_characters(value):
    for field in (CharField(), EmailField(), serializers.ListField(child=CharField())):
        with pytest.raises(serializers.ValidationError) as refused:
            field.run_validation([value] if isinstance(field, serializers.ListField) else value)
        assert controls.CODE in str(refused.value.get_codes())
    if value.strip(" \t\n\r") != value or "\t" in value:
        assert TextField().run_validation(value) == value.strip()
    else:
        with pytest.raises(serializers.ValidationError):
            TextField().run_validation(value)


def test_blank_text_of_control_characters_is_refused_not_taken_as_empty():
    with pytest.raises(serializers.ValidationError):
        CharField(allow_blank=True).run_validation("\u2028")
    assert not _Form({"name": "\t"}).is_valid()


# --- the API -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["a\x1bb", "a\u202eb", "a\u2028b", "a\tb"])
def test_an_api_key_named_with_a_control_character_is_a_400_and_not_made(merchant, value):
    client = api_for(merchant)
    before = ApiKey.objects.count()
    response = client.post("/api/v1/api-keys/", {"name": value}, format="json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "control_character"
    assert list(body["details"]) == ["name"] and "U+" in body["details"]["name"][0]
    assert ApiKey.objects.count() == before
    assert AuditEvent.objects.filter(reason="control_character").exists()


@pytest.mark.django_db
def test_a_resource_through_the_api_single_and_multi_line_fields(provider):
    client = api_for(provider)
    base = "/api/v1/catalog/resources/"
    for bad in (
        {"name": "企业\u202e登记"},
        {"tags": ["企业", "登\u2028记"]},
        {"description": "第一行\x1b"},
        {"fields": [{"name": "credit_code", "label": "代码\t"}]},
    ):
        response = client.post(base, payload(**bad), format="json")
        assert response.status_code == 400, (bad, response.content[:300])
        assert response.json()["code"] == "control_character"
        assert set(response.json()["details"]) == set(bad)
    assert not DataResource.objects.exists()
    made = client.post(base, payload(description="第一行\n\t第二行"), format="json")
    assert made.status_code == 201, made.json()
    assert DataResource.objects.get().description == "第一行\n\t第二行"


@pytest.mark.django_db
def test_another_problem_beside_a_control_character_is_a_validation_error(merchant):
    response = api_for(merchant).post(
        "/api/v1/webhooks/endpoints/",
        {"url": "https://example.org/h", "description": "a\tb", "event_types": []},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"description", "event_types"} <= set(body["details"])
    assert not WebhookEndpoint.objects.exists()


def test_a_query_parameter_with_a_control_character_is_a_400(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/catalog/search/", {"q": "交通\x1b"})
    assert response.status_code == 400 and response.json()["code"] == "control_character"
    assert APIClient().get("/api/v1/catalog/search/", {"q": "交通"}).status_code == 200


# --- the web -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["交通\x1b流量", "交通\u202e", "交通\u2028流量", "交通\t流量"])
def test_a_resource_named_with_a_control_character_on_the_web_is_a_form_error(web, provider, value):
    login_web(web, provider)
    response = web.post("/portal/resources/new/", form_data(name=value))
    assert response.status_code == 200
    assert "U+" in str(response.context["form"].errors["name"])
    refused = web.post("/portal/resources/new/", form_data(**{"fields-0-label": value}))
    assert refused.status_code == 200
    assert not DataResource.objects.exists()
    made = web.post("/portal/resources/new/", form_data(description="第一行\r\n第二行"))
    assert made.status_code == 302
    assert DataResource.objects.get().description == "第一行\r\n第二行"


@pytest.mark.django_db
def test_console_and_portal_forms_refuse_control_characters(web, regulator, merchant):
    login_web(web, regulator)
    response = web.post(
        "/console/organizations/new/",
        {"name": "新数据商\u202e", "code": "new-merchant", "kind": "merchant"},
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors
    response = web.post(
        "/console/organizations/new/",
        {"name": "新数据商", "code": "new\tmerchant", "kind": "merchant"},
    )
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not Organization.objects.filter(name__startswith="新数据商").exists()

    from django.test import Client

    portal = login_web(Client(), merchant)
    before = ApiKey.objects.count()
    response = portal.post("/portal/api-keys/", {"name": "key\x1b", "expires_in_days": "30"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert ApiKey.objects.count() == before


@pytest.mark.django_db
def test_a_note_behind_an_action_button_keeps_line_breaks_and_refuses_controls(web, regulator):
    from apps.grants.models import RuleSet

    login_web(web, regulator)
    before = RuleSet.objects.count()
    response = web.post("/console/routing/new/", {"note": "收紧\x1b"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "U+001B" in str(next(iter(response.context["messages"])))
    assert RuleSet.objects.count() == before
    web.post("/console/routing/new/", {"note": "收紧\n个人信息"})
    assert RuleSet.objects.count() == before + 1
    assert RuleSet.objects.order_by("-pk").first().note == "收紧\n个人信息"
