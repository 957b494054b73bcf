from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    REGULATOR = "regulator", _("Regulator / data authority")
    PROVIDER = "provider", _("Data provider agency")
    OPERATOR = "operator", _("Operating entity")
    MERCHANT = "merchant", _("Data merchant")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")
    SECURITY_REVIEWER = "security_reviewer", _("Security reviewer")
    MEMBER = "member", _("Member")
