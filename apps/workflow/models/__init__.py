"""Kernel models; each part lives in its own module and is re-exported here."""

from apps.workflow.models.outbox import OutboxItem, OutboxStatus

__all__ = ["OutboxItem", "OutboxStatus"]
