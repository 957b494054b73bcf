"""Read-only admin. Change and delete attempts are refused and recorded as denied events."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from apps.audit.models import AuditCheckpoint, AuditEvent
from apps.audit.services import audit_record_denial


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _refuse(self, request, verb: str, object_id):
        audit_record_denial(
            action=f"audit.{self.model._meta.model_name}.{verb}",
            target=(self.model._meta.label_lower, object_id),
            reason="audit_immutable",
            request=request,
        )
        raise PermissionDenied

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            self._refuse(request, "update", object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse(request, "delete", object_id)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAuditAdmin):
    list_display = ["id", "occurred_at", "actor_type", "actor_label", "action", "outcome"]
    list_filter = ["outcome", "actor_type", "retention"]
    search_fields = ["action", "actor_label", "target_type", "target_id", "request_id"]
    show_full_result_count = False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAuditAdmin):
    list_display = ["id", "kind", "seq", "created_at", "key_id"]
