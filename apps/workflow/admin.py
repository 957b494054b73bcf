"""The outbox in the admin: failed work is visible here and can be tried again."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.workflow.models import OutboxItem, OutboxStatus


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = (
        "id", "topic", "status", "attempts", "max_attempts", "next_attempt_at",
        "short_error", "target_type", "target_id", "created_at", "finished_at",
    )  # fmt: skip
    list_filter = ("status", "topic")
    search_fields = ("topic", "key", "target_id", "last_error")
    ordering = ("-id",)
    actions = ["retry"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxItem) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Try the selected failed items again"))
    @transaction.atomic
    def retry(self, request, queryset):
        from apps.workflow.outbox import send_nudge

        now = timezone.now()
        failed = list(queryset.filter(status=OutboxStatus.FAILED).values_list("pk", "topic"))
        OutboxItem.objects.filter(pk__in=[pk for pk, _t in failed]).update(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            finished_at=None,
            last_nudged_at=now,
            nudge_count=F("nudge_count") + 1,
        )
        for pk, topic in failed:
            audit_record(
                actor=request.user,
                action="workflow.outboxitem.retry",
                target=("workflow.outboxitem", pk),
            )
            transaction.on_commit(lambda pk=pk, topic=topic: send_nudge(pk, topic))
        self.message_user(
            request, _("%(n)d items queued again.") % {"n": len(failed)}, messages.INFO
        )
