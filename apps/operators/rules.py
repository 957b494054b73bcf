"""Who may do what with operators' profiles, documents, agreements and reports
(see apps.workflow.policy)."""

from django.db.models import Q

from apps.core.permissions import MANAGE, VIEW
from apps.operators.choices import AgreementStatus
from apps.operators.models import (
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
    QualificationDocument,
    in_force_now,
)
from apps.workflow.policy import (
    ALL,
    ANONYMOUS,
    ANY_ORG,
    DECIDE,
    DECIDERS,
    OWN,
    REGULATOR,
    register,
)
from apps.workflow.schema import document_trimmed

# What anyone who is not a party reads of an agreement: what the public disclosure shows,
# plus the status and the end of public notice (so that they can object in time).
AGREEMENT_PUBLIC_FIELDS = (
    "id", "number", "version", "title", "operator", "authority", "mode", "domain",
    "term_start", "term_end", "max_revenue", "price_cap", "allowed_scenarios",
    "prohibited_uses", "scope", "effective_at", "status", "notice_ends_at",
)  # fmt: skip


def _disclosed(user) -> Q:
    # Under notice (so that anyone can object) or in force today (disclosed anyway); an
    # agreement past its term is no longer in force even before the timer moves it.
    return _under_notice(user) | in_force_now()


def _under_notice(user) -> Q:
    return Q(status=AgreementStatus.PUBLIC_NOTICE)


# The operator's own rows; the regulator reads and drafts all of them, and its reviewers
# and admins decide reviews, suspend and revoke.
for model, owner in (
    (OperatorProfile, "organization_id"),
    (QualificationDocument, "profile__organization_id"),
    (AnnualReport, "operator_id"),
):
    (
        register(model, owner=owner)
        .allow(VIEW, MANAGE, to=ALL, kinds=REGULATOR)
        .allow(VIEW, MANAGE, to=OWN, kinds=ANY_ORG)
        .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
    )

(
    register(
        AuthorizationAgreement,
        owner="operator_id",
        relations={"disclosed": _disclosed, "notice": _under_notice},
        public_fields=AGREEMENT_PUBLIC_FIELDS,
    )
    .allow(VIEW, MANAGE, to=ALL, kinds=REGULATOR)
    .allow(VIEW, MANAGE, to=OWN, kinds=ANY_ORG)
    .allow(VIEW, to="disclosed", kinds=ANY_ORG)
    # Public notice is public: anonymous visitors read it (and sign in to object).
    .allow(VIEW, to="notice", kinds={ANONYMOUS})
    .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
)

# The agreement serializer is trimmed to AGREEMENT_PUBLIC_FIELDS for non-parties.
document_trimmed("Agreement", AuthorizationAgreement)
