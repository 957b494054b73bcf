"""Working days over weekends, holidays and the weekend days worked in their place."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apps.grants.choices import DayKind
from apps.grants.models import Holiday
from apps.grants.workdays import Calendar, add_working_days, due_at, working_days_between

# National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October worked.
NATIONAL_DAY = Calendar(
    holidays=frozenset(date(2025, 10, d) for d in range(1, 9)),
    workdays=frozenset({date(2025, 9, 28), date(2025, 10, 11)}),
)


def test_weekends_are_skipped():
    friday = date(2025, 6, 6)
    assert add_working_days(friday, 1, Calendar()) == date(2025, 6, 9)
    assert add_working_days(friday, 5, Calendar()) == date(2025, 6, 13)
    assert add_working_days(friday, 0, Calendar()) == friday


def test_holidays_are_skipped_and_worked_weekend_days_count():
    friday = date(2025, 9, 26)
    assert add_working_days(friday, 1, NATIONAL_DAY) == date(2025, 9, 28)  # a Sunday worked
    assert add_working_days(friday, 3, NATIONAL_DAY) == date(2025, 9, 30)
    assert add_working_days(friday, 4, NATIONAL_DAY) == date(2025, 10, 9)
    assert add_working_days(friday, 6, NATIONAL_DAY) == date(2025, 10, 11)  # a Saturday worked


def test_working_days_between_counts_the_days_after_the_first():
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9), NATIONAL_DAY) == 1
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30), NATIONAL_DAY) == -1
    assert working_days_between(date(2025, 6, 6), date(2025, 6, 6), Calendar()) == 0


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 1, 1), -1, Calendar())


@given(
    start=st.dates(min_value=date(2025, 9, 1), max_value=date(2025, 10, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_counting_back_gives_the_number_added(start, n):
    end = add_working_days(start, n, NATIONAL_DAY)
    assert working_days_between(start, end, NATIONAL_DAY) == n
    assert n == 0 or NATIONAL_DAY.is_working_day(end)


@pytest.mark.django_db
def test_the_calendar_is_read_from_the_holiday_table():
    Holiday.objects.create(day=date(2026, 1, 1), name="元旦")
    Holiday.objects.create(day=date(2026, 1, 4), name="元旦调休", kind=DayKind.WORKDAY)
    wednesday = date(2025, 12, 31)
    assert add_working_days(wednesday, 1) == date(2026, 1, 2)
    assert add_working_days(wednesday, 2) == date(2026, 1, 4)  # the Sunday worked
    assert working_days_between(wednesday, date(2026, 1, 5)) == 3


@pytest.mark.django_db
def test_a_step_is_due_at_the_end_of_its_last_working_day():
    opened = timezone.make_aware(datetime(2025, 6, 6, 15, 0))
    due = timezone.localtime(due_at(opened, 1))
    assert due.date() == date(2025, 6, 9) and due.hour == 23
    assert due - opened > timedelta(days=3)
