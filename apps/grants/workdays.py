"""Working days by the Chinese calendar: Monday to Friday, except public holidays, plus
the weekend days worked in their place (调休). The regulator keeps the `Holiday` table.

`add_working_days(start, n)`: the n-th working day after `start` (`start` itself is
not counted; n = 0 gives `start`). `working_days_between(a, b)`: how many working days
lie in (a, b] (negative when b is before a), so that
`working_days_between(a, add_working_days(a, n)) == n`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.grants.choices import DayKind


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def calendar_between(start: date, end: date) -> Calendar:
    """The holidays and worked weekend days between two dates, from the database."""
    from apps.grants.models import Holiday

    rows = Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind")
    holidays = {day for day, kind in rows if kind == DayKind.HOLIDAY}
    return Calendar(frozenset(holidays), frozenset(day for day, _k in rows) - holidays)


def _calendar_for(start: date, days: int, calendar: Calendar | None) -> Calendar:
    # Long Chinese holidays cost at most a few extra weeks: read a generous window once.
    return calendar or calendar_between(start, start + timedelta(days=days * 2 + 60))


def add_working_days(start: date, n: int, calendar: Calendar | None = None) -> date:
    if n < 0:
        raise ValueError("n must not be negative")
    cal = _calendar_for(start, n, calendar)
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    return day


def working_days_between(a: date, b: date, calendar: Calendar | None = None) -> int:
    if b < a:
        return -working_days_between(b, a, calendar)
    cal = calendar or calendar_between(a, b)
    return sum(1 for i in range(1, (b - a).days + 1) if cal.is_working_day(a + timedelta(days=i)))


def due_at(start: datetime, days: int, calendar: Calendar | None = None) -> datetime:
    """A step opened at `start` with `days` working days is due at the end of the
    `days`-th working day after the day it opened (local time)."""
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    day = add_working_days(local.date(), days, calendar)
    end = datetime.combine(day, time(23, 59, 59))
    return timezone.make_aware(end) if timezone.is_aware(start) else end
