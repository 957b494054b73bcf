"""Raising, acknowledging and resolving alerts, and what a rule may do by itself.

`alerts_evaluate` (beat) runs every rule and raises each finding once: the alert's
dedupe key (rule, grant, key, window) is unique, and the alert, its action (a key or the
grant suspended) and its notifications commit together, so a second run, or a run after
a worker was killed half-way, neither duplicates nor loses anything."""

import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from apps.accounts.models import ApiKey, User
from apps.audit.context import SYSTEM
from apps.audit.services import audit_record
from apps.core.exceptions import InvalidInput, TransitionNotAllowed
from apps.core.names import colon
from apps.core.permissions import MANAGE
from apps.core.rowcache import Check, value_of
from apps.delivery.alerts.rules import RULES, Finding, summary_of
from apps.delivery.alerts.selectors import key_label
from apps.delivery.choices import ALERT_TRANSITIONS, AlertAction, AlertRule, AlertStatus
from apps.delivery.models import Alert
from apps.grants.choices import GrantStatus, SuspendedBy
from apps.grants.issuing import grant_suspend
from apps.grants.models import Grant
from apps.workflow.models import NotificationCategory
from apps.workflow.notifications import Phrase, notify, notify_regulators
from apps.workflow.policy import DECIDE, DECIDERS, get_object_for

ACTIONS = set(AlertAction.values)
logger = logging.getLogger(__name__)


def dedupe_key(finding: Finding) -> str:
    return f"{finding.rule}:{finding.grant_id}:{finding.key_id or '-'}:{finding.window}"[:200]


def configured_action(rule: str) -> str:
    action = settings.ALERTS_ACTIONS.get(rule, AlertAction.NONE)
    return action if action in ACTIONS else AlertAction.NONE


def alerts_evaluate(*, now=None) -> list[Alert]:
    """Runs every rule; returns the alerts raised by this run (safe to run twice)."""
    now = now or timezone.now()
    raised = []
    for entry in RULES.values():
        try:
            with transaction.atomic():  # a savepoint when a caller holds a transaction
                findings = list(entry.check(now))
        except DatabaseError:
            # One rule's failure (a statement timeout, say) must not silence the others;
            # the next run looks at the same window again.
            logger.exception("alert rule %s failed", entry.code)
            continue
        for finding in findings:
            alert = alert_raise(finding)
            if alert is not None:
                raised.append(alert)
    return raised


def alert_raise(finding: Finding) -> Alert | None:
    """One alert for the finding, unless its window already has one (None then)."""
    key = dedupe_key(finding)
    if Alert.objects.filter(dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule=finding.rule,
                grant_id=finding.grant_id,
                api_key_id=finding.key_id
                if ApiKey.objects.filter(pk=finding.key_id).exists()
                else None,
                severity=RULES[finding.rule].severity,
                window=finding.window[:64],
                dedupe_key=key,
                params=finding.params,
                evidence=finding.evidence,
                event_ids=finding.event_ids,
            )
            audit_record(
                actor=SYSTEM,
                action="delivery.alert.raise",
                target=alert,
                data={"rule": alert.rule, "grant": alert.grant_id, "window": alert.window},
            )
            _act(alert, configured_action(alert.rule))
            _tell(alert)
    except IntegrityError:
        return None  # another run raised it in between
    return alert


def _act(alert: Alert, action: str) -> None:
    with override(settings.LANGUAGE_CODE):
        reason = _("Anomaly alert #%(n)s: %(summary)s") % {"n": alert.pk, "summary": alert.summary}
    if action == AlertAction.KEY_SUSPENDED and alert.api_key_id:
        alert.action = action
        alert.save(update_fields=["action"])
        audit_record(
            actor=SYSTEM,
            action="delivery.alert.key_suspend",
            target=alert.api_key,
            reason=reason,
            data={"alert": alert.pk, "grant": alert.grant_id},
        )
    elif action == AlertAction.GRANT_SUSPENDED:
        grant = Grant.objects.get(pk=alert.grant_id)
        if grant.status != GrantStatus.ACTIVE:
            return
        grant_suspend(grant=grant, user=None, reason=reason, by=SuspendedBy.ALERT)
        alert.action = action
        alert.save(update_fields=["action"])


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _tell(alert: Alert) -> None:
    """The operator of the product (its admins and reviewers) and the regulators; the
    regulator's text names the key, the operator's says whose key it is (the key's fields
    are its merchant's and the regulator's, apps.workflow.rules: the operator is never
    their party)."""
    grant = alert.grant
    title = Phrase(
        gettext_lazy("Anomaly alert on grant %(n)s: %(rule)s"),
        n=grant.number,
        rule=AlertRule(alert.rule).label,
    )
    common = {
        "category": NotificationCategory.ALERT,
        "verb": "delivery.alert",
        "title": title,
        "roles": DECIDERS,
        "obj": alert,
    }
    # The summary, the action and the key in each language of the UI (read as written).
    notify(
        organization=grant.product.operator_id,
        link=_link("portal:alert_detail", alert.pk),
        key=f"delivery.alert:{alert.pk}:operator",
        body=lazy(lambda: _told(alert, shows_key=False), str)(),
        **common,
    )
    notify_regulators(
        link=_link("console:alert_detail", alert.pk),
        key=f"delivery.alert:{alert.pk}:regulator",
        body=lazy(lambda: _told(alert, shows_key=True), str)(),
        **common,
    )


