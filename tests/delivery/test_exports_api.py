"""The export API: who may ask, see and download; the signed link refuses another key or
person, an expired or forged token and a grant suspended since; every refusal has a code
and an audit record."""

import csv
import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import api_key_create
from apps.audit.models import AuditEvent
from apps.grants.access import key_bind
from apps.grants.issuing import grant_suspend
from tests.conftest import api_for
from tests.delivery.exporting import draft_product, run_export  # noqa: F401
from tests.delivery.test_records_access import code_of, session

pytestmark = pytest.mark.django_db


def exports_url(grant, eid=None, tail="") -> str:
    base = f"/api/v1/grants/{grant.pk}/exports/"
    return base if eid is None else f"{base}{eid}/{tail}"


def finished(client, grant, fmt="csv") -> dict:
    response = client.post(exports_url(grant), {"format": fmt}, format="json")
    assert response.status_code == 202, response.content
    assert response["Location"].endswith(exports_url(grant, response.json()["id"]))
    run_export(response.json()["id"])
    body = client.get(urlsplit(response["Location"]).path).json()
    assert body["status"] == "succeeded" and body["progress"] == 1.0
    return body


def download_path(body) -> str:
    parts = urlsplit(body["download"]["url"])
    return f"{parts.path}?{parts.query}"


def second_key(grant, merchant) -> APIClient:
    key, raw = api_key_create(organization=merchant.organization, created_by=merchant, name="k2")
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_bound_key_exports_and_downloads_through_its_signed_link(key_client, grant):
    body = finished(key_client, grant)
    response = key_client.get(download_path(body))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(text)))) == 101
    assert response["X-Watermark"] == f"wm1:grant:{grant.pk}"
    downloaded = AuditEvent.objects.filter(target_id=str(grant.pk)).get(
        action="delivery.export.download", outcome="allowed"
    )
    assert json.loads(downloaded.data)["rows"] == 101
    assert key_client.get(exports_url(grant)).json()["results"][0]["id"] == body["id"]


def test_a_link_replayed_by_another_key_or_person_is_refused(key_client, grant, merchant):
    body = finished(key_client, grant)
    link = download_path(body)
    assert code_of(second_key(grant, merchant).get(link)) == (403, "link_not_yours")
    assert code_of(session(merchant).get(link)) == (403, "link_not_yours")
    # the other key sees the export but is given no link of its own
    other = second_key(grant, merchant).get(exports_url(grant, body["id"])).json()
    assert other["download"] is None
    denials = AuditEvent.objects.filter(
        target_id=str(grant.pk), action="delivery.export.download", outcome="denied"
    )
    assert set(denials.values_list("reason", flat=True)) == {"link_not_yours"}


def test_an_expired_link_is_refused(key_client, grant, settings):
    link = download_path(finished(key_client, grant))
    later = timezone.now() + timedelta(seconds=settings.DELIVERY_EXPORT_LINK_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        assert code_of(key_client.get(link)) == (410, "link_expired")


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "", lambda t: "a:b:c"])
def test_a_forged_link_is_refused(key_client, grant, mangle):
    body = finished(key_client, grant)
    token = body["download"]["url"].split("token=")[1]
    path = exports_url(grant, body["id"], "download/")
    assert code_of(key_client.get(f"{path}?token={mangle(token)}")) == (403, "link_invalid")


def test_a_link_of_one_export_does_not_open_another(key_client, grant):
    first, second = finished(key_client, grant), finished(key_client, grant, "jsonl")
    token = first["download"]["url"].split("token=")[1]
    path = exports_url(grant, second["id"], "download/")
    assert code_of(key_client.get(f"{path}?token={token}")) == (403, "link_invalid")


def test_a_grant_suspended_after_the_export_refuses_the_download(
    key_client, grant, merchant, regulator
):
    link = download_path(finished(session(merchant), grant))
    mine = download_path(finished(key_client, grant))
    grant_suspend(grant=grant, user=regulator, reason="整改")
    assert code_of(key_client.get(mine)) == (403, "grant_suspended")
    assert code_of(session(merchant).get(link)) == (403, "grant_suspended")


