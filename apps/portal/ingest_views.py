"""Portal pages of dataset ingestion: upload a file, watch its job, preview the rows."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from apps.catalog.choices import IngestStatus
from apps.catalog.ingest import mapping, selectors, services
from apps.catalog.ingest.normalize import FORMS
from apps.catalog.ingest.previews import dataset_preview_open
from apps.catalog.ingest.validate import REASONS
from apps.catalog.models import DataResource, DatasetUpload
from apps.core.exceptions import DomainError
from apps.core.forms import record_web_refusal
from apps.core.names import in_parentheses, local_name
from apps.core.permissions import MANAGE
from apps.workflow.policy import get_object_for


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Data file"),
        help_text=gettext_lazy(
            "CSV (UTF-8, UTF-8 with BOM, GBK or GB18030), XLSX or JSON Lines. The first row "
            "holds the field names or labels; columns that match no field are mapped in the "
            "next step."
        ),
    )


@login_required
def upload(request, pk: int):
    resource = get_object_for(request.user, DataResource, pk, MANAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.dataset_upload_create(
                resource=resource,
                uploaded_file=form.cleaned_data["file"],
                user=request.user,
                hold_unmatched=True,
            )
        except DomainError as error:
            record_web_refusal(request, error)
            form.add_error("file", error.message)
        else:
            if created.status == IngestStatus.MAPPING:
                return redirect("portal:upload_mapping", pk=created.pk)
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
    normalized = [
        {"field": name, "form": _(FORMS[form]) if form in FORMS else form, "count": count}
        for name, forms in (item.normalized or {}).items()
        for form, count in forms.items()
    ]
    context = {
        "upload": item,
        "normalized": normalized,
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


class MappingForm(forms.Form):
    """One choice per file column: the field it fills, or nothing."""

    def __init__(self, *args, columns: list[dict], fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns, self.fields_by_name = columns, {f.name: f for f in fields}
        choices = [("", gettext_lazy("— leave this column out —"))] + [
            (f.name, f"{local_name(f, 'label')}{in_parentheses(f.name)}") for f in fields
        ]
        for i, column in enumerate(columns):
            self.fields[f"column_{i}"] = forms.ChoiceField(
                label=column["name"], choices=choices, required=False, initial=column["target"]
            )

    def rows(self):
        return [(column, self[f"column_{i}"]) for i, column in enumerate(self.columns)]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"column_{i}") for i in range(len(self.columns))]
        taken = [name for name in chosen if name]
        for name in sorted({n for n in taken if taken.count(n) > 1}):
            self.add_error(
                None,
                _("Two columns fill the field “%(field)s”; choose one.")
                % {"field": self.fields_by_name[name].label},
            )
        missing = [f.label for name, f in self.fields_by_name.items() if name not in taken]
        if missing:
            self.add_error(
                None, _("No column fills these fields: %(fields)s") % {"fields": "、".join(missing)}
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {
            column["name"]: self.cleaned_data.get(f"column_{i}") or ""
            for i, column in enumerate(self.columns)
        }


@never_cache
@login_required
def upload_mapping(request, pk: int):
    """The mapping step: file column → field, with the first rows, for a held upload."""
    item = get_object_for(request.user, DatasetUpload, pk, MANAGE)
    if item.status != IngestStatus.MAPPING:
        return redirect("portal:upload_status", pk=item.pk)
    if request.method == "POST" and "discard" in request.POST:
        mapping.dataset_upload_discard(upload=item, user=request.user)
        return redirect("portal:resource_upload", pk=item.resource_id)
    proposal = selectors.upload_mapping_proposal(upload=item)
    fields = list(item.resource.fields.all())
    form = MappingForm(request.POST or None, columns=proposal["columns"], fields=fields)
    if request.method == "POST" and form.is_valid():
        try:
            mapping.dataset_upload_map(upload=item, mapping=form.mapping(), user=request.user)
        except DomainError as error:
            record_web_refusal(request, error)
            form.add_error(None, error.message)
        else:
            return redirect("portal:upload_status", pk=item.pk)
    context = {"upload": item, "resource": item.resource, "form": form, **proposal}
    return render(request, "portal/ingest/mapping.html", context)
