"""One history table for every life cycle: a row per status move of any object."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _label(model, field: str, value: str) -> str:
    """The display label of `value` in `model.field`'s choices (the value if unknown)."""
    try:
        choices = dict(model._meta.get_field(field).flatchoices)
    except FieldDoesNotExist:  # the model has no such field: show the stored value
        return value
    return str(choices.get(value, value))


class StatusHistory(models.Model):
    """Written only by `apps.workflow.transitions.transition` (and `history_note`)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # A life cycle's sub-kind (registration kind...); empty where there is none.
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("status history")
        verbose_name_plural = _("status history")
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"], name="workflow_history_object")
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.from_status} → {self.to_status}"

    # Labels for templates, read from the target model's own choices (the kernel does
    # not know the domain apps' vocabularies).
    def get_from_status_display(self) -> str:
        return _label(self.content_type.model_class(), "status", self.from_status)

    def get_to_status_display(self) -> str:
        return _label(self.content_type.model_class(), "status", self.to_status)

    def get_kind_display(self) -> str:
        model = self.content_type.model_class()
        return _label(model, getattr(model, "history_kind_field", "kind"), self.kind)
