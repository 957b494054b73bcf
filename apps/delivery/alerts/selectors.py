"""Alerts as a caller may read them (apps.delivery.rules says who sees which, and who
reads which key an alert is about: the ApiKey policy, apps.workflow.rules)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import ApiKey
from apps.audit.models import AuditEvent
from apps.audit.selectors import person_hidden
from apps.core.names import local_name
from apps.core.permissions import VIEW
from apps.delivery.alerts.rules import RULES
from apps.delivery.choices import AlertRule, AlertStatus
from apps.delivery.models import Alert
from apps.workflow import policy


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


def shows_key(user, alert: Alert) -> bool:
    """Whether `user` may read which key the alert is about (its prefix and name) and
    what its rule found of the key itself (where it called from): the key's parties, its
    merchant and the regulator, as `readable_fields` of the key says (apps.workflow.rules);
    the product's operator reads that a key of the merchant was involved. An alert whose
    key is gone (or that has none) is read as one about a key of the grant's merchant."""
    key = alert.api_key if alert.api_key_id else ApiKey(organization_id=alert.grant.merchant_id)
    return "prefix" in policy.readable_fields(user, key)


def key_facts(alert: Alert) -> frozenset[str]:
    """What the alert's rule found of the key itself (evidence names, "window")."""
    entry = RULES.get(alert.rule)
    return entry.key_facts if entry is not None else frozenset()


def key_label(alert: Alert, *, shown: bool) -> str:
    """The alert's key in one line: "prefix… name" for a reader of its fields, "a key of
    <merchant>" for anyone else, "" for an alert without a key."""
    if alert.api_key is None:
        return ""
    if shown:
        return f"{alert.api_key.prefix}… {alert.api_key.name}"
    return _("a key of %(merchant)s") % {"merchant": local_name(alert.grant.merchant)}
