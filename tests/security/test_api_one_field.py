"""The API's creating endpoints, one hostile value in one field at a time.

The fuzzer (test_fuzz_api.py) writes whole bodies at random, so a body it sends is
nearly always refused by the first field it gets wrong: a value that only the database
or a service refuses (an agreement starting in 9998, a price of 0.001 yuan) hides behind
that refusal. Here each endpoint starts from a body it accepts, and each field (and each
key of a nested object) gets each of HOSTILE alone, the rest as they were. The answer is
never a 500, and a 4xx is JSON with a `code`. Every request runs in a savepoint rolled
back after it, so each starts from the same world.
"""

import json

import pytest
from django.db import transaction

from tests.catalog.conftest import payload
from tests.conftest import api_for
from tests.grants.conftest import application_data
from tests.grants.conftest import listed as listed
from tests.operators.conftest import agreement_data
from tests.products.conftest import (  # noqa: F401 (fixtures)
    _files_dir,
    draft_agreement,
    draft_product,
    effective,
    in_review,
    product_data,
    profile,
    resources,
)
from tests.webhooks.conftest import loopback, receiver  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HOSTILE = [
    None, True, -1, 0, 2**70, -(2**70), 1e308, 0.001, "", "x" * 100_000, "1e30", "0.001",
    "NaN", "9999-12-31", "0001-01-01", "2026-02-30", "<script>alert(1)</script>",
    "'; DROP TABLE grants_grant; --", [], {}, [[[]]], ["x"] * 1000, {"a": {"b": {}}},
]  # fmt: skip


def jsonable(data):
    return json.loads(json.dumps(data, default=str))


def variants(body: dict):
    """(where, body) with one hostile value: each top-level field, and each key of the
    first object of a list of objects (a product's sources, an agreement's scope)."""
    for name, value in body.items():
        for bad in HOSTILE:
            yield name, {**body, name: bad}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for key in value[0]:
                for bad in HOSTILE:
                    yield f"{name}[0].{key}", {**body, name: [{**value[0], key: bad}, *value[1:]]}


def sweep(user, url: str, body: dict, method: str = "post", client=None) -> int:
    """Sends `body` (which must be accepted), then each of its `variants`, as `user` (or
    with `client`, a key's, say); returns how many variants were sent."""
    client = client if client is not None else api_for(user)
    send = getattr(client, method)
    with transaction.atomic():
        accepted = send(url, body, format="json")
        transaction.set_rollback(True)
    assert accepted.status_code in (200, 201, 202), (url, accepted.content[:300])
    failures, sent = [], 0
    for where, hostile in variants(body):
        sent += 1
        with transaction.atomic():
            response = send(url, hostile, format="json")
            transaction.set_rollback(True)
        shown = f"{where}={str(hostile.get(where.split('[')[0]))[:60]}"
        if response.status_code >= 500:
            failures.append(f"{method} {url} {shown} -> {response.status_code}")
        elif response.status_code >= 400 and "code" not in response.json():
            failures.append(f"{method} {url} {shown} -> {response.status_code} without a code")
    assert not failures, "\n".join(failures)
    return sent


def test_an_agreement_one_field_at_a_time(profile, operator_admin, regulator, resources):  # noqa: F811
    body = jsonable(agreement_data(regulator, resources))
    assert sweep(operator_admin, "/api/v1/operators/agreements/", body) > 200


def test_a_product_one_field_at_a_time(effective, operator_admin, resources):  # noqa: F811
    body = jsonable(product_data(effective, resources))
    assert sweep(operator_admin, "/api/v1/products/", body) > 300


def test_an_application_one_field_at_a_time(listed, merchant):
    body = jsonable(application_data(listed))
    assert sweep(merchant, "/api/v1/applications/", body) > 300


def test_a_resource_one_field_at_a_time(provider):
    assert sweep(provider, "/api/v1/catalog/resources/", payload()) > 300


def test_an_api_key_one_field_at_a_time(merchant):
    from rest_framework.test import APIClient

    signed_in = APIClient()  # keys are made by a person, not by a key
    signed_in.force_login(merchant)
    from datetime import timedelta

    from django.utils import timezone

    expires = (timezone.now() + timedelta(days=30)).isoformat()  # not a date that passes
    body = {"name": "k", "expires_at": expires, "allowed_ips": []}
    assert sweep(merchant, "/api/v1/api-keys/", body, client=signed_in) > 50


# The drafts' edits (PATCH), from the same accepted bodies.


def test_a_draft_agreement_edited_one_field_at_a_time(
    draft_agreement,  # noqa: F811
    operator_admin,
    regulator,
    resources,  # noqa: F811
):
    body = jsonable(agreement_data(regulator, resources))
    url = f"/api/v1/operators/agreements/{draft_agreement.pk}/"
    assert sweep(operator_admin, url, body, method="patch") > 200


def test_a_draft_product_edited_one_field_at_a_time(
    draft_product,  # noqa: F811
    effective,  # noqa: F811
    operator_admin,
    resources,  # noqa: F811
):
    body = jsonable(product_data(effective, resources))
    url = f"/api/v1/products/{draft_product.pk}/"
    assert sweep(operator_admin, url, body, method="patch") > 300


def test_a_draft_application_edited_one_field_at_a_time(listed, merchant):
    from apps.grants.applications import application_create

    body = {k: v for k, v in jsonable(application_data(listed)).items() if k != "product"}
    draft = application_create(user=merchant, data=application_data(listed))
    assert sweep(merchant, f"/api/v1/applications/{draft.pk}/", body, method="patch") > 250


def test_a_draft_resource_edited_one_field_at_a_time(provider):
    from apps.catalog import services

    draft = services.resource_create(user=provider, data=payload())
    url = f"/api/v1/catalog/resources/{draft.pk}/"
    assert sweep(provider, url, payload(), method="patch") > 300


def test_a_webhook_endpoint_one_field_at_a_time(loopback, receiver, merchant):  # noqa: F811
    body = {
        "url": receiver.url,
        "event_types": ["agreement.status_changed"],
        "description": "x",
        "active": True,
    }
    assert sweep(merchant, "/api/v1/webhooks/endpoints/", body) > 80


def test_a_webhook_endpoint_edited_one_field_at_a_time(loopback, receiver, merchant):  # noqa: F811
    from tests.webhooks.conftest import endpoint_for

    endpoint = endpoint_for(merchant, receiver)[0]
    body = {"description": "改", "event_types": ["agreement.status_changed"], "active": False}
    url = f"/api/v1/webhooks/endpoints/{endpoint.pk}/"
    assert sweep(merchant, url, body, method="patch") > 60
