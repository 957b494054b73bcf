"""`{{ resource|local_name }}`, `{{ resource|local_name:"description" }}`: see apps.core.names;
the figures: `thousands` (counts, quotas), `yuan` (money)."""

from decimal import Decimal, InvalidOperation

from django import template

from apps.core.names import english_ui
from apps.core.names import listing as _listing
from apps.core.names import local_name as _local_name

register = template.Library()


@register.filter
def local_name(obj, field: str = "name") -> str:
    return _local_name(obj, field)


@register.filter
def thousands(value):
    """1234567.5 -> "1,234,567.5": amounts and counts read at a glance (both languages
    group digits by three with a comma). Anything that is not a number passes through."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if number == number.to_integral_value() and "." not in str(value):
        return f"{int(number):,}"
    return f"{number:,}"


@register.filter
def yuan(value):
    """An amount of money to the fen, digits grouped: 1234.5 -> "1,234.50". Prices,
    statements, revenue and caps read alike on every page (counts take `thousands`,
    byte sizes Django's `filesizeformat`). Anything that is not a number passes through."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return value
    return f"{number:,}"


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width on a Chinese page (it carries its own space),
    `: ` in English."""
    return ": " if english_ui() else "："


@register.filter
def listing(items) -> str:
    """See apps.core.names.listing."""
    return _listing(items)
