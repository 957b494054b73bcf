"""Every date the platform takes from a user is within 1900-01-01..2199-12-31
(apps.core.dates): the ends of Python's calendar broke the arithmetic behind terms,
reminders and renewals (500s)."""

import re
from datetime import date
from pathlib import Path

import pytest

from apps.core.api.serializers import DateField as ApiDateField
from apps.core.forms import DateField as FormDateField
from tests.conftest import login_web

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.mark.parametrize("text", ["1900-01-01", "2026-12-03", "2199-12-31"])
def test_dates_within_the_calendar_are_taken(text):
    assert ApiDateField().run_validation(text) == date.fromisoformat(text)
    assert FormDateField().clean(text) == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_dates_beyond_it_are_refused_with_the_range(text):
    from django import forms
    from rest_framework import serializers

    with pytest.raises(serializers.ValidationError) as refused:
        ApiDateField().run_validation(text)
    assert "1900-01-01" in str(refused.value.detail[0])
    with pytest.raises(forms.ValidationError) as refused:
        FormDateField().clean(text)
    assert refused.value.code == "out_of_range"


def test_no_date_input_of_the_apps_is_unbounded():
    unbounded = re.compile(r"\b(serializers|forms)\.DateField\(")
    found = [
        f"{path.relative_to(APPS)}:{number}"
        for path in APPS.rglob("*.py")
        if path.parts[-2:-1] != ("migrations",) and not path.is_relative_to(APPS / "core")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if unbounded.search(line)
    ]
    assert not found, f"use apps.core's bounded DateField: {found}"


@pytest.mark.django_db
def test_a_holiday_in_year_9999_is_a_form_error(client, regulator):
    from apps.grants.models import Holiday

    login_web(client, regulator)
    page = client.post("/console/holidays/", {"day": "9999-12-31", "kind": "holiday", "name": "x"})
    assert page.status_code == 200
    assert "1900-01-01" in str(page.context["form"].errors)
    assert not Holiday.objects.exists()
