"""Who may do what with operators' profiles, documents, agreements and reports
(see apps.workflow.policy)."""

from django.db.models import Q

from apps.core.permissions import MANAGE, VIEW
from apps.operators.choices import IN_FORCE, AgreementStatus
from apps.operators.models import (
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
    QualificationDocument,
)
from apps.workflow.policy import ALL, ANY_ORG, DECIDE, DECIDERS, OWN, REGULATOR, register

# What anyone who is not a party reads of an agreement: what the public disclosure shows,
# plus the status and the end of public notice (so that they can object in time).
AGREEMENT_PUBLIC_FIELDS = (
    "id", "number", "version", "title", "operator", "authority", "mode", "domain",
    "term_start", "term_end", "max_revenue", "price_cap", "allowed_scenarios",
    "prohibited_uses", "scope", "effective_at", "status", "notice_ends_at",
)  # fmt: skip


def _disclosed(user) -> Q:
    # Under notice (so that anyone can object) or in force (disclosed anyway).
    return Q(status__in=[AgreementStatus.PUBLIC_NOTICE, *IN_FORCE])


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
        relations={"disclosed": _disclosed},
        public_fields=AGREEMENT_PUBLIC_FIELDS,
    )
    .allow(VIEW, MANAGE, to=ALL, kinds=REGULATOR)
    .allow(VIEW, MANAGE, to=OWN, kinds=ANY_ORG)
    .allow(VIEW, to="disclosed", kinds=ANY_ORG)
    .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
)
