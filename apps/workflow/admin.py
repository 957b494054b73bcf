"""The kernel's records in the admin: history, review steps and notices are read-only
(every change goes through the services); failed outbox work is visible and can be tried
again."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.workflow.models import (
    Notice,
    Objection,
    OutboxItem,
    OutboxStatus,
    ReviewStep,
    StatusHistory,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusHistory)
class StatusHistoryAdmin(ReadOnly):
    list_display = ["created_at", "content_type", "object_id", "kind", "from_status", "to_status"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]


@admin.register(ReviewStep)
class ReviewStepAdmin(ReadOnly):
    list_display = ["created_at", "content_type", "object_id", "stage", "decision", "due_at"]
    list_filter = ["stage", "decision"]
    list_select_related = ["content_type"]


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ["content_type", "object_id", "starts_at", "ends_at", "closed_at", "outcome"]
    list_filter = ["content_type", "outcome"]
    list_select_related = ["content_type"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnly):
    list_display = ["notice", "organization", "created_at", "resolved_at"]
    list_select_related = ["notice", "organization"]


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
