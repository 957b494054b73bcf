"""The audit tables. Their DDL is owned by migration 0001 (partitions and triggers on
PostgreSQL), so the models are unmanaged: Django never creates, alters or flushes them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.audit.choices import ActorType, CheckpointKind, Outcome, Retention
from apps.core.exceptions import DomainError


class AuditLogImmutable(DomainError):
    code = "audit_immutable"
    status = 405
    default_message = _("Audit events cannot be changed or deleted.")


def _refuse(kind: str, target=None):
    # Imported late: services imports this module.
    from apps.audit.services import audit_record_denial

    audit_record_denial(action=f"audit.event.{kind}", target=target, reason="audit_immutable")
    raise AuditLogImmutable()


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse("update")

    def delete(self):
        _refuse("delete")

    def restrict(self, user, action: str = "view"):
        # The rules live in apps.workflow.rules, which hangs them on the model at start-up.
        return self.model.access_policy.restrict(self, user, action)


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("time"))
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True, default="")
    actor_label = models.CharField(_("actor"), max_length=200, blank=True, default="")
    actor_org_id = models.BigIntegerField(_("actor organization"), null=True, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True, default="")
    action = models.CharField(_("action"), max_length=100)
    target_type = models.CharField(_("target type"), max_length=100, blank=True, default="")
    target_id = models.CharField(_("target id"), max_length=64, blank=True, default="")
    target_org_id = models.BigIntegerField(_("target organization"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True, default="")
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")
    ip = models.CharField(_("IP address"), max_length=45, blank=True, default="")
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, default="")
    retention = models.CharField(_("retention"), max_length=16, choices=Retention.choices)
    # Canonical JSON text (sorted keys, compact), so the hash input is identical in Python
    # and in SQL; jsonb would re-order and re-space it.
    data = models.TextField(_("data"), default="{}")
    changes = models.TextField(_("changes"), default="{}")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "audit_event"
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse("update", target=self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse("delete", target=self)


class AuditSeal(models.Model):
    """The event's place in the chain, written once by the sealer (insert-only table)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal"
    )
    occurred_at = models.DateTimeField()
    prev_hash = models.BinaryField()
    hash = models.BinaryField()
    sealed_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "audit_seal"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"seal {self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement "the chain's entry `seq` has hash `hash`" (insert-only table)."""

    kind = models.CharField(max_length=16, choices=CheckpointKind.choices)
    seq = models.BigIntegerField()
    hash = models.BinaryField()
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.BinaryField()

    class Meta:
        managed = False
        db_table = "audit_checkpoint"
        ordering = ["-id"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} @ {self.seq}"

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex()
