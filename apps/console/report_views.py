"""Regulator console: supervision reports. A regulator picks a month or a year; a worker
writes the report (apps.console.report_jobs) while the page shows its progress; the
report then reads on the page and downloads as XLSX or PDF (each download audited)."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from apps.audit.choices import Retention
from apps.audit.services import audit_record
from apps.console import report_jobs
from apps.console.report_figures import ANNUAL, MONTHLY
from apps.console.views import regulator_required
from apps.core.http import file_response
from apps.core.tables import XLSX_TYPE
from apps.workflow.models import OutboxItem

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"), choices=[(MONTHLY, _("Monthly")), (ANNUAL, _("Annual"))]
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == MONTHLY and not data.get("month"):
            self.add_error("month", _("Choose the month of a monthly report."))
        return data


@require_http_methods(["GET", "POST"])
@regulator_required
def reports(request):
    today = timezone.localdate()
    last_month = today.replace(day=1) - timezone.timedelta(days=1)
    initial = {"kind": MONTHLY, "year": last_month.year, "month": last_month.month}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = report_jobs.report_start(
            user=request.user,
            kind=data["kind"],
            year=data["year"],
            month=data.get("month"),
            language=translation.get_language(),
        )
        return redirect("console:report_job", pk=item.pk)
    context = {"form": form, "jobs": report_jobs.report_list()}
    return render(request, "console/reports/index.html", context)


@regulator_required
def report_job(request, pk: int):
    job = get_object_or_404(OutboxItem, pk=pk, topic=report_jobs.REPORT)
    context = {"job": job, "name": report_jobs.report_name(job.payload)}
    if job.status == "done" and job.result:
        context.update(report_jobs.report_context(job, job.result["figures"]))
    return render(request, "console/reports/job.html", context)


@require_http_methods(["GET"])  # a HEAD would record a download that delivers nothing
@regulator_required
def report_file(request, pk: int, fmt: str):
    job = get_object_or_404(OutboxItem, pk=pk, topic=report_jobs.REPORT, status="done")
    path = report_jobs.report_path(job, fmt) if fmt in CONTENT_TYPES else None
    if path is None or not path.is_file():
        raise Http404
    audit_record(
        actor=request.user, action="console.report.download", target=job, request=request,
        data={"format": fmt, **{k: job.payload.get(k) for k in ("kind", "year", "month")}},
        retention=Retention.ACCESS,
    )  # fmt: skip
    return file_response(path.read_bytes(), CONTENT_TYPES[fmt], path.name)
