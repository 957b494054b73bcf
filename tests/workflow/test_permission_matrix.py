"""Every registered URL pattern (API and web), with every persona: a persona per
organization kind and role, and an anonymous caller. An endpoint missing from the
matrix fails the test, so a new endpoint cannot skip the policy.

Each request runs in a savepoint that is rolled back, so every persona meets the same
objects. To (re)write the expected answers of a new endpoint, run with
POLICY_MATRIX_RECORD=/tmp/matrix.txt and review what it wrote before pasting it into
tests/workflow/permission_matrix.py.
"""

import os
import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.catalog import services as catalog
from apps.catalog.models import DatasetUpload
from apps.operators import services as operators
from tests.catalog.conftest import payload
from tests.conftest import login_web
from tests.delivery.conftest import grant_apart
from tests.workflow.permission_matrix import ADMIN_PREFIX, MATRIX, PERSONAS, parse

pytestmark = pytest.mark.django_db


def walk(patterns, prefix: str = "", namespace: str = ""):
    """(key, route) of every pattern: key is the namespaced name, or the route if unnamed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}".lstrip(":") if pattern.name else route
            yield name, route


def every_pattern() -> dict[str, str]:
    return dict(walk(get_resolver().url_patterns))


def fill(route: str, values: dict) -> str:
    path = route.replace("^", "").replace("$", "")
    # Parameters no entry names (the admin's object ids, catch-alls) get 1.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), 1)), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), path)
    return "/" + path


@pytest.fixture
def world(
    request,
    profile,
    draft_agreement,
    provider,
    operator_admin,
    merchant,
    outsider,
):
    """Objects owned by the provider, the operator and the merchant, none by the others."""
    from apps.accounts import services as accounts
    from apps.audit.models import AuditEvent

    resource = catalog.resource_create(user=provider, data=payload(name="待审资源"))
    product = _draft_product(operator_admin, request.getfixturevalue("regulator"), provider)
    catalog.resource_submit(resource=resource, user=provider)
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="merchant key"
    )
    from apps.grants.models import Holiday, RoutingRule, RuleSet
    from apps.workflow.notifications import notify

    draft = RuleSet.objects.create(version=900)
    rule = RoutingRule.objects.create(ruleset=draft, name="rule", steps={"operator": 5})
    notify(category="reminder", verb="matrix", title="merchant's", users=[merchant])
    objects = {
        "ruleset": draft,
        "rule": rule,
        "holiday": Holiday.objects.create(day="2031-10-01", name="国庆节"),
        "notification": merchant.notifications.first(),
        "resource": resource,
        "profile": profile,
        "document": profile.documents.first(),
        "agreement": draft_agreement,
        "report": operators.report_file(user=operator_admin, content="年报", year=2025),
        "upload": DatasetUpload.objects.create(
            resource=resource,
            file_path="missing.csv",
            original_name="data.csv",
            size_bytes=10,
            uploaded_by=provider,
        ),
        "key": key,
        "organization": merchant.organization,
        "user": merchant,
        "event": AuditEvent.objects.filter(target_org_id=merchant.organization_id).first(),
        **webhook_objects(merchant),
        "product": product,
        **_grant_objects(operator_admin, request.getfixturevalue("regulator"), merchant, product),
        **_records_objects(request, provider, operator_admin, merchant),
    }
    objects["alert"] = _alert(objects["records_grant"])
    return objects


def _alert(grant):
    """An open alert on the records grant (of the operator's product)."""
    from apps.delivery.models import Alert

    return Alert.objects.create(
        rule="volume", grant=grant, severity="high", window="matrix", dedupe_key="matrix"
    )


def _records_objects(request, provider, operator_admin, merchant) -> dict:
    """A grant over published data that offers exports, an export of it asked for by the
    merchant, one metered call on it and this month's statement."""
    from apps.delivery import quotas
    from apps.delivery.models import Export
    from apps.delivery.statements import statements_refresh_current

    grant = grant_apart(
        provider,
        operator_admin,
        request.getfixturevalue("regulator"),
        merchant,
        request.getfixturevalue("tmp_path"),
    )
    export = Export.objects.create(
        grant=grant,
        requested_by=merchant,
        format="csv",
        fields=["credit_code"],
        resource_id=grant.scope["sources"][0]["resource"],
    )
    quotas.meter(grant, request_id="matrix-call", rows=5, size=100)
    (statement,) = statements_refresh_current()
    return {"records_grant": grant, "records_export": export, "statement": statement}


def _grant_objects(operator_admin, regulator, merchant, draft_product) -> dict:
    """A listed product beside the draft, the merchant's applications to it (a draft and
    one in the operator's review) and a grant on it with a bound key."""
    from apps.products.models import ProductSource
    from tests.grants.worlds import grant_objects, listed_product

    source = ProductSource.objects.filter(product=draft_product).first().resource
    product = listed_product(operator_admin, regulator, draft_product.agreement, [source, source])
    return grant_objects(operator=operator_admin, merchant=merchant, product=product)


def webhook_objects(merchant) -> dict:
    """A merchant's endpoint and a failed delivery to it (rows only: no DNS look-up)."""
    from apps.webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        organization=merchant.organization,
        url="https://hooks.example.com/in",
        event_types=["webhook.ping"],
        secret="whsec_matrix",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        organization=merchant.organization,
        event_type="webhook.ping",
        status="failed",
    )
    return {"webhook_endpoint": endpoint, "webhook_delivery": delivery}


