"""Regulator console: the holiday calendar working-day deadlines count with."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.console.views import regulator_required
from apps.core.converters import parse_id
from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, run_action
from apps.core.permissions import MANAGE
from apps.grants import selectors, services
from apps.grants.forms import HolidayForm, HolidayImportForm
from apps.grants.models import Holiday
from apps.workflow import policy
from apps.workflow.policy import get_object_for


def _year(request) -> int:
    year = parse_id(request.GET.get("year", "")) or 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require_http_methods(["GET", "POST"])
@regulator_required
def holidays(request):
    """The year's calendar; POST adds (or renames) one day."""
    year = _year(request)
    if request.method == "POST":
        policy.require(request.user, MANAGE, Holiday)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_add(user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return _to_year(form.cleaned_data["day"].year)
    return _page(request, year, form, HolidayImportForm(initial={"year": year}))


@require_POST
@regulator_required
def holiday_import(request):
    policy.require(request.user, MANAGE, Holiday)
    form = HolidayImportForm(request.POST)
    if form.is_valid():
        try:
            count = services.holidays_import(user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("%(count)d days imported.") % {"count": count})
            return _to_year(form.cleaned_data["year"])
    return _page(request, _year(request), HolidayForm(), form)


@require_POST
@regulator_required
def holiday_delete(request, pk: int):
    holiday = get_object_for(request.user, Holiday, pk, MANAGE)
    year = holiday.day.year
    run_action(request, lambda: services.holiday_remove(user=request.user, holiday=holiday))
    return _to_year(year)


def _to_year(year: int):
    return redirect(f"{reverse('console:holidays')}?year={year}")


def _page(request, year: int, form, import_form):
    context = {
        "year": year,
        "days": selectors.holiday_list(user=request.user, year=year),
        "form": form,
        "import_form": import_form,
        "can_manage": policy.may(request.user, MANAGE, Holiday),
    }
    return render(request, "console/holidays.html", context)
