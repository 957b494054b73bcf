"""Routing rule sets (versioned; a published version never changes) and the holiday
calendar that working-day deadlines count with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import VIEW
from apps.grants.choices import DayKind, RuleSetStatus


class PolicyQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        from apps.workflow import policy

        return policy.restrict(self, user, action)


class RuleSet(models.Model):
    """One version of the routing rules. Edited while a draft; publishing makes it the
    active version (the one with the highest number) and freezes it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("routing rule set")
        verbose_name_plural = _("routing rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="grants_one_draft_ruleset"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == RuleSetStatus.DRAFT

    def specs(self):
        from apps.grants.routing import specs_of

        return specs_of(self.rules.order_by("position", "id"))


class RoutingRule(models.Model):
    """Conditions on the application's facts (see routing.Conditions) and what a match
    adds: steps with deadlines in working days, or the automatic path."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    steps = models.JSONField(_("steps"), default=dict, blank=True)
    automatic = models.BooleanField(_("automatic"), default=False)
    final = models.BooleanField(_("stop after this rule"), default=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["ruleset", "position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day off on a weekday (法定节假日) or a weekend day worked (调休上班)."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DayKind.choices, default=DayKind.HOLIDAY
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