def _draft_product(operator_admin, regulator, provider):
    """A draft product of the operator, under an effective agreement of its own (the
    world's draft agreement stays a draft)."""
    from apps.products import services as products
    from tests.catalog.conftest import register
    from tests.operators.conftest import agreement_data, make_effective

    source = register(
        catalog.resource_create(user=provider, data=payload(name="产品来源")), provider, regulator
    )
    data = agreement_data(
        regulator, [source, source], scope=[{"resource": source.pk, "fields": None}]
    )
    agreement = make_effective(
        operators.agreement_create(user=operator_admin, data=data), operator_admin, regulator
    )
    return products.product_create(
        user=operator_admin,
        data={
            "agreement": agreement.pk,
            "name": "矩阵产品",
            "sources": [{"resource": source.pk, "fields": ["credit_code"]}],
            "delivery_modes": ["api_pull"],
            "scenarios": ["credit"],
            "use_type": "public_welfare",
            "terms": "条款",
        },
    )


def client_for(request, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        login_web(client, request.getfixturevalue(persona))
    return client


def call(client: Client, method: str, path: str) -> int:
    with transaction.atomic():
        response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    return response.status_code


def test_every_url_pattern_is_in_the_matrix():
    patterns = every_pattern()
    missing = [k for k in patterns if k not in MATRIX and not k.startswith(ADMIN_PREFIX)]
    stale = [k for k in MATRIX if k not in patterns]
    assert not missing, f"add these endpoints to tests/workflow/permission_matrix.py: {missing}"
    assert not stale, f"these endpoints are gone, remove them from the matrix: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_answer_the_matrix_expects_from_every_endpoint(
    request, world, persona
):
    client = client_for(request, persona)
    column = PERSONAS.index(persona)
    wrong, recorded = [], []
    for done, (key, route) in enumerate(sorted(every_pattern().items())):
        if done % 40 == 0:
            cache.clear()  # rate limits count this walk too; the test's own Redis DB only
        if key not in MATRIX and key.startswith(ADMIN_PREFIX):
            method, target, extra, expected = "GET", None, {}, [{302}] * len(PERSONAS)
        else:
            method, target, extra, expected = parse(MATRIX[key])
        values = {"pk": world[target].pk if target else 0, **extra}
        if "<id:product>" in route:
            values["product"] = values["pk"]
        if "<id:eid>" in route:
            values["eid"] = world["records_export"].pk
        if "document_id" in route:
            values["document_id"] = world["document"].pk
        values.setdefault("app_label", "accounts")
        status = call(client, method, fill(route, values))
        recorded.append((key, status))
        if status not in expected[column]:
            wrong.append(f"{method} {key} → {status}, expected {sorted(expected[column])}")
    if record := os.environ.get("POLICY_MATRIX_RECORD"):
        with open(record, "a") as out:
            out.writelines(f"{persona}\t{key}\t{status}\n" for key, status in recorded)
        return
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
