"""`{{ event.action|audit_action }}`, `{{ event.target_type|audit_target }}`,
`{{ event.actor_role|audit_role }}`: see apps.audit.labels."""

from django import template

from apps.audit.labels import action_label, role_label, target_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.filter
def audit_target(target_type: str) -> str:
    return target_label(target_type)


@register.filter
def audit_role(code: str) -> str:
    return role_label(code)
