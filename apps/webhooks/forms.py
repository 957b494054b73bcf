from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import InvalidInput
from apps.core.names import in_parentheses
from apps.webhooks.choices import DeliveryStatus
from apps.webhooks.urlguard import url_check
from apps.workflow import events


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"), max_length=500, help_text=_("https:// only; private addresses are refused.")
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, check_url: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_url = check_url  # only for who may manage: a look-up costs and tells
        self.fields["event_types"].choices = [
            (name, f"{label}{in_parentheses(name)}") for name, label in events.event_types().items()
        ]
        self.refusal: InvalidInput | None = None  # the URL's, for the page to record

    def clean_url(self):
        """The service's own check (it checks again), so that a refused URL is reported on
        its field together with the form's other errors, not in a second round."""
        url = self.cleaned_data["url"].strip()
        if not self.check_url:
            return url
        try:
            url_check(url)
        except InvalidInput as error:
            self.refusal = error
            raise forms.ValidationError(str(error.message), code=error.code) from None
        return url


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DeliveryStatus.choices]
    )
