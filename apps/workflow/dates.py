"""Calendar arithmetic shared by the life cycles (validity in years, not 365-day blocks)."""

from datetime import date, datetime


def add_years(day: date | datetime, years: int) -> date | datetime:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
