from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.audit.choices import Outcome
from apps.core.converters import ID_MAX
from apps.core.forms import DateTimeField

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    organization = forms.IntegerField(
        label=_("Organization id"), required=False, min_value=1, max_value=ID_MAX
    )
    action = forms.CharField(label=_("Action"), required=False, help_text=_("e.g. auth.login"))
    target_type = forms.CharField(label=_("Target type"), required=False)
    target_id = forms.CharField(label=_("Target id"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    # A picker of the local date and time ("2026-05-01T08:00", which the field reads).
    since = DateTimeField(label=pgettext_lazy("time range", "From"), required=False, widget=MOMENT)
    until = DateTimeField(label=pgettext_lazy("time range", "Until"), required=False, widget=MOMENT)
