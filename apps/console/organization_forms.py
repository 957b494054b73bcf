"""Forms of the console's organization and user management (saved through services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import Organization, User

ACTIVE_CHOICES = [("", _("All")), ("1", _("active")), ("0", _("inactive"))]


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *OrganizationKind.choices]
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "name_en", "code", "kind"]
        help_texts = {"code": _("Letters, digits, hyphens and underscores; unique.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice to make, not Django's "---------".
        self.fields["kind"].choices = [("", _("— choose —")), *OrganizationKind.choices]


class MemberInviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        validator = User.username_validator
        validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
