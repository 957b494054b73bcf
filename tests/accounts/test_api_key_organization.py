"""An API key acts for the organization it was issued to, not for wherever its creator
is now: a creator who leaves takes the key's power with them (the key is revoked)."""

import pytest
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.choices import Role
from apps.accounts.models import ApiKey, Membership
from apps.accounts.services import CREATOR_LEFT
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def issued(merchant):
    return services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )


def test_a_merchants_key_acts_for_the_merchant_organization(issued, merchant):
    _key, raw = issued
    body = bearer(raw).get("/api/v1/me/").json()
    assert body["organization"]["id"] == merchant.organization_id


def test_a_key_whose_creator_moved_to_the_outsiders_organization_is_revoked(
    issued, merchant, outsider
):
    key, raw = issued
    Membership.objects.filter(user=merchant).update(organization=outsider.organization)

    response = bearer(raw).get("/api/v1/api-keys/")

    assert response.status_code == 401
    assert response.json()["code"] == "api_key_revoked"
    key.refresh_from_db()
    assert key.is_revoked and key.revoke_reason == CREATOR_LEFT
    event = AuditEvent.objects.get(action="api_key.revoke", target_id=str(key.pk))
    assert event.target_org_id == merchant.organization_id
    assert event.actor_type == "system"


def test_a_moved_creators_key_cannot_create_keys_in_the_outsiders_organization(
    issued, merchant, outsider
):
    _key, raw = issued
    Membership.objects.filter(user=merchant).update(organization=outsider.organization)

    response = bearer(raw).post("/api/v1/api-keys/", {"name": "stolen"}, format="json")

    assert response.status_code == 401
    assert not ApiKey.objects.filter(organization=outsider.organization).exists()


def test_a_key_whose_creator_left_every_organization_is_revoked(issued, merchant):
    key, raw = issued
    Membership.objects.filter(user=merchant).delete()

    assert bearer(raw).get("/api/v1/me/").status_code == 401
    key.refresh_from_db()
    assert key.is_revoked


def test_a_key_acts_with_its_creators_current_role_in_its_organization(issued, merchant):
    _key, raw = issued
    Membership.objects.filter(user=merchant).update(role=Role.MEMBER)

    response = bearer(raw).post("/api/v1/api-keys/", {"name": "more"}, format="json")

    assert response.status_code == 403
