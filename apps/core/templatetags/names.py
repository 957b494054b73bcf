"""`{{ resource|local_name }}`, `{{ resource|local_name:"description" }}`, `{% colon %}`,
`{{ text|in_parentheses }}`, `{{ items|listing }}`: see apps.core.names; the figures:
`thousands` (counts, quotas), `yuan` (money), `plain` (a query's decimals); `breakable`
(identifiers in a narrow column)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from apps.core.names import colon as _colon
from apps.core.names import in_parentheses as _in_parentheses
from apps.core.names import listing as _listing
from apps.core.names import local_name as _local_name

register = template.Library()


@register.filter
def local_name(obj, field: str = "name") -> str:
    return _local_name(obj, field)


@register.filter
def local_names(objects) -> list[str]:
    """`{{ resource.themes.all|local_names|listing }}`: each one's name in the current
    language."""
    return [_local_name(obj) for obj in objects or ()]


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
def plain(value):
    """A query's cell as typed in: a Decimal without the zeros its column's scale pads it
    with (DECIMAL(38,10): 10.7000000000 -> "10.7", 1020.0000000000 -> "1020"); anything
    else as it is."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    return _colon()


@register.filter
def in_parentheses(text):
    """`{{ size|in_parentheses }}`: ` (1 KB)` in English, `（1 KB）` on a Chinese page;
    the text is escaped unless it is already safe (a `blocktranslate ... asvar`)."""
    return format_html(_in_parentheses("{}"), text)


@register.filter
def listing(items) -> str:
    """See apps.core.names.listing."""
    return _listing(items)


@register.filter
def breakable(code) -> str:
    """`credit_code` and `DECIMAL(38,10)` with a line break allowed after each `_` and
    before a `(` (`<wbr>`), so a narrow column wraps them there, not inside a word."""
    text = escape(code)
    return mark_safe(text.replace("_", "_<wbr>").replace("(", "<wbr>("))  # noqa: S308
