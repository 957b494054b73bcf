"""The operator's product form. It only parses (one source resource per form; the API
takes several); apps.products.services decides."""

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.catalog.choices import MaskingRule
from apps.catalog.models import DatasetVersion
from apps.core.converters import ID_MAX
from apps.core.jsonlimits import loads_bounded
from apps.core.names import local_name
from apps.products.choices import DeliveryMode, PricingModel, UseType
from apps.products.validation import MAX_CALLS_PER_DAY, MAX_ROWS_PER_DAY


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").split(",") if t.strip()]


class ProductForm(forms.Form):
    agreement = forms.TypedChoiceField(label=_("authorization agreement"), coerce=int)
    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    description = forms.CharField(
        label=_("description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,  # as the API (apps.products.api.serializers)
    )
    description_en = forms.CharField(
        label=_("English description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    resource = forms.TypedChoiceField(label=_("source resource"), coerce=int)
    pinned_version = forms.IntegerField(
        label=_("pinned dataset version"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text=_("Empty: always the current version."),
    )
    fields = forms.CharField(label=_("exposed fields"), help_text=_("Separate with commas."))
    masking = forms.CharField(
        label=_("masking"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    row_filter = forms.CharField(
        label=_("row filter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('JSON conditions, e.g. [{"field": "level", "op": "eq", "value": "三级"}].'),
    )
    delivery_modes = forms.MultipleChoiceField(
        label=_("delivery modes"), choices=DeliveryMode.choices, widget=forms.CheckboxSelectMultiple
    )
    scenarios = forms.CharField(
        label=_("application scenarios"), help_text=_("Separate with commas.")
    )
    use_type = forms.ChoiceField(label=_("use type"), choices=UseType.choices)
    pricing_model = forms.ChoiceField(label=_("pricing"), choices=PricingModel.choices)
    price = forms.DecimalField(
        label=_("price (yuan)"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    max_rows_per_day = forms.IntegerField(
        label=_("rows per day"), min_value=1, max_value=MAX_ROWS_PER_DAY, required=False
    )
    max_calls_per_day = forms.IntegerField(
        label=_("calls per day"), min_value=1, max_value=MAX_CALLS_PER_DAY, required=False
    )
    terms = forms.CharField(
        label=_("terms of use"), widget=forms.Textarea(attrs={"rows": 5}), max_length=50_000
    )

    def __init__(self, *args, agreements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [(a.pk, f"{a.number} v{a.version}") for a in agreements]
        # set here, in the request's language (a lazy text formatted at import is not)
        self.fields["masking"].help_text = _(
            "One line per field, e.g. legal_rep=redact. Rules: %(rules)s."
        ) % {"rules": ", ".join(MaskingRule.values)}
        scope = [row for a in agreements for row in a.scope.all()]
        self.fields["resource"].choices = sorted(
            {(row.resource_id, local_name(row.resource)) for row in scope}
        )

    @staticmethod
    def initial_from(product) -> dict:
        source = product.sources.first()
        terms = product.current_terms
        initial = {
            key: getattr(product, key)
            for key in ("name", "name_en", "description", "description_en", "use_type",
                        "pricing_model", "price", "max_rows_per_day", "max_calls_per_day",
                        "delivery_modes")
        }  # fmt: skip
        initial.update(agreement=product.agreement_id, scenarios=", ".join(product.scenarios))
        initial["terms"] = terms.text if terms else ""
        if source is not None:
            initial["resource"] = source.resource_id
            initial["pinned_version"] = (
                source.pinned_version.number if source.pinned_version else None
            )
            initial["fields"] = ", ".join(source.field_names)
            initial["masking"] = "\n".join(f"{f['name']}={f['masking']}" for f in source.fields)
            initial["row_filter"] = (
                json.dumps(source.row_filter, ensure_ascii=False) if source.row_filter else ""
            )
        return initial

    def clean_row_filter(self):
        text = self.cleaned_data["row_filter"].strip()
        if not text:
            return []
        try:
            # As the API reads JSON: bounded nesting (100,000 `[` were a RecursionError),
            # no NUL, NaN or half surrogate pair, which the jsonb column cannot store.
            return loads_bounded(text, max_depth=settings.API_JSON_MAX_DEPTH)
        except ValueError:
            raise forms.ValidationError(
                _("Write the conditions as JSON."), code="filter_invalid"
            ) from None

    def clean_masking(self):
        rules = {}
        for line in self.cleaned_data["masking"].splitlines():
            if line.strip():
                name, _sep, rule = line.partition("=")
                rules[name.strip()] = rule.strip()
        return rules

    def clean(self):
        data = super().clean()
        number, resource = data.get("pinned_version"), data.get("resource")
        if number and resource:
            version = DatasetVersion.objects.filter(resource_id=resource, number=number).first()
            if version is None:
                self.add_error("pinned_version", _("The resource has no such version."))
            data["pinned_version"] = version.pk if version else None
        return data

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        masking = data.pop("masking")
        fields = [
            {"name": name, **({"masking": masking[name]} if masking.get(name) else {})}
            for name in _split(data.pop("fields"))
        ]
        data["sources"] = [
            {
                "resource": data.pop("resource"),
                "pinned_version": data.pop("pinned_version"),
                "fields": fields,
                "row_filter": data.pop("row_filter"),
            }
        ]
        data["scenarios"] = _split(data["scenarios"])
        data["price"] = data["price"] if data["price"] is not None else 0
        return data
