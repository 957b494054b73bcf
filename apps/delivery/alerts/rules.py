"""The anomaly rules: each a small function `check(now) -> findings`, registered with its
summary (translated when shown, from the finding's stored parameters) and severity.
Thresholds are settings (ALERTS_*). A rule only reads; apps.delivery.alerts.services
turns findings into alerts, once per rule, grant, key and window."""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.audit.choices import ActorType, Outcome
from apps.delivery.alerts import evidence as ev
from apps.delivery.choices import AlertRule, Severity
from apps.delivery.models import UsageDay
from apps.grants.models import Grant, GrantKey


@dataclass
class Finding:
    rule: str
    grant_id: int
    window: str
    params: dict
    evidence: dict
    event_ids: list[int] = field(default_factory=list)
    key_id: int | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    check: Callable[[datetime], Iterable[Finding]]
    summary: str
    severity: str
    # What the finding says of the key itself (where it called from: evidence names, and
    # "window" when the window is one), read only with the key's prefix and name, and the
    # summary for a reader who may not read them (apps.delivery.alerts.selectors).
    key_facts: frozenset[str] = frozenset()
    withheld: str | None = None


RULES: dict[str, Rule] = {}


def rule(code: str, *, summary, severity: str, key_facts=(), withheld=None):
    def register(check):
        RULES[code] = Rule(code, check, summary, severity, frozenset(key_facts), withheld)
        return check

    return register


def summary_of(alert, *, shows_key: bool = True) -> str:
    """The alert's summary in the active language; without the key's facts (the rule's
    `withheld` text) for a reader who may not read them."""
    entry = RULES.get(alert.rule)
    if entry is None:
        return alert.get_rule_display()
    text = entry.summary if shows_key or entry.withheld is None else entry.withheld
    # Counts read as the evidence beside them does: 64,000, not 64000.
    params = {
        name: f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in alert.params.items()
    }
    try:
        return gettext(str(text)) % params
    except (KeyError, TypeError, ValueError):
        return alert.get_rule_display()


def _lookback(now: datetime) -> datetime:
    return now - timedelta(hours=settings.ALERTS_LOOKBACK_HOURS)


def _baseline(history: dict, today, days: int) -> float | int:
    """The median of the previous `days` days (a day without use counts as 0)."""
    median = statistics.median(
        history.get(today - timedelta(days=i), 0) for i in range(1, days + 1)
    )
    return int(median) if median == int(median) else round(median, 1)


@rule(
    AlertRule.VOLUME,
    severity=Severity.HIGH,
    summary=_(
        "%(rows)s rows read today, over %(factor)s times the median day of the previous "
        "%(days)s days (%(median)s rows)."
    ),
)
def volume(now: datetime) -> Iterable[Finding]:
    """Today's rows above max(ALERTS_VOLUME_FACTOR x the grant's median day,
    ALERTS_VOLUME_FLOOR_ROWS)."""
    today, days = timezone.localdate(now), settings.ALERTS_BASELINE_DAYS
    factor, floor = settings.ALERTS_VOLUME_FACTOR, settings.ALERTS_VOLUME_FLOOR_ROWS
    todays = list(UsageDay.objects.filter(day=today, rows__gt=floor))
    history = defaultdict(dict)
    earlier = UsageDay.objects.filter(
        grant_id__in=[u.grant_id for u in todays],
        day__gte=today - timedelta(days=days),
        day__lt=today,
    ).values_list("grant_id", "day", "rows")
    for grant_id, day, rows in earlier:
        history[grant_id][day] = rows
    for usage in todays:
        median = _baseline(history[usage.grant_id], today, days)
        threshold = max(factor * median, floor)
        if usage.rows <= threshold:
            continue
        served = ev.deliveries(ev.day_start(today)).filter(target_id=str(usage.grant_id))
        yield Finding(
            rule=AlertRule.VOLUME,
            grant_id=usage.grant_id,
            window=today.isoformat(),
            params={"rows": usage.rows, "factor": factor, "days": days, "median": median},
            evidence={
                "day": today.isoformat(),
                "calls": usage.calls,
                "rows": usage.rows,
                "bytes": usage.bytes,
                "median_rows": median,
                "threshold": threshold,
                "history": {str(d): r for d, r in sorted(history[usage.grant_id].items())},
            },
            event_ids=ev.recent_ids(served),
        )


def _hours(text: str) -> tuple[clock, clock] | None:
    """("07:00", "22:00") from "07:00-22:00"; "24:00" is the end of the day."""
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        return clock.fromisoformat(start), clock.max if end == "24:00" else clock.fromisoformat(end)
    except ValueError:
        return None


