"""Web forms for resource metadata. They only parse; apps.catalog.validation decides."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from apps.catalog import selectors
from apps.catalog.choices import (
    FOLLOW_UP_KIND_CHOICES,
    Classification,
    DataFormat,
    FieldType,
    MaskingRule,
    OpenType,
    PersonalInfo,
    UpdateFrequency,
)
from apps.catalog.metadata import FIELD_KEYS
from apps.catalog.validation import FIELD_NAME, MAX_FIELDS
from apps.core.forms import DateField, date_input
from apps.core.names import local_name


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("English description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source_system = forms.CharField(label=_("source system"), max_length=200, required=False)
    themes = forms.MultipleChoiceField(
        label=_("themes"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    tags = forms.CharField(label=_("tags"), required=False, help_text=_("Separate with commas."))
    update_frequency = forms.ChoiceField(
        label=_("update frequency"), choices=UpdateFrequency.choices
    )
    spatial_coverage = forms.CharField(label=_("spatial coverage"), max_length=200, required=False)
    temporal_start = DateField(
        label=_("temporal coverage from"), required=False, widget=date_input()
    )
    temporal_end = DateField(label=_("temporal coverage to"), required=False, widget=date_input())
    data_format = forms.ChoiceField(label=_("format"), choices=DataFormat.choices)
    # No default: a provider must choose (the first choice used to be core data).
    classification = forms.ChoiceField(
        label=_("classification"), choices=[("", _("— choose —")), *Classification.choices]
    )
    general_grade = forms.TypedChoiceField(
        label=_("general data grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(i, str(i)) for i in range(1, 5)]],
    )
    open_type = forms.ChoiceField(label=_("open type"), choices=OpenType.choices)
    in_operation_scope = forms.BooleanField(
        label=_("in scope for authorized operation"), required=False, initial=True
    )
    contact_name = forms.CharField(label=_("contact"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.code, local_name(t)) for t in selectors.theme_list()]

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [t.strip() for t in data["tags"].replace("，", ",").split(",") if t.strip()]
        return data

    @staticmethod
    def initial_from(snapshot: dict) -> dict:
        return {**snapshot, "tags": ", ".join(snapshot.get("tags") or [])}


class FieldForm(forms.Form):
    name = forms.CharField(label=_("field name"), max_length=64)
    label = forms.CharField(label=_("label"), max_length=100, required=False)
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    data_type = forms.ChoiceField(label=_("type"), choices=FieldType.choices)
    description = forms.CharField(label=_("description"), max_length=500, required=False)
    unit = forms.CharField(label=_("unit"), max_length=30, required=False)
    nullable = forms.BooleanField(label=_("may be empty"), required=False, initial=True)
    personal_info = forms.ChoiceField(label=_("personal information"), choices=PersonalInfo.choices)
    masking = forms.ChoiceField(label=_("default masking"), choices=MaskingRule.choices)

    def clean_name(self):
        # The same rule as apps.catalog.validation, said next to the row it concerns.
        name = self.cleaned_data["name"]
        if not FIELD_NAME.match(name):
            raise forms.ValidationError(
                _("Letters, digits and _ only, not starting with a digit."), code="field_name"
            )
        return name

    def has_changed(self):
        # A spare row without a name is blank, whatever its checkbox defaults say.
        return bool((self.data.get(self.add_prefix("name")) or "").strip())


# At most MAX_FIELDS rows, however large the management form's TOTAL_FORMS claims to be
# (Django would otherwise build and render up to 1,000 forms for a forged count).
FieldFormSet = formset_factory(
    FieldForm,
    extra=3,
    can_delete=True,
    max_num=MAX_FIELDS,
    absolute_max=MAX_FIELDS,
    validate_max=True,
)


def fields_from(formset) -> list[dict]:
    return [
        {key: form.cleaned_data[key] for key in FIELD_KEYS}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("registration kind"),
        choices=FOLLOW_UP_KIND_CHOICES,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