def test_the_merchants_people_export_with_a_session(grant, merchant):
    body = finished(session(merchant), grant, "parquet")
    assert session(merchant).get(download_path(body)).status_code == 200


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"format": "xlsx"}, 422, "format_invalid"),
        ({"format": "csv", "fields": ["name"]}, 400, "field_unknown"),
        ({"format": "csv", "fields": "credit_code"}, 400, "validation_error"),
        ({"fields": ["credit_code"]}, 400, "validation_error"),
        ({"format": "csv", "source": "x"}, 400, "validation_error"),
    ],
)
def test_hostile_requests_get_a_code_and_write_nothing(key_client, grant, payload, status, code):
    response = key_client.post(exports_url(grant), payload, format="json")
    assert code_of(response) == (status, code)
    assert key_client.get(exports_url(grant)).json()["results"] == []


def test_a_grant_without_bulk_export_refuses_exports(key_client, grant):
    grant.scope["delivery_modes"] = ["api_pull"]
    grant.save(update_fields=["scope"])
    response = key_client.post(exports_url(grant), {"format": "csv"}, format="json")
    assert code_of(response) == (403, "export_not_allowed")


def test_too_many_open_exports_of_one_grant_are_refused(key_client, grant, settings):
    settings.DELIVERY_EXPORTS_OPEN_PER_GRANT = 1
    assert key_client.post(exports_url(grant), {"format": "csv"}, format="json").status_code == 202
    response = key_client.post(exports_url(grant), {"format": "csv"}, format="json")
    assert code_of(response) == (429, "exports_busy")


def test_outsiders_see_no_endpoint(key_client, grant, outsider):
    body = finished(key_client, grant)
    paths = [exports_url(grant), exports_url(grant, body["id"]), download_path(body)]
    for path in paths:
        assert session(outsider).get(path).status_code == 404
        assert api_for(outsider).get(path).status_code == 404
        assert APIClient().get(path).status_code in (401, 403)
    assert session(outsider).post(paths[0], {"format": "csv"}).status_code == 404
    assert APIClient().post(paths[0], {"format": "csv"}).status_code in (401, 403)


def test_the_operator_and_the_regulator_read_the_history_only(
    key_client, grant, operator_admin, regulator, provider
):
    body = finished(key_client, grant)
    for user in (operator_admin, regulator):
        client = api_for(user)
        listed = client.get(exports_url(grant)).json()
        assert [e["id"] for e in listed["results"]] == [body["id"]], listed
        detail = client.get(exports_url(grant, body["id"])).json()
        assert detail["status"] == "succeeded" and detail["download"] is None
        assert code_of(client.post(exports_url(grant), {"format": "csv"}, format="json")) == (
            403,
            "not_grant_holder",
        )
        assert code_of(client.get(download_path(body))) == (403, "not_grant_holder")
    # a provider sees the grant on its data, not the merchant's exports (as for sandbox
    # history: 403, audited)
    denied = AuditEvent.objects.filter(outcome="denied").count()
    assert code_of(api_for(provider).get(exports_url(grant)))[0] == 403
    assert code_of(api_for(provider).get(exports_url(grant, body["id"])))[0] == 403
    assert AuditEvent.objects.filter(outcome="denied").count() == denied + 2


def test_a_key_bound_to_another_grant_cannot_reach_these_exports(key_client, grant):
    path = f"/api/v1/grants/{grant.pk + 1000}/exports/"
    assert code_of(key_client.post(path, {"format": "csv"}, format="json")) == (
        403,
        "key_bound_to_grant",
    )


def test_an_export_request_one_field_at_a_time(key_client, grant, merchant):
    from tests.security.test_api_one_field import sweep

    # given a request the grant's key may make: every granted field, as JSON Lines
    body = {"format": "jsonl", "fields": ["credit_code", "legal_rep"], "source": grant.scope[
        "sources"][0]["resource"]}  # fmt: skip
    # when each field gets each hostile value alone: never a 500, every 4xx with a code
    assert sweep(merchant, exports_url(grant), body, client=key_client) > 60
