"""Reads of apps.operators, scoped to what the user may see."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import (
    AgreementScope,
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
)

_SCOPE = Prefetch("scope", queryset=AgreementScope.objects.select_related("resource"))


def profile_list(*, user: User, status: str | None = None) -> QuerySet:
    queryset = OperatorProfile.objects.restrict(user, "view").select_related("organization")
    return queryset.filter(status=status) if status else queryset


def qualification_queue(*, user: User) -> QuerySet:
    return (
        profile_list(user=user)
        .filter(status__in=[Q.APPLIED, Q.UNDER_REVIEW])
        .order_by("updated_at")
    )


def agreement_list(*, user: User, status: str | None = None, mine: bool = False) -> QuerySet:
    queryset = (
        AuthorizationAgreement.objects.restrict(user, "view")
        .select_related("operator", "authority")
        .prefetch_related(_SCOPE)
    )
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(operator_id=user.organization_id)
    return queryset


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
    return AnnualReport.objects.restrict(user, "view").select_related("operator", "filed_by")
