"""`{{ mode|delivery_mode }}`, `{{ field.masking|masking_rule }}`: a product's codes as
the grant page shows them (apps.grants.pages); a code not in the vocabulary as itself."""

from django import template

from apps.catalog.choices import MaskingRule
from apps.core.names import choice_label
from apps.products.choices import DeliveryMode

register = template.Library()


@register.filter
def delivery_mode(code: str) -> str:
    return choice_label(DeliveryMode, code)


@register.filter
def masking_rule(code: str) -> str:
    return choice_label(MaskingRule, code or MaskingRule.NONE)
