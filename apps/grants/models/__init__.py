"""Models of apps.grants: routing rules and the calendar, access applications and the
grants they issue."""

from apps.grants.models.application import (
    AccessApplication,
    ApplicationAttachment,
    ApplicationMessage,
)
from apps.grants.models.grant import Grant, GrantKey
from apps.grants.models.routing import Holiday, PolicyQuerySet, RoutingRule, RuleSet

__all__ = [
    "AccessApplication",
    "ApplicationAttachment",
    "ApplicationMessage",
    "Grant",
    "GrantKey",
    "Holiday",
    "PolicyQuerySet",
    "RoutingRule",
    "RuleSet",
]
