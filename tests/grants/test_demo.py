"""seed_demo's applications and grant: idempotent, dated no later than now, and the key
it prints is bound to the demo grant."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.models import AccessApplication, ApplicationMessage, Grant, GrantKey
from apps.workflow import review

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def test_seed_demo_gives_a_grant_with_a_printed_key_and_an_application_waiting_on_changes():
    first = seed()
    counts = [m.objects.count() for m in (AccessApplication, Grant, GrantKey, ApplicationMessage)]
    second = seed()  # idempotent
    assert counts == [
        m.objects.count() for m in (AccessApplication, Grant, GrantKey, ApplicationMessage)
    ]
    # an active grant of the automatic product, with one bound key printed last with curl
    grant = Grant.objects.get(merchant__code="merchant-a", product__use_type="public_welfare")
    assert grant.status == G.ACTIVE and grant.application.route["automatic"] is True
    binding = GrantKey.objects.get(grant=grant)
    line = next(x for x in first.splitlines() if x.strip().startswith("key (shown once):"))
    raw = line.split(":", 1)[1].strip()
    assert binding.api_key.prefix in raw
    assert f'curl -H "Authorization: Bearer {raw}"' in first.splitlines()[-1]
    assert f"/api/v1/grants/{grant.pk}/" in first.splitlines()[-1]
    assert raw not in second and "<key>" in second
    # the key is real and reads only its grant
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = client.get("/api/v1/catalog/resources/")
    assert refused.status_code == 403 and refused.json()["code"] == "key_bound_to_grant"
    # merchant-b's application waits on the operator's change request, with a thread
    waiting = AccessApplication.objects.get(merchant__code="merchant-b")
    assert waiting.status == A.CHANGES_REQUESTED
    step = review.steps_for(waiting).get(decision="changes_requested")
    assert step.comment
    authors = list(waiting.messages.values_list("author__username", flat=True))
    assert {"merchant-b", "operator-reviewer"} <= set(authors) and len(authors) >= 3
    # merchant-a also holds the industrial product, reviewed step by step: sandbox queries
    # and exports over masked personal fields; the output says where to go for each
    reviewed = Grant.objects.get(merchant__code="merchant-a", product__use_type="industrial")
    assert reviewed.status == G.ACTIVE and reviewed.application.route["automatic"] is False
    steps = review.steps_for(reviewed.application)
    assert steps.count() >= 2 and {s.decision for s in steps} == {"approved"}
    assert {"sandbox_only", "bulk_export"} <= set(reviewed.scope["delivery_modes"])
    for path in ("data/", "exports/", "sandbox/"):
        assert f"/portal/grants/{reviewed.pk}/{path}" in first
    assert f"/portal/grants/{grant.pk}/data/" in first
    # nothing is dated in the future
    now = timezone.now()
    for application in AccessApplication.objects.all():
        assert application.created_at <= now and application.submitted_at <= now
    assert grant.starts_at <= now and binding.bound_at <= now
    assert not ApplicationMessage.objects.filter(created_at__gt=now).exists()
