"""Alerts as a caller may read them (apps.delivery.rules says who sees which)."""

from django.db.models import QuerySet

from apps.audit.models import AuditEvent
from apps.audit.selectors import person_hidden
from apps.core.permissions import VIEW
from apps.delivery.choices import AlertRule, AlertStatus
from apps.delivery.models import Alert


def alert_list(*, user, rule: str = "", status: str = "", grant: str = "") -> QuerySet:
    rows = Alert.objects.restrict(user, VIEW).select_related(
        "grant__product", "grant__merchant", "api_key"
    )
    if rule in AlertRule.values:
        rows = rows.filter(rule=rule)
    if status == "unresolved":
        rows = rows.open()
    elif status in AlertStatus.values:
        rows = rows.filter(status=status)
    if grant:
        rows = rows.filter(grant__number__icontains=grant[:40])
    return rows


def open_alert_count() -> int:
    """Open alerts on the platform (the regulator's to-do)."""
    return Alert.objects.filter(status=AlertStatus.OPEN).count()


def alert_events(*, alert: Alert, user) -> list[AuditEvent]:
    """The audit events behind the alert that the caller may read, with their place in
    the chain (the seal's sequence) once sealed; who acted (person, key, address) only
    where the audit log itself shows it to the caller (an operator reads which
    organization acted, as on the audit API)."""
    ids = [i for i in alert.event_ids if isinstance(i, int)]
    rows = AuditEvent.objects.restrict(user, VIEW).filter(pk__in=ids).select_related("seal")
    return [person_hidden(user, event) for event in rows.order_by("id")]
