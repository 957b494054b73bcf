from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import services


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )


class RecordedPasswordMixin:
    """A new password is saved through the accounts service, so it is an audit event
    (`user.update`, the password shown only as changed)."""

    actor_is_user = True  # the user themselves; the admin's form takes the signed-in admin

    def save(self, commit=True):
        user = super().save(commit=False)
        if commit:
            services.user_save(user=user, actor=user if self.actor_is_user else None)
        return user


class RecordedPasswordChangeForm(RecordedPasswordMixin, PasswordChangeForm):
    pass


class RecordedSetPasswordForm(RecordedPasswordMixin, SetPasswordForm):
    pass


class RecordedAdminPasswordChangeForm(RecordedPasswordMixin, AdminPasswordChangeForm):
    actor_is_user = False


class OtpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^[0-9]{6}\Z",
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, initial=lambda: settings.API_KEY_DEFAULT_DAYS
    )
    allowed_ips = forms.CharField(
        label=_("Allowed IP addresses or networks"),
        required=False,
        help_text=_("One per line, e.g. 203.0.113.7 or 10.0.0.0/24. Empty: any address."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_expires_in_days(self):
        days = self.cleaned_data["expires_in_days"]
        if days > settings.API_KEY_MAX_DAYS:
            raise forms.ValidationError(
                _("A key may live at most %(days)d days.") % {"days": settings.API_KEY_MAX_DAYS}
            )
        return days

    def expires_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["expires_in_days"])

    def ip_list(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["allowed_ips"].splitlines() if line.strip()
        ]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
