"""Web forms for routing rules, the preview and the calendar: structured fields (check
boxes, numbers), no JSON to type. They only parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.converters import ID_MAX
from apps.core.forms import DateField, date_input
from apps.grants.choices import (
    ApplicationKind,
    ApplicationStatus,
    Classification,
    DayKind,
    Decision,
    DeliveryMode,
    Flag,
    GrantStatus,
    OpenType,
    StepKind,
    UseType,
)
from apps.grants.routing import ApplicationFacts, Conditions

LIST_CONDITIONS = {
    "kinds": (_("application kinds"), ApplicationKind.choices),
    "classification_any": (_("some source resource is classified"), Classification.choices),
    "classification_all": (_("every source resource is classified"), Classification.choices),
    "open_type_all": (_("every source resource is open as"), OpenType.choices),
    "use_types": (_("use"), UseType.choices),
    "delivery_any": (_("some delivery mode is"), DeliveryMode.choices),
}


def _checkboxes(label, choices, required=False):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
    )


class RuleForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=100000,
        initial=100,
        help_text=_("Rules are read from the lowest position up."),
    )
    personal = forms.ChoiceField(label=_("personal fields requested"), choices=Flag.choices)
    sensitive = forms.ChoiceField(
        label=_("sensitive personal fields requested"), choices=Flag.choices
    )
    automatic = forms.BooleanField(
        label=_("automatic (the automated checks alone decide)"), required=False
    )
    final = forms.BooleanField(label=_("stop after this rule"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, choices) in LIST_CONDITIONS.items():
            self.fields[name] = _checkboxes(label, choices)
        for kind, label in StepKind.choices:
            self.fields[f"step_{kind}"] = forms.IntegerField(
                label=_("%(step)s: working days") % {"step": label},
                required=False,
                min_value=1,
                max_value=60,
                help_text=_("Empty: this rule does not add the step."),
            )

    @property
    def condition_fields(self):
        names = [*LIST_CONDITIONS, "personal", "sensitive"]
        return [self[name] for name in names]

    @property
    def step_fields(self):
        return [self[f"step_{kind}"] for kind in StepKind.values]

    def to_data(self) -> dict:
        data = self.cleaned_data
        conditions = {name: data[name] for name in LIST_CONDITIONS}
        conditions.update(personal=data["personal"], sensitive=data["sensitive"])
        return {
            "name": data["name"],
            "position": data["position"],
            "conditions": conditions,
            "steps": {k: data[f"step_{k}"] for k in StepKind.values if data[f"step_{k}"]},
            "automatic": data["automatic"],
            "final": data["final"],
        }

    @staticmethod
    def initial_from(rule) -> dict:
        conditions = Conditions.from_dict(rule.conditions)
        initial = {
            "name": rule.name,
            "position": rule.position,
            "automatic": rule.automatic,
            "final": rule.final,
            "personal": conditions.personal,
            "sensitive": conditions.sensitive,
        }
        initial.update({name: list(getattr(conditions, name)) for name in LIST_CONDITIONS})
        initial.update({f"step_{k}": v for k, v in (rule.steps or {}).items()})
        return initial


class PreviewForm(forms.Form):
    """The facts of an imagined application (read from GET: a preview changes nothing)."""

    version = forms.TypedChoiceField(label=_("rule set version"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("kind"), choices=ApplicationKind.choices)
    classifications = _checkboxes(
        _("classifications of the source resources"), Classification.choices, required=True
    )
    open_types = _checkboxes(_("open types of the source resources"), OpenType.choices, True)
    personal = forms.BooleanField(label=_("personal fields requested"), required=False)
    sensitive = forms.BooleanField(label=_("sensitive personal fields requested"), required=False)
    use_type = forms.ChoiceField(label=_("use"), choices=UseType.choices)
    delivery_modes = _checkboxes(_("delivery modes"), DeliveryMode.choices)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [
            (v.pk, f"v{v.version} · {v.get_status_display()}") for v in versions
        ]

    def facts(self) -> ApplicationFacts:
        d = self.cleaned_data
        return ApplicationFacts(
            classifications=frozenset(d["classifications"]),
            open_types=frozenset(d["open_types"]),
            personal=d["personal"],
            sensitive=d["sensitive"],
            use_type=d["use_type"],
            delivery_modes=frozenset(d["delivery_modes"]),
            kind=d["kind"],
        )


class HolidayForm(forms.Form):
    day = DateField(label=_("date"), widget=date_input())
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=DayKind.choices)


class HolidayImportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("days, one a line"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("YYYY-MM-DD name [holiday|workday]; replaces that year's calendar."),
    )


# Applications and grants: the forms the portal and the console share ------------------


class DecideForm(forms.Form):
    """A reviewer's decision on the open step named by `step` (hidden)."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)
    decision = forms.ChoiceField(
        label=_("decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every decision carries a comment; the applicant reads it."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GrantActionForm(forms.Form):
    """Suspend, resume or revoke a grant; suspension and revocation need a reason."""

    reason = forms.CharField(
        label=_("reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _optional(label, choices):
    return forms.ChoiceField(label=label, choices=[("", _("All")), *choices], required=False)


class ApplicationFilterForm(forms.Form):
    status = _optional(_("status"), ApplicationStatus.choices)
    kind = _optional(_("kind"), ApplicationKind.choices)
    q = forms.CharField(label=_("search"), max_length=100, required=False)


class QueueFilterForm(forms.Form):
    step = _optional(_("step"), StepKind.choices)
    q = forms.CharField(label=_("search"), max_length=100, required=False)


class GrantFilterForm(forms.Form):
    status = _optional(_("status"), GrantStatus.choices)
    q = forms.CharField(label=_("search"), max_length=100, required=False)


def filters_of(form) -> dict:
    """The valid, non-empty filters of a GET form: a bad value drops that filter only."""
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v}