def _inside(moment: clock, hours: tuple[clock, clock]) -> bool:
    start, end = hours
    return start <= moment < end if start <= end else (moment >= start or moment < end)


@rule(
    AlertRule.OFF_HOURS,
    severity=Severity.MEDIUM,
    summary=_("%(count)s requests on %(day)s outside the permitted hours %(hours)s."),
)
def off_hours(now: datetime) -> Iterable[Finding]:
    """Records served outside ALERTS_ACCESS_HOURS (in ALERTS_HOURS_TIME_ZONE), or the
    grant's own `access_hours` term when its scope has one; one alert per grant, key
    and local day."""
    zone = ZoneInfo(settings.ALERTS_HOURS_TIME_ZONE)
    rows = list(
        ev.deliveries(_lookback(now)).values_list(
            "id", "occurred_at", "target_id", "actor_type", "actor_id"
        )
    )
    grant_ids = {int(r[2]) for r in rows if r[2].isdigit()}
    terms = {
        pk: scope.get("access_hours") if isinstance(scope, dict) else None
        for pk, scope in Grant.objects.filter(pk__in=grant_ids).values_list("pk", "scope")
    }
    outside = defaultdict(list)
    for event_id, occurred, target_id, actor_type, actor_id in rows:
        grant_id = int(target_id) if target_id.isdigit() else None
        if grant_id not in terms:
            continue
        text = terms[grant_id] if _hours(terms[grant_id] or "") else settings.ALERTS_ACCESS_HOURS
        local = occurred.astimezone(zone)
        if not _inside(local.time(), _hours(text)):
            outside[(grant_id, ev.key_of(actor_type, actor_id), local.date(), text)].append(
                (event_id, local)
            )
    for (grant_id, key_id, day, text), found in outside.items():
        found.sort()
        yield Finding(
            rule=AlertRule.OFF_HOURS,
            grant_id=grant_id,
            key_id=key_id,
            window=day.isoformat(),
            params={"count": len(found), "day": day.isoformat(), "hours": text},
            evidence={
                "count": len(found),
                "hours": text,
                "time_zone": settings.ALERTS_HOURS_TIME_ZONE,
                "first": found[0][1].isoformat(),
                "last": found[-1][1].isoformat(),
            },
            event_ids=[event_id for event_id, _local in found][-ev.MAX_EVENTS :],
        )


@rule(
    AlertRule.DENIAL_BURST,
    severity=Severity.HIGH,
    summary=_("%(count)s denied requests within %(minutes)s minutes from %(start)s."),
)
def denial_burst(now: datetime) -> Iterable[Finding]:
    """At least ALERTS_DENIAL_BURST refused requests of one grant (or one key bound to
    it) within any ALERTS_DENIAL_WINDOW_MINUTES (a sliding window, so a burst that
    straddles the clock's ten minutes is seen whole). The finding's window is the fixed
    window its first request fell in: one alert per burst and window."""
    minutes, threshold = settings.ALERTS_DENIAL_WINDOW_MINUTES, settings.ALERTS_DENIAL_BURST
    span = timedelta(minutes=minutes)
    rows = ev.events(_lookback(now), outcome=Outcome.DENIED).filter(
        target_type=ev.GRANT_TYPE
    ) | ev.events(_lookback(now), outcome=Outcome.DENIED, actor_type=ActorType.API_KEY)
    rows = list(
        rows.values_list("id", "occurred_at", "target_type", "target_id", "actor_type", "actor_id")
    )
    keys = {ev.key_of(r[4], r[5]) for r in rows} - {None}
    bound = dict(GrantKey.objects.filter(api_key_id__in=keys).values_list("api_key_id", "grant_id"))
    series = defaultdict(list)
    for event_id, occurred, target_type, target_id, actor_type, actor_id in rows:
        key_id = ev.key_of(actor_type, actor_id)
        grant_id = ev.grant_of(target_type, target_id) or bound.get(key_id)
        if grant_id is not None:
            series[(grant_id, key_id)].append((occurred, event_id))
    existing = set(
        Grant.objects.filter(pk__in={g for g, _k in series}).values_list("pk", flat=True)
    )
    for (grant_id, key_id), events in series.items():
        if grant_id not in existing:
            continue
        for start, ids in _bursts(sorted(events), span, threshold, minutes):
            yield Finding(
                rule=AlertRule.DENIAL_BURST,
                grant_id=grant_id,
                key_id=key_id,
                window=start.isoformat(),
                params={
                    "count": len(ids),
                    "minutes": minutes,
                    "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
                },
                evidence={"count": len(ids), "window_start": start.isoformat(), "minutes": minutes},
                event_ids=sorted(ids)[-ev.MAX_EVENTS :],
            )