def _told(alert: Alert, *, shows_key: bool) -> str:
    """The notification's body in the active language: the summary, the action, the key
    (as `selectors.key_label` reads it to a reader who does, or does not, read its fields)."""
    lines = [summary_of(alert, shows_key=shows_key)]
    if alert.action != AlertAction.NONE:
        lines.append(alert.get_action_display())
    if key := key_label(alert, shown=shows_key):
        lines.append(f"{_('API key')}{colon()}{key}")
    return "\n".join(lines)


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _move(alert: Alert, to: str) -> None:
    if to not in ALERT_TRANSITIONS[alert.status]:
        raise TransitionNotAllowed(
            _("This alert is already %(status)s.") % {"status": alert.get_status_display()},
            code="alert_transition_not_allowed",
        )


def _snapshot(alert: Alert) -> dict:
    return {"status": alert.status, "note": alert.note, "action": alert.action}


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User, note: str = "") -> Alert:
    """Someone is on it: the regulator's or the product operator's deciders."""
    alert = _lock(get_object_for(user, Alert, alert.pk, MANAGE))
    _move(alert, AlertStatus.ACKNOWLEDGED)
    before = _snapshot(alert)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), user
    alert.note = (note or alert.note)[:2000]
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "note"])
    audit_record(
        actor=user, action="delivery.alert.acknowledge", target=alert, reason=note[:500],
        before=before, after=_snapshot(alert),
    )  # fmt: skip
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, user: User, note: str = "") -> Alert:
    """Closed by the regulator (a suspension it caused stays until lifted on its own)."""
    alert = _lock(get_object_for(user, Alert, alert.pk, DECIDE))
    _move(alert, AlertStatus.RESOLVED)
    if not note.strip():
        raise InvalidInput(
            _("Say how the alert was resolved."),
            code="note_required",
            details={"note": [_("This field is required.")]},
        )
    before = _snapshot(alert)
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at, alert.resolved_by = timezone.now(), user
    alert.note = note[:2000]
    alert.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
    audit_record(
        actor=user, action="delivery.alert.resolve", target=alert, reason=note[:500],
        before=before, after=_snapshot(alert),
    )  # fmt: skip
    return alert


@transaction.atomic
def alert_key_lift(*, alert: Alert, user: User, note: str = "") -> Alert:
    """Lifts the key suspension the alert caused (the regulator's deciders)."""
    alert = _lock(get_object_for(user, Alert, alert.pk, DECIDE))
    if not alert.key_held:
        raise TransitionNotAllowed(
            _("This alert holds no key suspended."), code="key_not_suspended"
        )
    alert.key_lifted_at, alert.key_lifted_by = timezone.now(), user
    alert.save(update_fields=["key_lifted_at", "key_lifted_by"])
    audit_record(
        actor=user,
        action="delivery.alert.key_lift",
        target=alert.api_key,
        reason=note[:500],
        data={"alert": alert.pk, "grant": alert.grant_id},
    )
    return alert


def held_check(key_id: int) -> Check:
    table = Alert._meta.db_table
    return Check(
        ("delivery.key_held", key_id),
        f'SELECT 1 FROM "{table}" WHERE api_key_id = %s AND action = %s '  # noqa: S608
        "AND key_lifted_at IS NULL",
        [key_id, AlertAction.KEY_SUSPENDED.value],
    )


def key_held(key_id: int) -> bool:
    """Whether an alert holds this key suspended (one indexed lookup, on every request
    made with a key, read with the key's own stamps when the request named it ahead:
    written out, the ORM would take longer to compile it than the database to answer)."""
    return value_of(held_check(key_id)) is not None
