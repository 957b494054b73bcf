"""Two reviewers deciding the same step at once over the API, on PostgreSQL with real
threads: exactly one decision, one audit event, one status move; the other reviewer
gets 409 `already_decided`."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.choices import OrganizationKind, Role
from apps.grants.choices import ApplicationStatus as A
from apps.grants.models import Grant
from apps.workflow import review
from apps.workflow.history import history_for
from tests.factories import member
from tests.grants.conftest import run_checks, submitted
from tests.workflow.test_concurrency import events

pytestmark = pytest.mark.django_db(transaction=True)


def racing_posts(calls):
    """POSTs from threads released together; returns the responses."""
    barrier = threading.Barrier(len(calls))
    responses = []

    def run(user, path, body):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            responses.append(client.post(path, body, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.parametrize("second_decision", ["approved", "rejected"])
def test_two_reviewers_deciding_one_step_at_once_give_one_decision(
    listed, merchant, operator_admin, second_decision
):
    colleague = member(
        OrganizationKind.OPERATOR, role=Role.REVIEWER,
        organization=operator_admin.organization, username="operator_reviewer",
    )  # fmt: skip
    application = submitted(listed, merchant)
    run_checks(application)
    step = review.steps_for(application).get(decision="pending")
    path = f"/api/v1/applications/{application.pk}/decide/"
    responses = racing_posts(
        [
            (operator_admin, path, {"step": step.pk, "decision": "approved", "comment": "A"}),
            (colleague, path, {"step": step.pk, "decision": second_decision, "comment": "B"}),
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.json() for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "already_decided"
    step.refresh_from_db()
    application.refresh_from_db()
    assert step.decision in {"approved", second_decision}
    assert application.status == (A.APPROVED if step.decision == "approved" else A.REJECTED)
    assert Grant.objects.filter(application=application).count() == (
        1 if step.decision == "approved" else 0
    )
    assert events(application, "grants.accessapplication.decide") == 1
    moves = [h.to_status for h in history_for(application)]
    assert moves.count(application.status) == 1


def test_one_key_bound_to_two_grants_at_once_serves_one(grant, listed, merchant, operator_admin):
    """Found in review: each bind locked only its own grant, and one of ten at once met
    the unique binding as a 500. Now one 201, the rest 422 `key_already_bound`."""
    from apps.grants.models import GrantKey
    from tests.grants.conftest import issued, keyed

    other = issued(listed, merchant, operator_admin)
    _client, key = keyed(merchant)
    calls = [
        (merchant, f"/api/v1/grants/{target.pk}/keys/", {"api_key": key.pk})
        for target in [grant, other] * 4
    ]
    responses = racing_posts(calls)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [422] * 7, [r.content[:200] for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 422} == {"key_already_bound"}
    assert GrantKey.objects.filter(api_key=key).count() == 1
