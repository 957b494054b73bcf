"""Beat (task `grants.timers`): reminders before a review step's deadline, escalation to
the regulator after it, and the expiry of grants whose term is over.

Each reminder and escalation is claimed by a compare-and-swap on the step
(`reminded_at`/`escalated_at` IS NULL), so two beats or a rerun send each once.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind, Role
from apps.grants.approval import step_kind
from apps.grants.choices import GrantStatus, StepKind
from apps.grants.issuing import grant_expire
from apps.grants.links import page_for
from apps.grants.models import AccessApplication, Grant
from apps.workflow.models import Decision, ReviewStep
from apps.workflow.notifications import NotificationCategory, Phrase, notify
from apps.workflow.transitions import record_change


def _pending_steps():
    return ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        decision=Decision.PENDING,
        due_at__isnull=False,
    )


def _application(step: ReviewStep) -> AccessApplication | None:
    return (
        AccessApplication.objects.select_related("product__agreement")
        .filter(pk=step.object_id)
        .first()
    )


def remind(now=None) -> int:
    """Tells the step's reviewers that its deadline is near (once per step)."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.GRANTS_REMINDER_HOURS)
    sent = 0
    for step in _pending_steps().filter(reminded_at=None, due_at__gt=now, due_at__lte=soon):
        if not ReviewStep.objects.filter(pk=step.pk, reminded_at=None).update(reminded_at=now):
            continue
        application = _application(step)
        if application is None:
            continue
        kind = step_kind(step)
        notify(
            category=NotificationCategory.REMINDER,
            verb="grants.application.step_due",
            title=Phrase(
                gettext_lazy("Review of application #%(id)d is due %(due)s"),
                id=application.pk,
                due=f"{timezone.localtime(step.due_at):%Y-%m-%d %H:%M}",
            ),
            organization=step.assignee_organization_id,
            roles=[Role.ADMIN, step.assignee_role],
            obj=application,
            link=page_for(_org_kind(kind), "application", application.pk),
            key=f"step-due-{step.pk}",
        )
        sent += 1
    return sent


def _org_kind(kind: str) -> str:
    return {
        StepKind.OPERATOR: OrganizationKind.OPERATOR,
        StepKind.PROVIDER: OrganizationKind.PROVIDER,
    }.get(kind, OrganizationKind.REGULATOR)


def escalate(now=None) -> int:
    """Overdue steps go to the regulator that signed the agreement (once per step)."""
    now = now or timezone.now()
    sent = 0
    for step in _pending_steps().filter(escalated_at=None, due_at__lt=now):
        with transaction.atomic():
            if not ReviewStep.objects.filter(pk=step.pk, escalated_at=None).update(
                escalated_at=now
            ):
                continue
            application = _application(step)
            if application is None:
                continue
            authority = application.product.agreement.authority_id
            record_change(
                None,
                "grants.accessapplication.escalate",
                application,
                data={"step": step.pk, "stage": step.stage, "due_at": step.due_at.isoformat()},
            )
            notify(
                category=NotificationCategory.REVIEW,
                verb="grants.application.step_overdue",
                title=Phrase(
                    gettext_lazy("Overdue review: application #%(id)d (%(step)s)"),
                    id=application.pk,
                    step=StepKind(step_kind(step)).label,
                ),
                body=Phrase(
                    gettext_lazy("Due %(due)s; assigned to %(org)s."),
                    due=f"{timezone.localtime(step.due_at):%Y-%m-%d %H:%M}",
                    org=step.assignee_organization,
                ),
                organization=authority,
                roles=[Role.ADMIN, Role.REVIEWER],
                obj=application,
                link=page_for(OrganizationKind.REGULATOR, "application", application.pk),
                key=f"step-overdue-{step.pk}",
            )
            sent += 1
    return sent


def expire(now=None) -> int:
    now = now or timezone.now()
    due = Grant.objects.filter(
        status__in=[GrantStatus.ACTIVE, GrantStatus.SUSPENDED], ends_at__lte=now
    )
    return sum(1 for grant in due if grant_expire(grant))


def run() -> dict:
    return {"reminded": remind(), "escalated": escalate(), "expired": expire()}
