"""Inputs found by fuzzing and by hand (issue 9): each is a 4xx with a stable code, fast."""

import base64
import json
import time

import pytest

from apps.catalog import services
from tests.catalog.conftest import payload
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db

CKAN = "/api/3/action/package_search"
FORGED = base64.b64encode(b"p=x").decode()


def test_returning_a_resource_with_an_empty_body_is_a_4xx_not_a_type_error(provider, regulator):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    services.resource_start_review(resource=resource, reviewer=regulator)
    for user in (provider, regulator):
        response = api_for(user).post(
            f"/api/v1/catalog/resources/{resource.pk}/return/", {}, format="json"
        )
        assert 400 <= response.status_code < 500
        assert response.json()["code"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalog/resources/",
        "/api/v1/operators/agreements/",
        "/api/v1/audit/events/",
        "/api/v1/audit/events/timeline/?target_type=catalog.dataresource&target_id=1",
    ],
)
@pytest.mark.parametrize("cursor", [FORGED, "!!!", base64.b64encode(b"p=1&r=x").decode()])
def test_a_forged_cursor_is_400_invalid_cursor(regulator, url, cursor):
    response = api_for(regulator).get(url + ("&" if "?" in url else "?") + f"cursor={cursor}")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_position_beyond_bigint_is_400(regulator):
    cursor = base64.b64encode(b"p=99999999999999999999").decode()
    response = api_for(regulator).get("/api/v1/catalog/resources/", {"cursor": cursor})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_the_search_cursor_beyond_bigint_is_400(api):
    cursor = base64.urlsafe_b64encode(b"0:99999999999999999999").decode()
    response = api.get("/api/v1/catalog/search/", {"cursor": cursor})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def ckan_error(response, status=400):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["success"] is False
    return body["error"]


def test_package_search_refuses_a_nul_in_q(api):
    assert ckan_error(api.get(CKAN + "?q=%00"))["code"] == "nul_character"
    body = json.dumps({"q": "a\u0000b"})
    assert ckan_error(api.post(CKAN, body, content_type="application/json"))["code"]


def test_platform_api_refuses_a_nul_in_a_query_parameter(api):
    response = api.get("/api/v1/catalog/resources/?status=%00")
    assert response.status_code == 400 and response.json()["code"] == "nul_character"


@pytest.mark.parametrize("key", ["start", "rows", "facet.limit", "facet.mincount"])
def test_package_search_range_checks_paging_numbers(api, key):
    error = ckan_error(api.get(CKAN, {key: "99999999999999999999"}))
    assert error["code"] == "out_of_range"


def test_package_list_range_checks_offset_and_limit(api):
    for key in ("offset", "limit"):
        response = api.get("/api/3/action/package_list", {key: "99999999999999999999"})
        assert ckan_error(response)["code"] == "out_of_range"


def test_deeply_nested_fq_is_refused_fast(api):
    started = time.monotonic()
    error = ckan_error(api.get(CKAN, {"fq": "(" * 1500 + "tags:a" + ")" * 1500}))
    assert error["code"] == "invalid_query"
    nested = "(" * 20 + "tags:a" + ")" * 20
    assert ckan_error(api.get(CKAN, {"fq": nested}))["code"] == "invalid_query"
    assert time.monotonic() - started < 1.0


def test_fq_with_too_many_or_terms_is_refused(api):
    fq = " OR ".join(f"tags:t{i}" for i in range(200))
    assert ckan_error(api.get(CKAN, {"fq": fq}))["code"] == "invalid_query"


def test_repeated_facet_fields_count_once(api):
    response = api.post(CKAN, {"facet.field": ["tags"] * 60_000, "rows": 0}, format="json")
    assert response.status_code == 200
    assert list(response.json()["result"]["facets"]) == ["tags"]