def _bursts(events: list, span: timedelta, threshold: int, minutes: int):
    """(window start, event ids) of each run of at least `threshold` events that fit in
    `span`, keyed by the fixed window of the run's first event (the largest run each)."""
    found: dict[datetime, list] = {}
    first = 0
    for last in range(len(events)):
        while events[last][0] - events[first][0] >= span:
            first += 1
        if last - first + 1 >= threshold:
            start = ev.bucket(events[first][0], minutes)
            ids = [event_id for _at, event_id in events[first : last + 1]]
            if len(ids) > len(found.get(start, ())):
                found[start] = ids
    return found.items()


@rule(
    AlertRule.NEW_NETWORK,
    severity=Severity.MEDIUM,
    summary=_("The key was used from %(network)s, a network not seen in its last %(days)s days."),
    key_facts=("network", "known", "window"),
    withheld=_("The key was used from a network not seen in its last %(days)s days."),
)
def new_network(now: datetime) -> Iterable[Finding]:
    """A key that has history reads from a network (/24, /64) it has not used in the
    previous ALERTS_NEW_NETWORK_DAYS; one alert per key and network."""
    since = _lookback(now)
    recent = defaultdict(list)
    rows = ev.deliveries(since).filter(actor_type=ActorType.API_KEY)
    for event_id, actor_id, ip, target_id in rows.values_list("id", "actor_id", "ip", "target_id"):
        net, key_id = ev.network(ip), ev.key_of(ActorType.API_KEY, actor_id)
        if net and key_id and target_id.isdigit():
            recent[(key_id, net, int(target_id))].append(event_id)
    if not recent:
        return
    days = settings.ALERTS_NEW_NETWORK_DAYS
    known = defaultdict(set)
    history = ev.deliveries(now - timedelta(days=days), since).filter(
        actor_type=ActorType.API_KEY, actor_id__in={str(k) for k, _n, _g in recent}
    )
    for actor_id, ip in history.values_list("actor_id", "ip").distinct():
        known[int(actor_id)].add(ev.network(ip))
    for (key_id, net, grant_id), ids in recent.items():
        if not known[key_id] or net in known[key_id]:
            continue  # a key's first use has nothing to compare with
        yield Finding(
            rule=AlertRule.NEW_NETWORK,
            grant_id=grant_id,
            key_id=key_id,
            window=net,
            params={"network": net, "days": days},
            evidence={"network": net, "known": sorted(n for n in known[key_id] if n)},
            event_ids=sorted(ids)[-ev.MAX_EVENTS :],
        )


@rule(
    AlertRule.EXPORT_SPIKE,
    severity=Severity.HIGH,
    summary=_(
        "%(count)s exports today, over %(factor)s times the median day of the previous "
        "%(days)s days (%(median)s)."
    ),
)
def export_spike(now: datetime) -> Iterable[Finding]:
    """Today's exports of a grant (audit events `delivery.export*`) above
    max(ALERTS_EXPORT_FACTOR x its median day, ALERTS_EXPORT_FLOOR)."""
    today, days = timezone.localdate(now), settings.ALERTS_BASELINE_DAYS
    factor, floor = settings.ALERTS_EXPORT_FACTOR, settings.ALERTS_EXPORT_FLOOR
    exports = ev.events(
        ev.day_start(today - timedelta(days=days)),
        action__startswith=ev.EXPORT_PREFIX,
        outcome=Outcome.ALLOWED,
        target_type=ev.GRANT_TYPE,
    )
    counts = defaultdict(dict)
    daily = (
        exports.annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values_list("target_id", "day")
        .annotate(n=Count("id"))
    )
    for target_id, day, n in daily:
        if target_id.isdigit():
            counts[int(target_id)][day] = n
    existing = set(Grant.objects.filter(pk__in=list(counts)).values_list("pk", flat=True))
    for grant_id, history in counts.items():
        count = history.get(today, 0)
        if grant_id not in existing:
            continue
        median = _baseline(history, today, days)
        if count <= max(factor * median, floor):
            continue
        todays = exports.filter(target_id=str(grant_id), occurred_at__gte=ev.day_start(today))
        yield Finding(
            rule=AlertRule.EXPORT_SPIKE,
            grant_id=grant_id,
            window=today.isoformat(),
            params={"count": count, "factor": factor, "days": days, "median": median},
            evidence={
                "day": today.isoformat(),
                "exports": count,
                "median_exports": median,
                "threshold": max(factor * median, floor),
                "history": {str(d): n for d, n in sorted(history.items()) if d != today},
            },
            event_ids=ev.recent_ids(todays),
        )
