"""Delivery's models, one module per concern; each is imported here so Django finds it."""

from apps.delivery.models.statements import Statement, StatementLine
from apps.delivery.models.usage import UsageDay, UsageEvent

__all__ = ["Statement", "StatementLine", "UsageDay", "UsageEvent"]
