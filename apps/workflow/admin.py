"""Read-only admin of the kernel's records: every change goes through the services."""

from django.contrib import admin

from apps.workflow.models import Notice, Objection, ReviewStep, StatusHistory


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
