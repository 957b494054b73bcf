"""Delivery's models, one module per concern; each is imported here so Django finds it."""

from apps.delivery.models.alerts import Alert
from apps.delivery.models.exports import Export
from apps.delivery.models.sandbox import SandboxDecision, SandboxQuery
from apps.delivery.models.statements import Statement, StatementLine
from apps.delivery.models.usage import UsageDay, UsageEvent

__all__ = [
    "Alert",
    "Export",
    "SandboxDecision",
    "SandboxQuery",
    "Statement",
    "StatementLine",
    "UsageDay",
    "UsageEvent",
]
