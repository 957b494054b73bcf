"""The calendar the platform takes from its users: 1900-01-01 to 2199-12-31.

Terms, expiry dates, holidays and coverage outside it are typing mistakes or probes, and
the ends of Python's calendar (year 1, year 9999) break the date arithmetic behind them
(an agreement's five-year bound, reminders, the day after a term): a bounded field refuses
them as a 400 or a form error before any of that runs (apps.core.api.serializers.DateField,
apps.core.forms.DateField)."""

from datetime import date

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


def date_in_range(day: date) -> bool:
    return DATE_MIN <= day <= DATE_MAX


def range_params() -> dict[str, str]:
    return {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
