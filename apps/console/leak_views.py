"""Leak tracing (regulator only): upload a leaked file, see which grants it most likely
came from (apps.delivery.leaks; every trace audited). The file is read in memory and
not kept."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.console.views import regulator_required
from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error
from apps.delivery.leaks import leak_trace_file


class LeakForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Leaked file"),
        help_text=gettext_lazy("CSV (UTF-8 or GB18030), JSON Lines or Parquet."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DELIVERY_LEAK_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload


@regulator_required
def trace(request):
    form = LeakForm(request.POST or None, request.FILES or None)
    ranking = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ranking = leak_trace_file(upload, upload.name, actor=request.user)
        except DomainError as error:
            add_domain_error(form, error, request, aliases={})
    context = {"form": form, "ranking": ranking}
    return render(request, "console/leak_trace.html", context)
