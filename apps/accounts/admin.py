from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts import services
from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.core.exceptions import DomainError

# Django admin is for superusers only; staff flags alone do not open it.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "organization", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organization"]
    readonly_fields = [f.name for f in ApiKey._meta.fields]
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        # Keys are created through the portal or the API, where the secret is shown once.
        return False

    @admin.action(description="Revoke selected keys")
    def revoke_keys(self, request, queryset):
        for key in queryset:
            try:
                services.api_key_revoke(api_key=key, actor=request.user, reason="admin action")
            except DomainError as error:
                self.message_user(request, f"{key}: {error.message}", messages.WARNING)
