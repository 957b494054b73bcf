"""Django admin for superusers. Every save and delete goes through the accounts services
(or the OTP ones), so admin edits are audit events like any other change."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as BaseStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import otp, services
from apps.accounts.forms import RecordedAdminPasswordChangeForm
from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.core.exceptions import DomainError

# Django admin is for superusers only; staff flags alone do not open it.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


class RecordedDeletes:
    """Deletes one by one through `delete_model` (the bulk action included)."""

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(RecordedDeletes, BaseUserAdmin):
    inlines = [MembershipInline]
    change_password_form = RecordedAdminPasswordChangeForm

    def save_model(self, request, obj, form, change):
        services.user_save(user=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.user_delete(user=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # Groups and permissions are saved here, after save_model.
        before = services.user_access(form.instance) if change else services.user_access(User())
        super().save_related(request, form, formsets, change)
        services.user_access_changed(user=form.instance, before=before, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_delete(membership=membership, actor=request.user)
        for membership in memberships:
            services.membership_save(membership=membership, actor=request.user)


@admin.register(Organization)
class OrganizationAdmin(RecordedDeletes, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "code"]

    def save_model(self, request, obj, form, change):
        services.organization_save(organization=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.organization_delete(organization=obj, actor=request.user)


@admin.register(ApiKey)
class ApiKeyAdmin(RecordedDeletes, admin.ModelAdmin):
    list_display = ["name", "prefix", "organization", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organization"]
    readonly_fields = [f.name for f in ApiKey._meta.fields]
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        # Keys are created through the portal or the API, where the secret is shown once.
        return False

    def delete_model(self, request, obj):
        services.api_key_delete(api_key=obj, actor=request.user)

    @admin.action(description="Revoke selected keys")
    def revoke_keys(self, request, queryset):
        for key in queryset:
            try:
                services.api_key_revoke(api_key=key, actor=request.user, reason="admin action")
            except DomainError as error:
                self.message_user(request, f"{key}: {error.message}", messages.WARNING)


class RecordedDeviceAdmin(RecordedDeletes):
    def save_model(self, request, obj, form, change):
        otp.otp_device_save(device=obj, actor=request.user)

    def delete_model(self, request, obj):
        otp.otp_device_delete(device=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        # Backup codes (static tokens): record how many were added or removed, never them.
        before = formset.queryset.count() if change else 0
        super().save_formset(request, form, formset, change)
        after = formset.model.objects.filter(device=form.instance).count()
        if after != before:
            otp.otp_device_tokens_changed(
                device=form.instance, before=before, after=after, actor=request.user
            )


class TOTPDeviceAdmin(RecordedDeviceAdmin, BaseTOTPDeviceAdmin):
    pass


class StaticDeviceAdmin(RecordedDeviceAdmin, BaseStaticDeviceAdmin):
    pass


# django-otp registers its own admins; ours replace them whichever app loads first.
for model, model_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
