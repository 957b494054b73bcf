"""A review step: one decision someone must take on an object (approve, return...)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewStep(models.Model):
    """Decided once: `apps.workflow.review.step_decide` moves it out of PENDING with a
    compare-and-swap UPDATE, so two reviewers deciding at once give one decision."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(_("stage"), max_length=40)
    # None: any organization of the kind the stage's service requires (any regulator).
    assignee_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee_role = models.CharField(_("assignee role"), max_length=20, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Set once by the deadline timers (compare-and-swap): the reminder before `due_at`
    # and the escalation after it are each sent once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"], name="workflow_step_object"),
            models.Index(
                fields=["decision", "due_at"],
                condition=Q(decision="pending"),
                name="workflow_step_pending",
            ),
        ]
        constraints = [
            # At most one open step per object and stage.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "stage"],
                condition=Q(decision="pending"),
                name="workflow_one_pending_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} of {self.content_type_id}:{self.object_id} ({self.decision})"
