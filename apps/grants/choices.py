"""Vocabulary of routing: the facts an application presents and the steps it may get."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import OrganizationKind, Role
from apps.catalog.choices import Classification, OpenType
from apps.products.choices import DeliveryMode, UseType

__all__ = ["Classification", "DeliveryMode", "OpenType", "UseType"]


class ApplicationKind(models.TextChoices):
    NEW = "new", _("New application")
    RENEWAL = "renewal", _("Renewal")
    AMENDMENT = "amendment", _("Amendment")


class StepKind(models.TextChoices):
    """In the order a route runs them: the regulator signs off last."""

    OPERATOR = "operator", _("Operator review")
    PROVIDER = "provider", _("Provider agency review")
    SECURITY = "security", _("Security review")
    REGULATOR = "regulator", _("Regulator sign-off")


STEP_ORDER = list(StepKind.values)

# Who decides each step: the organization kind and the role within it.
STEP_ASSIGNEE = {
    StepKind.OPERATOR: (OrganizationKind.OPERATOR, Role.REVIEWER),
    StepKind.PROVIDER: (OrganizationKind.PROVIDER, Role.REVIEWER),
    StepKind.SECURITY: (OrganizationKind.REGULATOR, Role.SECURITY_REVIEWER),
    StepKind.REGULATOR: (OrganizationKind.REGULATOR, Role.REVIEWER),
}


class Flag(models.TextChoices):
    """A yes/no condition that may also not matter."""

    ANY = "any", _("Either")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Adjusted working day")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKING = "checking", _("Automated checks")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


A = ApplicationStatus

# Submitted work waits for the checks task; the checks decide the automatic path, a
# failure (rejected) or the review steps. A change request sends it back to the merchant.
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.CHECKING, A.WITHDRAWN},
    A.CHECKING: {A.IN_REVIEW, A.APPROVED, A.REJECTED, A.WITHDRAWN},
    A.IN_REVIEW: {A.CHANGES_REQUESTED, A.APPROVED, A.REJECTED, A.WITHDRAWN},
    A.CHANGES_REQUESTED: {A.SUBMITTED, A.WITHDRAWN},
    A.APPROVED: set(),
    A.REJECTED: set(),
    A.WITHDRAWN: set(),
}
APPLICATION_EDITABLE = {A.DRAFT, A.CHANGES_REQUESTED}
APPLICATION_OPEN = {A.SUBMITTED, A.CHECKING, A.IN_REVIEW, A.CHANGES_REQUESTED}


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a new version")


G = GrantStatus

GRANT_TRANSITIONS: dict[str, set[str]] = {
    G.ACTIVE: {G.SUSPENDED, G.EXPIRED, G.REVOKED, G.SUPERSEDED},
    G.SUSPENDED: {G.ACTIVE, G.EXPIRED, G.REVOKED},
    G.EXPIRED: set(),
    G.REVOKED: set(),
    G.SUPERSEDED: set(),
}
GRANT_LIVE = {G.ACTIVE, G.SUSPENDED}


class SuspendedBy(models.TextChoices):
    """Who suspended a grant: lifting a product's suspension resumes only the grants the
    cascade took down, never one a person suspended."""

    NONE = "", _("Not suspended")
    PERSON = "person", _("Operator or regulator")
    CASCADE = "cascade", _("Product, agreement or operator suspension")
    ALERT = "alert", _("Anomaly rule")


class Decision(models.TextChoices):
    """What a reviewer may decide on an application's step."""

    APPROVE = "approved", _("Approve")
    REJECT = "rejected", _("Reject")
    REQUEST_CHANGES = "changes_requested", _("Request changes")
