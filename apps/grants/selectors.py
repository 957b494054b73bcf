"""Reads of routing rules and the calendar, scoped to the caller."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import ApiKey
from apps.core.permissions import VIEW
from apps.grants.access import refusal
from apps.grants.approval import STAGE_PREFIX, may_decide
from apps.grants.choices import RuleSetStatus
from apps.grants.defaults import default_specs
from apps.grants.facts import product_fields
from apps.grants.models import AccessApplication, Grant, Holiday, RuleSet
from apps.grants.routing import Route, route
from apps.workflow import policy, review
from apps.workflow.history import history_for
from apps.workflow.models import Decision, ReviewStep


def ruleset_list(*, user):
    return RuleSet.objects.restrict(user, VIEW).select_related("created_by", "published_by")


def active_ruleset() -> RuleSet | None:
    """The published version with the highest number: the one routing uses now (its
    version is recorded on each routing decision)."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-version").first()


def holiday_list(*, user, year: int | None = None):
    rows = Holiday.objects.restrict(user, VIEW)
    return rows.filter(day__year=year) if year else rows


def route_now(facts) -> tuple[RuleSet | None, Route]:
    """The route `facts` get under the active version (the built-in rules when nothing
    is published), with the version to record on the routing decision."""
    ruleset = active_ruleset()
    return ruleset, route(facts, ruleset if ruleset is not None else default_specs())


# Applications, review queues and grants ----------------------------------------------


def application_list(*, user, status: str = "", product=None, kind: str = "", q: str = ""):
    """The applications `user` may read, newest first, filtered."""

    rows = AccessApplication.objects.restrict(user, VIEW).select_related(
        "product", "product__operator", "merchant"
    )
    if status:
        rows = rows.filter(status=status)
    if product:
        rows = rows.filter(product_id=product)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(
            Q(product__name__icontains=q) | Q(merchant__name__icontains=q) | Q(purpose__icontains=q)
        )
    return rows.order_by("-id")


QUEUES = ("mine", "overdue", "all")


def review_queue(
    *, user, queue: str = "mine", product=None, step: str = "", status: str = "", q: str = ""
):
    """Open review steps of applications, oldest deadline first. `mine`: the steps the
    caller may decide; `overdue`: of those (every visible one for the regulator), the
    ones past their deadline; `all`: every open step on applications the caller reads.
    Filters: the application's product, status and text (as application_list), the
    step's kind."""

    visible = application_list(user=user, status=status, product=product, q=q).values("pk")
    steps = ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        decision=Decision.PENDING,
        object_id__in=visible,
    ).select_related("assignee_organization")
    mine = Q(assignee_organization_id=getattr(user, "organization_id", None))
    if getattr(user, "role", None) != Role.ADMIN:
        mine &= Q(assignee_role=getattr(user, "role", None))
    if queue == "mine":
        steps = steps.filter(mine)
    elif queue == "overdue":
        steps = steps.filter(due_at__lt=timezone.now())
        if getattr(user, "org_kind", None) != OrganizationKind.REGULATOR:
            steps = steps.filter(mine)
    if step:
        steps = steps.filter(
            Q(stage=f"{STAGE_PREFIX}{step}") | Q(stage__startswith=f"{STAGE_PREFIX}{step}.")
        )
    return steps.order_by("due_at", "id")


def pending_steps_of(applications) -> dict:
    """The open step of each application on a page, by application id (one query)."""

    rows = ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        decision=Decision.PENDING,
        object_id__in=[a.pk for a in applications],
    ).select_related("assignee_organization")
    return {step.object_id: step for step in rows}


def applications_of_steps(steps) -> dict:
    """The applications behind a page of steps, by id (one query)."""

    ids = [step.object_id for step in steps]
    rows = AccessApplication.objects.filter(pk__in=ids).select_related("product", "merchant")
    return {a.pk: a for a in rows}


def application_messages(application):
    return application.messages.select_related("author", "author_organization")


def application_history(*, user, application) -> list:
    return policy.visible_history(user, application, history_for(application))


def application_detail(*, user, application) -> dict:
    """What a page or the API shows of one application to `user` (a party)."""

    steps = list(review.steps_for(application))
    pending = next((s for s in steps if s.decision == "pending"), None)
    return {
        "application": application,
        "fields": product_fields(application.product),
        "steps": steps,
        "pending_step": pending,
        "may_decide": bool(pending and may_decide(user, pending)),
        "messages": list(application_messages(application)),
        "attachments": list(application.attachments.all()),
        "history": application_history(user=user, application=application),
        "grant": getattr(application, "grant", None) if application.status == "approved" else None,
    }


def grant_list(*, user, status: str = "", product=None, merchant=None, q: str = ""):

    rows = Grant.objects.restrict(user, VIEW).select_related("product", "merchant")
    if status:
        rows = rows.filter(status=status)
    if product:
        rows = rows.filter(product_id=product)
    if merchant:
        rows = rows.filter(merchant_id=merchant)
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(product__name__icontains=q) | Q(merchant__name__icontains=q)
        )
    return rows.order_by("-id")


def bindable_keys(*, user):
    """The caller's organization's keys that a grant may take: valid and bound to none."""

    return ApiKey.objects.filter(
        organization_id=getattr(user, "organization_id", None),
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        grant_binding__isnull=True,
    ).order_by("-id")


def grant_detail(*, user, grant) -> dict:

    return {
        "grant": grant,
        "keys": list(grant.keys.select_related("api_key")),
        "history": policy.visible_history(user, grant, history_for(grant)),
        "refusal": refusal(grant),
        # A party who sees the grant but not its application (the provider) gets no link.
        "application_visible": policy.allows(user, VIEW, grant.application),
        "versions": list(type(grant).objects.filter(number=grant.number).order_by("version")),
        "follow_up": grant.follow_ups.exclude(
            status__in=["approved", "rejected", "withdrawn"]
        ).first(),
    }
