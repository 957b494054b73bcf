"""Refusals that DRF raises before a view's own checks (content negotiation, a body that
does not parse or validate) are audited too, as denied, with their code: probing with
malformed requests leaves a trace and counts towards the denial-burst alert."""

import pytest

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def denials(code: str):
    return AuditEvent.objects.filter(outcome="denied", reason=code)


def test_a_record_request_in_a_format_the_api_does_not_write_is_audited(key_client, grant):
    response = key_client.get(f"/api/v1/grants/{grant.pk}/records/", HTTP_ACCEPT="text/html")
    assert (response.status_code, response.json()["code"]) == (406, "not_acceptable")
    [event] = denials("not_acceptable")
    assert event.actor_type == "api_key" and event.actor_id == str(key_client.key.pk)
    assert f"/api/v1/grants/{grant.pk}/records/" in event.data


@pytest.mark.parametrize(
    ("body", "code"),
    [({"format": None}, "validation_error"), ({"format": "csv", "fieldz": []}, "unknown_field")],
)
def test_an_export_body_that_does_not_validate_is_audited(key_client, grant, body, code):
    response = key_client.post(f"/api/v1/grants/{grant.pk}/exports/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert denials(code).count() == 1


def test_a_body_that_is_not_json_is_audited(key_client, grant):
    response = key_client.post(
        f"/api/v1/grants/{grant.pk}/exports/", "{bad", content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")
    assert denials("malformed_json").count() == 1
