"""`{{ resource|local_name }}`, `{{ resource|local_name:"description" }}`: see apps.core.names."""

from decimal import Decimal, InvalidOperation

from django import template

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
