"""The operator events that exist today reach the operator's endpoints: agreement status
changes and qualification decisions, in the mover's transaction."""

import pytest
from django.db import transaction

from apps.operators import services as operators
from apps.webhooks.models import WebhookDelivery
from tests.webhooks.conftest import endpoint_for
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db

EVENTS = ["agreement.status_changed", "qualification.decided"]


def test_an_agreement_status_change_is_delivered_to_the_operator(
    loopback, draft_agreement, operator_admin, receiver, merchant
):
    endpoint_for(merchant, receiver, EVENTS)  # another organization: gets nothing
    endpoint_for(operator_admin, receiver, EVENTS)  # (the receiver holds this secret)
    operators.agreement_submit(agreement=draft_agreement, user=operator_admin, note="请审核")
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.organization_id == operator_admin.organization_id
    assert delivery.event_type == "agreement.status_changed"
    assert delivery.payload["agreement"]["number"] == draft_agreement.number
    assert (delivery.payload["from_status"], delivery.payload["to_status"]) == (
        "draft",
        "under_review",
    )
    assert (delivery.target_type, delivery.target_id) == (
        "operators.authorizationagreement",
        str(draft_agreement.pk),
    )
    run_outbox()
    (request,) = receiver.requests
    assert request["verified"] and request["json"]["data"]["to_status"] == "under_review"


def test_qualification_decisions_are_delivered_and_other_moves_are_not(
    loopback, profile, operator_admin, regulator, receiver
):
    endpoint_for(operator_admin, receiver, EVENTS)
    operators.qualification_suspend(profile=profile, reviewer=regulator, reason="检查")
    (delivery,) = WebhookDelivery.objects.filter(event_type="qualification.decided")
    assert delivery.payload["to_status"] == "suspended" and delivery.payload["note"] == "检查"


def test_a_move_that_rolls_back_sends_nothing(loopback, draft_agreement, operator_admin, receiver):
    endpoint_for(operator_admin, receiver, EVENTS)
    with pytest.raises(RuntimeError), transaction.atomic():
        operators.agreement_submit(agreement=draft_agreement, user=operator_admin)
        raise RuntimeError("the caller's transaction fails after the move")
    assert not WebhookDelivery.objects.exists()
