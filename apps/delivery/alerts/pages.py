"""The alert pages the console (`ns` console) and the portal (`ns` portal) share: the
list with filters and paging, one alert with its evidence and audit events, and its
actions. Every write is a service of apps.delivery.alerts.services."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import tables
from apps.core.forms import NoteForm, flash_invalid, flash_unknown_action, run_action
from apps.core.permissions import MANAGE, VIEW
from apps.core.templatetags.names import thousands
from apps.delivery.alerts import selectors, services
from apps.delivery.alerts.rules import summary_of
from apps.delivery.choices import AlertAction, AlertRule, AlertStatus
from apps.delivery.models import Alert
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for

PAGE_SIZE = 50
EVIDENCE_LABELS = {
    "day": gettext_lazy("day"),
    "calls": gettext_lazy("calls"),
    "rows": gettext_lazy("rows"),
    "bytes": gettext_lazy("bytes"),
    "median_rows": gettext_lazy("median rows a day before"),
    "exports": gettext_lazy("exports"),
    "median_exports": gettext_lazy("median exports a day before"),
    "threshold": gettext_lazy("threshold"),
    "count": gettext_lazy("count"),
    "hours": gettext_lazy("permitted hours"),
    "time_zone": gettext_lazy("time zone"),
    "first": gettext_lazy("first"),
    "last": gettext_lazy("last"),
    "window_start": gettext_lazy("window start"),
    "minutes": gettext_lazy("minutes"),
    "network": gettext_lazy("network"),
    "known": gettext_lazy("networks seen before"),
}


def local_time(value):
    """An ISO date-time with its offset (a window's start, a first or last request, stored
    in UTC or the rule's zone) in the current time zone, as the summary states it; any
    other value (a day, a count) as it is."""
    try:
        when = parse_datetime(value) if isinstance(value, str) and "T" in value else None
    except ValueError:  # well formed, yet no date-time (a 13th month)
        when = None
    if when is None or timezone.is_naive(when):
        return value
    return date_format(timezone.localtime(when), "Y-m-d H:i")


def _shown(name: str, value):
    """A fact as the other delivery pages show it: bytes as a size, counts grouped."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, int) and not isinstance(value, bool):
        return filesizeformat(value) if name == "bytes" else thousands(value)
    return local_time(value)


def evidence_rows(evidence: dict, withheld=frozenset()) -> tuple[list, list]:
    """(label, value) of each fact but the `withheld` ones, and the daily history (day,
    value) apart."""
    facts = []
    for name, value in sorted(evidence.items()):
        if name == "history" or name in withheld:
            continue
        shown = _shown(name, value)
        facts.append((EVIDENCE_LABELS.get(name, name), "—" if shown in ("", None) else shown))
    history = sorted((evidence.get("history") or {}).items(), reverse=True)
    return facts, history


def columns(user) -> list:
    """The list's columns as `user` reads them (the key's prefix, or whose key it is)."""

    def key(alert):
        return selectors.key_label(alert, shown=selectors.shows_key(user, alert)) or None

    return [
        tables.Column("id", "#", "pk", "id"),
        tables.Column("rule", gettext_lazy("rule"), "get_rule_display", "rule"),
        tables.Column("severity", gettext_lazy("severity"), "get_severity_display", "severity"),
        tables.Column("grant", gettext_lazy("grant"), "grant.number", "grant__number"),
        tables.Column("key", gettext_lazy("API key"), key),
        tables.Column("status", gettext_lazy("status"), "get_status_display", "status"),
        tables.Column("action", gettext_lazy("action taken"), "get_action_display", "action"),
        tables.Column("raised", gettext_lazy("raised at"), "created_at", "created_at"),
    ]


def alert_list_page(request, namespace: str, export=None):
    """The alerts the caller may see, filtered, sorted and paged (or exported, `export`
    being the surface's list export: the console's)."""
    policy.require(request.user, VIEW, Alert)
    rule = request.GET.get("rule", "")
    rule = rule if rule in AlertRule.values else ""
    status = request.GET.get("status", "")
    status = status if status in [*AlertStatus.values, "unresolved"] else ""
    grant = request.GET.get("grant", "").strip()[:40]
    rows = selectors.alert_list(user=request.user, rule=rule, status=status, grant=grant)
    spec = columns(request.user)
    rows, response, listing = tables.listing(request, rows, spec, "-id", export, "alerts")
    if response is not None:
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for alert in page:
        alert.shows_key = selectors.shows_key(request.user, alert)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "ns": namespace,
        "page": page,
        "query": query.urlencode(),
        "rule": rule,
        "status": status,
        "grant": grant,
        "rules": AlertRule.choices,
        "statuses": [*AlertStatus.choices, ("unresolved", _("Not resolved"))],
        **listing,
    }
    return render(request, "alerts/alert_list.html", context)


def alert_page(request, pk: int, namespace: str):
    alert = get_object_for(request.user, Alert, pk, VIEW)
    me = request.user
    # Which key, and what the rule found of it, for the key's readers only.
    shows_key = selectors.shows_key(me, alert)
    withheld = frozenset() if shows_key else selectors.key_facts(alert)
    facts, history = evidence_rows(alert.evidence, withheld)
    context = {
        "ns": namespace,
        "alert": alert,
        "shows_key": shows_key,
        "summary": summary_of(alert, shows_key=shows_key),
        "window": "" if "window" in withheld else local_time(alert.window),
        "events": selectors.alert_events(alert=alert, user=me),
        "evidence": facts,
        "history": history,
        "can_acknowledge": alert.status == AlertStatus.OPEN and policy.allows(me, MANAGE, alert),
        "can_decide": policy.allows(me, DECIDE, alert),
        "grant_suspended_by_alert": alert.action == AlertAction.GRANT_SUSPENDED
        and alert.grant.status == "suspended",
        "can_resume_grant": policy.allows(me, DECIDE, alert.grant)
        if alert.action == AlertAction.GRANT_SUSPENDED
        else False,
        "note_form": NoteForm(),
    }
    return render(request, "alerts/alert_detail.html", context)


def alert_action(request, pk: int, action: str, namespace: str):
    """Acknowledge, resolve, or lift the key suspension."""
    alert = get_object_for(request.user, Alert, pk, VIEW)
    form = NoteForm(request.POST)
    if flash_invalid(request, form):
        return redirect(f"{namespace}:alert_detail", pk=pk)
    note = form.cleaned_data["note"]
    me = request.user
    calls = {
        "acknowledge": (
            lambda: services.alert_acknowledge(alert=alert, user=me, note=note),
            _("The alert is acknowledged."),
        ),
        "resolve": (
            lambda: services.alert_resolve(alert=alert, user=me, note=note),
            _("The alert is resolved."),
        ),
        "lift_key": (
            lambda: services.alert_key_lift(alert=alert, user=me, note=note),
            _("The key's suspension is lifted."),
        ),
    }
    if action not in calls:
        flash_unknown_action(request)
    else:
        call, done = calls[action]
        run_action(request, call, done)
    return redirect(f"{namespace}:alert_detail", pk=pk)
