"""`{{ mode|delivery_mode }}`, `{{ field.masking|masking_rule }}`: a product's codes as
the grant page shows them (apps.grants.pages); a code not in the vocabulary as itself."""

from django import template

from apps.catalog.choices import MaskingRule
from apps.products.choices import DeliveryMode

register = template.Library()


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else value


@register.filter
def delivery_mode(code: str) -> str:
    return _label(DeliveryMode, code)


@register.filter
def masking_rule(code: str) -> str:
    return _label(MaskingRule, code or MaskingRule.NONE)
