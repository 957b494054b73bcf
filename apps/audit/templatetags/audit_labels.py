"""`{{ event.action|audit_action }}`: see apps.audit.labels."""

from django import template

from apps.audit.labels import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)
