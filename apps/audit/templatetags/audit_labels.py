"""`{{ event.action|audit_action }}`, `{{ event.target_type|audit_target }}`,
`{{ event.actor_role|audit_role }}`: see apps.audit.labels; `{{ event.reason|audit_reason }}`:
the sentence of a refusal code, empty for a reason that is no code (apps.audit.reasons)."""

from django import template

from apps.audit.labels import action_label, role_label, target_label
from apps.audit.reasons import reason_label

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


@register.filter
def audit_reason(code: str) -> str:
    return reason_label(code) or ""
