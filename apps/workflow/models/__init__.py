"""Kernel models; each part lives in its own module and is re-exported here."""

from apps.workflow.models.history import StatusHistory
from apps.workflow.models.notice import Notice, NoticeOutcome, Objection
from apps.workflow.models.notification import (
    Notification,
    NotificationCategory,
    NotificationPreference,
)
from apps.workflow.models.outbox import OutboxItem, OutboxStatus
from apps.workflow.models.review import Decision, ReviewStep

__all__ = [
    "Decision",
    "Notice",
    "NoticeOutcome",
    "Notification",
    "NotificationCategory",
    "NotificationPreference",
    "Objection",
    "OutboxItem",
    "OutboxStatus",
    "ReviewStep",
    "StatusHistory",
]
