from django import forms
from django.utils.translation import gettext_lazy as _

from apps.audit.choices import Outcome
from apps.core.converters import ID_MAX
from apps.core.forms import DateTimeField


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
    since = DateTimeField(label=_("From"), required=False)
    until = DateTimeField(label=_("Until"), required=False)
