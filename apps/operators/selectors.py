"""Reads of apps.operators, scoped to what the user may see."""

from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.core.permissions import VIEW
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.diff import agreement_diff
from apps.operators.models import (
    AgreementScope,
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
)
from apps.workflow import policy
from apps.workflow.history import history_for
from apps.workflow.notice import objections_for

_SCOPE = Prefetch("scope", queryset=AgreementScope.objects.select_related("resource"))


def profile_list(*, user: User, status: str | None = None) -> QuerySet:
    queryset = OperatorProfile.objects.restrict(user, VIEW).select_related("organization")
    return queryset.filter(status=status) if status else queryset


def qualification_queue(*, user: User) -> QuerySet:
    return (
        profile_list(user=user)
        .filter(status__in=[Q.APPLIED, Q.UNDER_REVIEW])
        .order_by("updated_at")
    )


def agreement_list(*, user: User, status: str | None = None, mine: bool = False) -> QuerySet:
    queryset = (
        AuthorizationAgreement.objects.restrict(user, VIEW)
        .select_related("operator", "authority")
        .prefetch_related(_SCOPE)
    )
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(operator_id=user.organization_id)
    return queryset


def agreements_ending(queryset: QuerySet, *, days: int) -> QuerySet:
    """Of `queryset`, the effective agreements whose term ends within `days` from today."""
    today = timezone.localdate()
    return queryset.filter(
        status=A.EFFECTIVE, term_end__gte=today, term_end__lte=today + timedelta(days=days)
    ).order_by("term_end")


def agreement_review_queue(*, user: User) -> QuerySet:
    return (
        agreement_list(user=user)
        .filter(status__in=[A.UNDER_REVIEW, A.PUBLIC_NOTICE])
        .order_by("updated_at")
    )


def disclosed_agreements() -> QuerySet:
    """Public: only agreements effective today (suspended ones are not in force)."""
    return (
        # Until the hourly timer expires it, an agreement past its end is not shown.
        AuthorizationAgreement.objects.filter(
            status=A.EFFECTIVE, term_end__gte=timezone.localdate()
        )
        .select_related("operator", "authority")
        .prefetch_related(_SCOPE)
        .order_by("operator__name", "number")
    )


def agreements_under_notice() -> QuerySet:
    """Public: agreements under public notice, open to anyone's objection."""
    return (
        AuthorizationAgreement.objects.filter(status=A.PUBLIC_NOTICE)
        .select_related("operator", "authority")
        .prefetch_related(_SCOPE)
        .order_by("notice_ends_at", "id")
    )


def report_list(*, user: User) -> QuerySet:
    return AnnualReport.objects.restrict(user, VIEW).select_related("operator", "filed_by")


def own_profile(*, user: User) -> OperatorProfile | None:
    """The profile of the user's own organization, if it has one."""
    return profile_list(user=user).filter(organization_id=user.organization_id).first()


def profile_history(*, user: User, profile: OperatorProfile) -> list:
    entries = history_for(profile)
    return policy.visible_history(user, profile, entries)


def agreement_history(*, user: User, agreement: AuthorizationAgreement) -> list:
    """The history as `user` may read it: the operator and the regulator read the review
    correspondence; others the moves, and the notes of their own organization's entries."""
    entries = history_for(agreement)
    return policy.visible_history(user, agreement, entries)


def agreement_objections(*, user: User, agreement: AuthorizationAgreement) -> QuerySet:
    """Parties read every objection; an objector its own organization's."""
    objections = objections_for(agreement)
    if policy.is_party(user, agreement):
        return objections
    return objections.filter(organization_id=getattr(user, "organization_id", None) or 0)


def agreement_changes(*, user: User, agreement: AuthorizationAgreement) -> list[dict] | None:
    """What this version changes against the one it amends (None for a first version),
    limited to the terms `user` may read of it."""
    if not agreement.amends_id:
        return None
    readable = policy.readable_fields(user, agreement)
    return [
        row
        for row in agreement_diff(agreement.amends, agreement)
        if row["field"].split(".")[0] in readable
    ]
