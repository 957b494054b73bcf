"""Review steps: open one when an object waits for a decision, claim it when a reviewer
starts, decide it once.

A decision is a compare-and-swap: `UPDATE ... WHERE id = %s AND decision = 'pending'`.
Of two reviewers deciding the same step at once exactly one UPDATE changes a row; the
other gets TransitionNotAllowed(code="already_decided"), whatever locks the caller holds.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import TransitionNotAllowed
from apps.workflow.models import Decision, ReviewStep


def _of(obj: Model) -> QuerySet[ReviewStep]:
    return ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def steps_for(obj: Model) -> QuerySet[ReviewStep]:
    """Every review step of the object, oldest first."""
    return _of(obj).select_related("decided_by", "claimed_by", "assignee_organization")


def pending_step(obj: Model, stage: str) -> ReviewStep | None:
    return _of(obj).filter(stage=stage, decision=Decision.PENDING).first()


def step_open(
    obj: Model,
    *,
    stage: str,
    assignee_organization_id: int | None = None,
    assignee_role: str = "",
    due_at: datetime | None = None,
) -> ReviewStep:
    """Opens the stage's step for `obj`; an earlier open one of the same stage is
    cancelled first (a resubmission replaces the step it answers)."""
    step_cancel(obj, stage=stage, comment=_("Replaced by a new step."))
    return ReviewStep.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        stage=stage,
        assignee_organization_id=assignee_organization_id,
        assignee_role=assignee_role,
        due_at=due_at,
    )


def _require_pending(obj: Model, stage: str) -> ReviewStep:
    step = _of(obj).filter(stage=stage).order_by("-id").first()
    if step is None:
        raise TransitionNotAllowed(_("Nothing waits for review."), code="no_review_step")
    if step.decision != Decision.PENDING:
        raise TransitionNotAllowed(
            _("This review has already been decided."),
            code="already_decided",
            details={"decision": step.decision},
        )
    return step


def step_claim(obj: Model, *, stage: str, user) -> ReviewStep:
    """A reviewer takes the pending step (start of review). Claiming again by anyone is
    harmless: the first claim stays (compare-and-swap on `claimed_at IS NULL`)."""
    step = _require_pending(obj, stage)
    ReviewStep.objects.filter(pk=step.pk, decision=Decision.PENDING, claimed_at=None).update(
        claimed_by=user, claimed_at=timezone.now()
    )
    step.refresh_from_db()
    return step


def step_decide(obj: Model, *, stage: str, decision: str, user, comment: str = "") -> ReviewStep:
    """Decides the stage's pending step once. Raises TransitionNotAllowed with code
    `already_decided` if another decision got there first, `no_review_step` if none."""
    if decision == Decision.PENDING or decision not in Decision.values:
        raise ValueError(f"not a decision: {decision!r}")
    step = _require_pending(obj, stage)
    now = timezone.now()
    changed = ReviewStep.objects.filter(pk=step.pk, decision=Decision.PENDING).update(
        decision=decision, decided_by=user, decided_at=now, comment=comment or ""
    )
    if changed != 1:
        raise TransitionNotAllowed(
            _("This review has already been decided."), code="already_decided"
        )
    step.decision, step.decided_by, step.decided_at, step.comment = decision, user, now, comment
    return step


def step_cancel(obj: Model, *, stage: str, comment: str = "") -> int:
    """Closes the stage's open step without a decision (withdrawn, terminated, lapsed)."""
    return (
        _of(obj)
        .filter(stage=stage, decision=Decision.PENDING)
        .update(decision=Decision.CANCELLED, decided_at=timezone.now(), comment=comment or "")
    )


def steps_cancel_all(obj: Model, *, comment: str = "") -> int:
    """Closes every open step of the object at once (withdrawn, finished elsewhere)."""
    return (
        _of(obj)
        .filter(decision=Decision.PENDING)
        .update(decision=Decision.CANCELLED, decided_at=timezone.now(), comment=comment or "")
    )
