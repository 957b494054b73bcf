"""Review steps: one open step per stage, claimed once, decided once."""

import pytest
from django.utils import timezone

from apps.core.exceptions import TransitionNotAllowed
from apps.workflow import review
from apps.workflow.models import Decision, ReviewStep

pytestmark = pytest.mark.django_db


def test_opening_a_step_again_replaces_the_open_one(draft):
    first = review.step_open(draft, stage="s", assignee_role="reviewer")
    second = review.step_open(draft, stage="s")
    first.refresh_from_db()
    assert first.decision == Decision.CANCELLED
    assert review.pending_step(draft, "s") == second


def test_a_step_is_decided_once(draft, regulator):
    review.step_open(draft, stage="s")
    step = review.step_decide(
        draft, stage="s", decision=Decision.APPROVED, user=regulator, comment="ok"
    )
    assert step.decision == Decision.APPROVED and step.decided_by == regulator
    with pytest.raises(TransitionNotAllowed) as error:
        review.step_decide(draft, stage="s", decision=Decision.REJECTED, user=regulator)
    assert error.value.code == "already_decided"
    assert ReviewStep.objects.get(pk=step.pk).decision == Decision.APPROVED


def test_deciding_without_a_step_says_so(draft, regulator):
    with pytest.raises(TransitionNotAllowed) as error:
        review.step_decide(draft, stage="s", decision=Decision.APPROVED, user=regulator)
    assert error.value.code == "no_review_step"


def test_the_first_claim_stays(draft, regulator, provider):
    review.step_open(draft, stage="s")
    review.step_claim(draft, stage="s", user=regulator)
    step = review.step_claim(draft, stage="s", user=provider)
    assert step.claimed_by == regulator


def test_a_cancelled_step_cannot_be_decided(draft, regulator):
    review.step_open(draft, stage="s")
    assert review.step_cancel(draft, stage="s", comment="withdrawn") == 1
    with pytest.raises(TransitionNotAllowed) as error:
        review.step_decide(draft, stage="s", decision=Decision.APPROVED, user=regulator)
    assert error.value.code == "already_decided"


def test_the_registration_review_is_a_step_for_the_regulator(draft, provider, regulator):
    from apps.catalog import services

    services.resource_submit(resource=draft, user=provider)
    step = review.pending_step(draft, "registration")
    assert step is not None and step.assignee_role == "reviewer" and step.due_at
    services.resource_start_review(resource=draft, reviewer=regulator)
    services.resource_return(resource=draft, reviewer=regulator, note="补充字段说明")
    step.refresh_from_db()
    assert (step.decision, step.decided_by, step.comment) == (
        Decision.CHANGES_REQUESTED,
        regulator,
        "补充字段说明",
    )
    services.resource_submit(resource=draft, user=provider)
    services.resource_withdraw(resource=draft, user=provider)
    assert [s.decision for s in review.steps_for(draft)] == [
        Decision.CHANGES_REQUESTED,
        Decision.CANCELLED,
    ]


def test_the_console_shows_the_review_steps(draft, provider, regulator, web):
    from django.urls import reverse

    from apps.catalog import services
    from tests.conftest import login_web

    services.resource_submit(resource=draft, user=provider)
    login_web(web, regulator)
    page = web.get(reverse("console:registration_review", args=[draft.pk])).content.decode()
    due = timezone.localtime(review.pending_step(draft, "registration").due_at)
    assert f"{due:%Y-%m-%d}" in page
