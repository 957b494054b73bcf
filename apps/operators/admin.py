"""Read-only admin: every change goes through apps.operators.services."""

from django.contrib import admin

from apps.operators import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.OperatorProfile)
class ProfileAdmin(ReadOnly):
    list_display = ["organization", "credit_code", "status", "credit_status", "rereview_due"]
    list_filter = ["status", "credit_status"]


@admin.register(models.AuthorizationAgreement)
class AgreementAdmin(ReadOnly):
    list_display = ["number", "version", "operator", "status", "term_start", "term_end"]
    list_filter = ["status", "mode"]
    search_fields = ["number", "title"]


@admin.register(models.Suspension)
class SuspensionAdmin(ReadOnly):
    list_display = ["kind", "profile", "agreement", "created_at", "closed_at", "restored"]


@admin.register(models.AnnualReport)
class ReportAdmin(ReadOnly):
    list_display = ["operator", "year", "status", "filed_at"]
