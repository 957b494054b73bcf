"""Anomaly alerts: what a rule (apps.delivery.alerts.rules) found on a grant, or on one
of its keys, with the evidence and the audit events behind it, who acknowledged and
resolved it, and what was done by itself (a key or the grant suspended).

`dedupe_key` (rule, grant, key, window) is unique: a rule that finds the same thing
again, in a second beat run or after a worker was killed mid-run, writes nothing."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ApiKey, User
from apps.core.permissions import VIEW
from apps.delivery.choices import AlertAction, AlertRule, AlertStatus, Severity
from apps.grants.models import Grant


class AlertQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        return self.model.access_policy.restrict(self, user, action)

    def open(self):
        return self.exclude(status=AlertStatus.RESOLVED)


class Alert(models.Model):
    rule = models.CharField(_("rule"), max_length=32, choices=AlertRule.choices)
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="+", verbose_name=_("grant")
    )
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API key"),
    )
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    window = models.CharField(_("window"), max_length=64)
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    # The summary's parameters; the text is the rule's, translated when it is shown.
    params = models.JSONField(_("summary parameters"), default=dict)
    evidence = models.JSONField(_("evidence"), default=dict)
    event_ids = models.JSONField(_("audit events"), default=list)
    action = models.CharField(
        _("action taken"), max_length=20, choices=AlertAction.choices, default=AlertAction.NONE
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, default="")
    # A key suspension ends when the regulator lifts it (a grant's ends with grant_resume).
    key_lifted_at = models.DateTimeField(_("key suspension lifted at"), null=True, blank=True)
    key_lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["status", "rule"], name="delivery_alert_status_rule"),
            models.Index(
                fields=["api_key"],
                condition=Q(action=AlertAction.KEY_SUSPENDED, key_lifted_at__isnull=True),
                name="delivery_alert_key_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} #{self.pk}"

    @property
    def audit_org_id(self) -> int:
        # The alert joins the trail of the operator who handles it, as the policy's owner.
        return self.grant.product.operator_id

    @property
    def key_held(self) -> bool:
        return self.action == AlertAction.KEY_SUSPENDED and self.key_lifted_at is None

    @property
    def summary(self) -> str:
        from apps.delivery.alerts.rules import summary_of

        return summary_of(self)