def test_json_body_nested_100000_deep_is_400(operator_admin):
    started = time.monotonic()
    response = api_for(operator_admin).post(
        "/api/v1/api-keys/", data="[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"
    assert time.monotonic() - started < 2.0


def test_json_body_with_an_escaped_nul_is_400(operator_admin):
    response = api_for(operator_admin).post(
        "/api/v1/api-keys/", data='{"name": "a\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "nul_character"


def test_ckan_post_body_nested_deep_is_a_ckan_400(api):
    response = api.post(CKAN, data="[" * 100_000, content_type="application/json")
    assert ckan_error(response)["code"] == "json_too_deep"


def test_json_nan_is_refused_not_stored(operator_admin):
    response = api_for(operator_admin).post(
        "/api/v1/api-keys/", data='{"name": NaN}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"


@pytest.mark.parametrize(
    "url", ["/console/uploads/?q=%00", "/console/alerts/?grant=a%00b", "/portal/alerts/?grant=%00"]
)
def test_a_web_page_refuses_a_nul_in_a_query_parameter_with_the_400_page(client, regulator, url):
    login_web(client, regulator)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert response["Content-Security-Policy"]  # the error page has the usual headers


def test_a_reason_with_a_nul_behind_an_action_button_is_refused_and_changes_nothing(
    client, regulator, operator_admin, settings, tmp_path
):
    from apps.operators.models import OperatorProfile
    from tests.operators.conftest import qualify

    settings.OPERATORS_FILES_DIR = tmp_path
    profile = qualify(operator_admin, regulator)
    login_web(client, regulator)
    response = client.post(f"/console/operators/{profile.pk}/suspend/", {"reason": "a\x00b"})
    assert response.status_code == 422
    assert OperatorProfile.objects.get(pk=profile.pk).status == profile.status


def test_a_note_with_a_nul_on_a_new_routing_draft_is_flashed_and_nothing_is_made(client, regulator):
    from apps.grants.models import RuleSet

    before = RuleSet.objects.count()
    login_web(client, regulator)
    response = client.post("/console/routing/new/", {"note": "a\x00b"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert RuleSet.objects.count() == before


# A local moment at +08:00 (Asia/Shanghai) before 08:00 on 0001-01-01 has no UTC equivalent:
# naive values were taken as local time unchecked and failed in the query (OverflowError).
BEFORE_YEAR_ONE = ["0001-01-01T00:00:00", "0001-01-01", "0001-01-01 07:59"]


@pytest.mark.parametrize("moment", BEFORE_YEAR_ONE)
def test_an_api_key_expiring_before_year_one_is_a_400(merchant, moment):
    response = api_for(merchant).post(
        "/api/v1/api-keys/", {"name": "x", "expires_at": moment}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "validation_error"
    assert "expires_at" in response.json()["details"]


@pytest.mark.parametrize("moment", BEFORE_YEAR_ONE)
@pytest.mark.parametrize("name", ["since", "until"])
def test_audit_events_from_before_year_one_are_a_400_and_a_form_error(
    client, regulator, moment, name
):
    response = api_for(regulator).get("/api/v1/audit/events/", {name: moment})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "validation_error"
    login_web(client, regulator)
    page = client.get("/console/audit/", {name: moment})
    assert page.status_code == 200
    assert page.context["form"].errors[name]


def test_ids_beyond_bigint_in_a_body_or_a_query_are_a_400(operator_admin, regulator):
    # SQLite (make run) cannot bind them in a foreign-key filter: OverflowError, a 500.
    huge = 10**30
    body = {"title": "t", "mode": "overall", "authority": huge, "term_start": "2026-01-01",
            "term_end": "2027-01-01"}  # fmt: skip
    response = api_for(operator_admin).post("/api/v1/operators/agreements/", body, format="json")
    assert response.status_code == 400 and "authority" in response.json()["details"]
    response = api_for(regulator).get("/api/v1/audit/events/", {"organization": huge})
    assert response.status_code == 400 and "organization" in response.json()["details"]


@pytest.mark.parametrize(
    "fq",
    [
        "metadata_modified:[0001-01-01T00:00:00+08:00 TO *]",
        "metadata_created:[* TO 9999-12-31T23:59:59-08:00]",
    ],
)
def test_package_search_dates_with_no_utc_equivalent_are_a_search_query_error(api, fq):
    # On SQLite (make run) the query's conversion to UTC raised OverflowError: a 500.
    error = ckan_error(api.get(CKAN, {"fq": fq}))
    assert error["code"] == "invalid_query" and "Date out of range" in error["message"]


def test_an_organization_id_beyond_bigint_on_the_audit_page_is_a_form_error(client, regulator):
    # SQLite (make run) cannot bind it in the foreign-key filter: OverflowError, a 500.
    login_web(client, regulator)
    page = client.get("/console/audit/", {"organization": "9" * 30})
    assert page.status_code == 200 and page.context["form"].errors["organization"]


# An action that takes no body parsed none, so it ran on whatever came: malformed JSON
# marked every notification read (200) where any other endpoint answers 400.
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "malformed_json"),
        ('{"ids": [1]}', "unknown_field"),
        ("[1, 2]", "validation_error"),
        ("null", "validation_error"),
        ('{"a": "\\u0000"}', "nul_character"),
    ],
)
def test_mark_all_read_refuses_a_body_it_cannot_take_and_marks_nothing(merchant, body, code):
    from apps.audit.models import AuditEvent
    from apps.workflow.models import Notification
    from tests.workflow.test_notifications import tell

    tell([merchant])
    client = api_for(merchant)
    response = client.post(
        "/api/v1/notifications/read-all/", data=body, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == code
    assert Notification.objects.filter(recipient=merchant, read_at__isnull=True).count() == 1
    denial = AuditEvent.objects.filter(outcome="denied", reason=code).latest("id")
    assert denial.action == "api.notification.read_all"
    response = client.post("/api/v1/notifications/read-all/", {}, format="json")
    assert response.json() == {"marked": 1}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/webhooks/endpoints/{id}/rotate-secret/",
        "/api/v1/webhooks/endpoints/{id}/test-ping/",
    ],
)
def test_a_webhook_action_without_a_body_refuses_malformed_json_and_changes_nothing(
    operator_admin, settings, path
):
    from apps.webhooks import services as webhooks
    from apps.webhooks.models import WebhookDelivery, WebhookEndpoint

    settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK = True
    endpoint, _secret = webhooks.endpoint_create(
        user=operator_admin, url="http://127.0.0.1:9/hook", event_types=["webhook.ping"]
    )
    before = (WebhookEndpoint.objects.get(pk=endpoint.pk).secret, WebhookDelivery.objects.count())
    response = api_for(operator_admin).post(
        path.format(id=endpoint.pk), data="{oops", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    after = (WebhookEndpoint.objects.get(pk=endpoint.pk).secret, WebhookDelivery.objects.count())
    assert after == before
