"""Web forms for operators. They only parse; apps.operators.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts import selectors as accounts_selectors
from apps.catalog import selectors as catalog_selectors
from apps.core.forms import DateField, ModelMultipleChoiceField, date_input
from apps.core.names import local_name
from apps.operators.choices import AgreementMode, DocumentKind, ProtectionLevel
from apps.operators.models import AuthorizationAgreement


class ProfileForm(forms.Form):
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=30)
    legal_representative = forms.CharField(label=_("legal representative"), max_length=100)
    registered_address = forms.CharField(label=_("registered address"), max_length=300)
    protection_level = forms.ChoiceField(
        label=_("classified protection level"), choices=ProtectionLevel.choices, required=False
    )
    protection_expires_on = DateField(
        label=_("classified protection valid until"), required=False, widget=date_input()
    )
    crypto_assessed = forms.BooleanField(
        label=_("commercial cryptography assessment passed"), required=False
    )
    crypto_expires_on = DateField(
        label=_("cryptography assessment valid until"), required=False, widget=date_input()
    )
    security_officer_name = forms.CharField(label=_("data security officer"), max_length=100)
    security_officer_contact = forms.CharField(label=_("officer contact"), max_length=100)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("file"), help_text=_("PDF, PNG or JPEG."))


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").split(",") if t.strip()]


AGREEMENT_TERMS = (
    "title",
    "mode",
    "domain",
    "term_start",
    "term_end",
    "max_revenue",
    "price_cap",
    "security_obligations",
)


class AgreementForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("authorizing body"),
        queryset=accounts_selectors.authority_list(),
    )
    title = forms.CharField(label=_("title"), max_length=200)
    mode = forms.ChoiceField(label=_("mode"), choices=AgreementMode.choices)
    domain = forms.CharField(label=_("domain"), max_length=100, required=False)
    term_start = DateField(label=_("term start"), widget=date_input())
    term_end = DateField(label=_("term end"), widget=date_input())
    # The model's digits and places (as the API's serializer): 1e30 was a database error.
    max_revenue = AuthorizationAgreement._meta.get_field("max_revenue").formfield(min_value=0)
    price_cap = AuthorizationAgreement._meta.get_field("price_cap").formfield(min_value=0)
    security_obligations = forms.CharField(
        label=_("security obligations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    allowed_scenarios = forms.CharField(
        label=_("allowed scenarios"), required=False, help_text=_("Separate with commas.")
    )
    prohibited_uses = forms.CharField(
        label=_("prohibited uses"), required=False, help_text=_("Separate with commas.")
    )
    resources = ModelMultipleChoiceField(
        label=_("resources in scope"),
        queryset=catalog_selectors.authorizable_resources().none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Registered resources; core and prohibited data are refused."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = catalog_selectors.authorizable_resources()
        self.fields["resources"].label_from_instance = local_name
        self.fields["authority"].label_from_instance = local_name
        self.fields["authority"].empty_label = _("— choose —")
        authorities = list(self.fields["authority"].queryset[:2])
        if len(authorities) == 1 and "authority" not in self.initial:
            self.initial["authority"] = authorities[0].pk  # the only one there is

    def scope_names(self) -> dict:
        """Resource id -> name, to label the service's per-resource scope problems."""
        chosen = (self.cleaned_data or {}).get("resources") or []
        return {str(resource.pk): local_name(resource) for resource in chosen}

    @staticmethod
    def initial_from(agreement) -> dict:
        initial = {key: getattr(agreement, key) for key in AGREEMENT_TERMS}
        initial["allowed_scenarios"] = ", ".join(agreement.allowed_scenarios or [])
        initial["prohibited_uses"] = ", ".join(agreement.prohibited_uses or [])
        initial["authority"] = agreement.authority_id
        initial["resources"] = [row.resource_id for row in agreement.scope.all()]
        return initial

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["authority"] = data["authority"].pk
        data["allowed_scenarios"] = _split(data["allowed_scenarios"])
        data["prohibited_uses"] = _split(data["prohibited_uses"])
        data["scope"] = [{"resource": r.pk, "fields": None} for r in data.pop("resources")]
        return data


class AgreementDocumentForm(forms.Form):
    file = forms.FileField(label=_("signed agreement"), help_text=_("PDF, PNG or JPEG."))


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(label=_("attachment"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
