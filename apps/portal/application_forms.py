"""The merchant's application form and the grant's key form. They only parse;
apps.grants.applications and apps.grants.access decide (the product's fields, scenarios,
term and volume limits are checked there)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.choices import MaskingRule, PersonalInfo
from apps.core.forms import DateField
from apps.core.names import choice_label, in_parentheses, local_name
from apps.grants.choices import ApplicationKind
from apps.grants.facts import product_fields

TEXT_FIELDS = (
    "purpose",
    "legal_basis",
    "tech_contact_name",
    "tech_contact_email",
    "tech_contact_phone",
    "dpo_name",
    "dpo_contact",
)
PERSONAL_MARK = {
    PersonalInfo.PERSONAL: _("personal information"),
    PersonalInfo.SENSITIVE: _("sensitive personal information"),
}


def field_label(field) -> str:
    """ "法定代表人 (legal_rep) · personal information · masked: Keep first and last
    characters"."""
    label = local_name(field, "label")
    parts = [f"{label}{in_parentheses(field.ident)}" if label != field.ident else field.ident]
    if field.personal_info in PERSONAL_MARK:
        parts.append(str(PERSONAL_MARK[field.personal_info]))
    if field.masking and field.masking != "none":
        rule = choice_label(MaskingRule, field.masking)
        parts.append(str(_("masked: %(rule)s") % {"rule": rule}))
    return " · ".join(parts)


class ApplicationForm(forms.Form):
    purpose = forms.CharField(
        label=_("purpose"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    scenario = forms.ChoiceField(label=_("application scenario"))
    fields = forms.MultipleChoiceField(
        label=_("requested fields"), widget=forms.CheckboxSelectMultiple
    )
    requested_end = DateField(
        label=_("requested until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expected_calls_per_day = forms.IntegerField(
        label=_("expected calls per day"), min_value=1, max_value=2**31 - 1, required=False
    )
    expected_rows_per_day = forms.IntegerField(
        label=_("expected rows per day"), min_value=1, max_value=2**62, required=False
    )
    legal_basis = forms.CharField(
        label=_("legal basis"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tech_contact_name = forms.CharField(label=_("technical contact"), max_length=100)
    tech_contact_email = forms.EmailField(label=_("technical contact e-mail"))
    tech_contact_phone = forms.CharField(
        label=_("technical contact phone"), max_length=40, required=False
    )
    dpo_name = forms.CharField(label=_("data-protection officer"), max_length=100)
    dpo_contact = forms.CharField(label=_("data-protection officer contact"), max_length=100)
    file = forms.FileField(
        label=_("attachment"),
        required=False,
        help_text=_("PDF, PNG or JPEG: a business licence, a security plan..."),
    )
    accept_terms = forms.BooleanField(label=_("I accept the terms of use"), required=False)

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.fields["scenario"].choices = [(s, s) for s in product.scenarios]
        self.fields["fields"].choices = [
            (ident, field_label(f)) for ident, f in product_fields(product).items()
        ]
        terms = product.current_terms
        if terms is not None:
            self.fields["accept_terms"].label = _("I accept the terms of use (version %(v)d)") % {
                "v": terms.version
            }

    @staticmethod
    def initial_from(application) -> dict:
        initial = {key: getattr(application, key) for key in TEXT_FIELDS}
        initial.update(
            scenario=application.scenario,
            fields=application.fields,
            requested_end=application.requested_end,
            expected_calls_per_day=application.expected_calls_per_day,
            expected_rows_per_day=application.expected_rows_per_day,
        )
        terms = application.product.current_terms
        initial["accept_terms"] = bool(terms and application.terms_version == terms.version)
        return initial

    def to_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "file"}
        data["product"] = self.product.pk
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("attachment"), help_text=_("PDF, PNG or JPEG."))


class KeyBindForm(forms.Form):
    api_key = forms.TypedChoiceField(label=_("API key"), coerce=int)

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["api_key"].choices = [
            (k.pk, f"{k.name}{in_parentheses(k.prefix + '…')}") for k in keys
        ]


class FollowUpForm(forms.Form):
    """Renew (a new end) or amend (other fields, volume...) a grant: a draft copy of its
    application that the merchant then edits and submits."""

    kind = forms.ChoiceField(
        choices=[(ApplicationKind.RENEWAL, _("Renew")), (ApplicationKind.AMENDMENT, _("Amend"))]
    )
