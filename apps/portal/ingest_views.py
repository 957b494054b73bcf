"""Portal pages of dataset ingestion: upload a file, watch its job, preview the rows."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from apps.catalog.choices import IngestStatus
from apps.catalog.ingest import selectors, services
from apps.catalog.ingest.previews import dataset_preview_open
from apps.catalog.ingest.validate import REASONS
from apps.catalog.models import DataResource, DatasetUpload
from apps.core.exceptions import DomainError
from apps.core.forms import record_web_refusal
from apps.core.permissions import MANAGE
from apps.workflow.policy import get_object_for


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Data file"),
        help_text=gettext_lazy(
            "CSV (UTF-8, UTF-8 with BOM, GBK or GB18030), XLSX or JSON Lines. The first row "
            "holds the field names."
        ),
    )


@login_required
def upload(request, pk: int):
    resource = get_object_for(request.user, DataResource, pk, MANAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.dataset_upload_create(
                resource=resource, uploaded_file=form.cleaned_data["file"], user=request.user
            )
        except DomainError as error:
            record_web_refusal(request, error)
            form.add_error("file", error.message)
        else:
            return redirect("portal:upload_status", pk=created.pk)
    context = {
        "resource": resource,
        "form": form,
        "fields": resource.fields.all(),
        "uploads": selectors.upload_list(resource=resource, user=request.user)[:10],
    }
    return render(request, "portal/ingest/upload.html", context)


@never_cache
@login_required
def upload_status(request, pk: int):
    item = get_object_for(request.user, DatasetUpload, pk)
    # Reasons are stored in English by the worker; show them in the reader's language.
    problems = [
        {**p, "reason": _(REASONS[p["code"]]) if p.get("code") in REASONS else p.get("reason")}
        for p in item.problems
    ]
    context = {
        "upload": item,
        "resource": item.resource,
        "running": item.status in (IngestStatus.PENDING, IngestStatus.RUNNING),
        "problems": problems,
        # Fixed failure sentences are stored untranslated (gettext_noop): translate here.
        "error": _(item.error) if item.error else "",
        "percent": round(item.progress * 100),
    }
    return render(request, "portal/ingest/status.html", context)


@login_required
def preview(request, pk: int):
    resource = selectors.resource_for_preview(user=request.user, pk=pk)
    data = dataset_preview_open(resource=resource, user=request.user)
    return render(request, "portal/ingest/preview.html", {"resource": resource, **data})
