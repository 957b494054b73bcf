"""Vocabulary of routing: the facts an application presents and the steps it may get."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import OrganizationKind, Role
from apps.catalog.choices import Classification, OpenType

__all__ = ["Classification", "OpenType"]


class UseType(models.TextChoices):
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare use")
    INDUSTRIAL = "industrial", _("Industrial use")


class DeliveryMode(models.TextChoices):
    API = "api", _("API pull")
    BULK = "bulk", _("Bulk export")
    SANDBOX = "sandbox", _("Sandbox queries only")


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
