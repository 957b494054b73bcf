"""Open item D10: a JSON number (or boolean, list, object) sent where the API takes text is
a 400 `validation_error` naming the field, not read as its digits. Every writable text
field of every API serializer is the strict one (apps.core.api.serializers.CharField or
EmailField); the walk below fails when a new serializer takes DRF's own."""

import importlib
import inspect
import pkgutil

import pytest
from rest_framework import serializers

import apps
from apps.accounts.models import ApiKey
from apps.core.api.serializers import _TextOnly
from tests.conftest import api_for


def _api_serializers():
    for module_info in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".api." not in module_info.name + ".":
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.BaseSerializer) or cls.__module__ != module.__name__:
                continue
            if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
                continue  # the base class itself
            yield cls


def _writable_text_fields(serializer, path):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        where = f"{path}.{name}"
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _writable_text_fields(field, where)
            continue
        while isinstance(field, serializers.ListField | serializers.DictField):
            field, where = field.child, f"{where}[]"
        if isinstance(field, serializers.CharField):
            yield where, field


def test_every_writable_text_field_of_the_api_takes_text_only():
    found, loose = 0, []
    for cls in _api_serializers():
        try:
            serializer = cls()
        except TypeError:  # needs arguments: not an input serializer of the API
            continue
        for where, field in _writable_text_fields(serializer, cls.__qualname__):
            found += 1
            if not isinstance(field, _TextOnly):
                loose.append(f"{cls.__module__}.{where}: {type(field).__name__}")
    assert found > 50  # the walk reaches the serializers
    assert not loose, loose


@pytest.mark.django_db
@pytest.mark.parametrize("value", [123, 1e3, True, ["x"], {"a": "b"}])
def test_an_api_key_named_by_a_non_text_value_is_refused_and_not_made(merchant, value):
    before = ApiKey.objects.count()
    response = api_for(merchant).post("/api/v1/api-keys/", {"name": value}, format="json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "validation_error" and "name" in body["details"]
    assert ApiKey.objects.count() == before + 1  # api_for's own key only


@pytest.mark.django_db
def test_a_number_in_a_list_of_text_and_an_e_mail_are_refused(merchant):
    client = api_for(merchant)
    response = client.post(
        "/api/v1/api-keys/", {"name": "k", "allowed_ips": [127001]}, format="json"
    )
    assert response.status_code == 400 and "allowed_ips" in response.json()["details"]
    response = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "https://example.org/h", "event_types": [1]},
        format="json",
    )
    assert response.status_code == 400 and "event_types" in response.json()["details"]


def test_the_strict_fields_still_take_text():
    from apps.core.api.serializers import CharField, EmailField

    assert CharField().run_validation(" a ") == "a"
    assert EmailField().run_validation("a@example.org") == "a@example.org"
    with pytest.raises(serializers.ValidationError):
        EmailField().run_validation(7)
