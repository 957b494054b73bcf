"""Read-only admin: every change goes through apps.products.services."""

from django.contrib import admin

from apps.operators.admin import ReadOnly
from apps.products import models


class SourceInline(admin.TabularInline):
    model = models.ProductSource
    extra = 0
    can_delete = False
    readonly_fields = ["resource", "pinned_version", "fields", "row_filter"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.DataProduct)
class ProductAdmin(ReadOnly):
    list_display = ["name", "operator", "status", "use_type", "pricing_model", "price"]
    list_filter = ["status", "use_type", "pricing_model"]
    search_fields = ["name", "name_en"]
    inlines = [SourceInline]


@admin.register(models.ProductTerms)
class TermsAdmin(ReadOnly):
    list_display = ["product", "version", "created_at"]
