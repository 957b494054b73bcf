"""The only writers of routing rules and the holiday calendar. Each change is audited
(record_change) in its own transaction; only regulator admins and reviewers may write."""

import re
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, TransitionNotAllowed
from apps.core.permissions import MANAGE
from apps.grants.choices import STEP_ORDER, DayKind, RuleSetStatus
from apps.grants.defaults import DEFAULT_RULES
from apps.grants.models import Holiday, RoutingRule, RuleSet
from apps.grants.routing import Conditions
from apps.grants.selectors import active_ruleset
from apps.workflow import policy
from apps.workflow.transitions import record_change

MAX_STEP_DAYS = 60


def _require_manager(user: User, model=RuleSet) -> None:
    policy.require(user, MANAGE, model)


def _rule_snapshot(rule: RoutingRule) -> dict:
    return {
        "name": rule.name,
        "position": rule.position,
        "conditions": rule.conditions,
        "steps": rule.steps,
        "automatic": rule.automatic,
        "final": rule.final,
    }


def _lock_draft(ruleset: RuleSet) -> RuleSet:
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status != RuleSetStatus.DRAFT:
        raise TransitionNotAllowed(
            _("A published rule set never changes; create a new draft."), code="ruleset_published"
        )
    return ruleset


def _defaults() -> list[dict]:
    return [
        {
            "name": name,
            "conditions": cond,
            "steps": {str(k): v for k, v in steps.items()},
            "automatic": auto,
            "final": final,
        }
        for name, cond, steps, auto, final in DEFAULT_RULES
    ]


@transaction.atomic
def ruleset_draft_create(*, user: User, note: str = "") -> RuleSet:
    """A new draft, starting as a copy of the active version (or the built-in rules)."""
    _require_manager(user)
    if RuleSet.objects.filter(status=RuleSetStatus.DRAFT).exists():
        raise TransitionNotAllowed(_("A draft exists already; edit it."), code="draft_exists")
    active = active_ruleset()
    number = (RuleSet.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    draft = RuleSet.objects.create(version=number, note=note[:300], created_by=user)
    source = [_rule_snapshot(r) for r in active.rules.all()] if active else _defaults()
    RoutingRule.objects.bulk_create(
        RoutingRule(ruleset=draft, **{**data, "position": (i + 1) * 10})
        for i, data in enumerate(source)
    )
    record_change(
        user,
        "grants.ruleset.create",
        draft,
        after={"version": draft.version, "from_version": active.version if active else None},
    )
    return draft


def _clean_rule(data: dict) -> dict:
    name = (data.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    steps = {str(k): int(v) for k, v in (data.get("steps") or {}).items()}
    if any(k not in STEP_ORDER for k in steps):
        errors["steps"] = [_("Unknown step.")]
    elif any(not 1 <= v <= MAX_STEP_DAYS for v in steps.values()):
        errors["steps"] = [
            _("A deadline is between 1 and %(max)d working days.") % {"max": MAX_STEP_DAYS}
        ]
    automatic = bool(data.get("automatic"))
    if automatic and steps:
        errors["automatic"] = [_("An automatic rule adds no steps.")]
    if errors:
        raise InvalidInput(_("Check the rule."), details=errors)
    return {
        "name": name[:200],
        "position": int(data.get("position") or 0),
        "conditions": Conditions.from_dict(data.get("conditions") or {}).to_dict(),
        "steps": steps,
        "automatic": automatic,
        "final": bool(data.get("final")) or automatic,
    }


@transaction.atomic
def rule_save(
    *, user: User, ruleset: RuleSet, data: dict, rule: RoutingRule | None = None
) -> RoutingRule:
    """Adds a rule to the draft, or changes one of its rules."""
    _require_manager(user)
    ruleset = _lock_draft(rule.ruleset if rule else ruleset)
    clean = _clean_rule(data)
    if rule is None:
        rule = RoutingRule.objects.create(ruleset=ruleset, **clean)
        record_change(user, "grants.rule.create", rule, after=clean)
        return rule
    rule = RoutingRule.objects.get(pk=rule.pk, ruleset=ruleset)
    before = _rule_snapshot(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.save()
    record_change(user, "grants.rule.update", rule, before=before, after=clean)
    return rule


@transaction.atomic
def rule_delete(*, user: User, rule: RoutingRule) -> None:
    _require_manager(user)
    _lock_draft(rule.ruleset)
    record_change(user, "grants.rule.delete", rule, before=_rule_snapshot(rule))
    rule.delete()


@transaction.atomic
def ruleset_publish(*, user: User, ruleset: RuleSet) -> RuleSet:
    """The draft becomes the active version and never changes again."""
    _require_manager(user)
    ruleset = _lock_draft(ruleset)
    if not ruleset.rules.exists():
        raise InvalidInput(_("A rule set needs at least one rule."), code="ruleset_empty")
    ruleset.status = RuleSetStatus.PUBLISHED
    ruleset.published_by = user
    ruleset.published_at = timezone.now()
    ruleset.save(update_fields=["status", "published_by", "published_at"])
    record_change(
        user,
        "grants.ruleset.publish",
        ruleset,
        before={"status": RuleSetStatus.DRAFT},
        after={"status": ruleset.status, "rules": ruleset.rules.count()},
    )
    return ruleset


# Holiday calendar --------------------------------------------------------------------


@transaction.atomic
def holiday_add(*, user: User, day: date, name: str, kind: str = DayKind.HOLIDAY) -> Holiday:
    _require_manager(user, Holiday)
    if kind not in DayKind.values or not name.strip():
        raise InvalidInput(_("Give a name and a kind."), details={"name": [_("Required.")]})
    holiday, _created = Holiday.objects.update_or_create(
        day=day, defaults={"name": name.strip()[:100], "kind": kind}
    )
    record_change(user, "grants.holiday.set", holiday, after={"day": day.isoformat(), "kind": kind})
    return holiday


@transaction.atomic
def holiday_remove(*, user: User, holiday: Holiday) -> None:
    _require_manager(user, Holiday)
    record_change(user, "grants.holiday.remove", holiday, before={"day": holiday.day.isoformat()})
    holiday.delete()


LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[\s,;]+(.+?)(?:[\s,;]+(holiday|workday|上班|休))?\s*$")


def parse_year(year: int, text: str) -> list[tuple[date, str, str]]:
    """Lines `YYYY-MM-DD name [holiday|workday]` (上班 = workday, 休 = holiday); blank
    lines and lines starting with # are skipped. Raises InvalidInput naming bad lines."""
    days, bad = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE.match(line)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None or day.year != year:
            bad.append(number)
            continue
        kind = DayKind.WORKDAY if match.group(3) in ("workday", "上班") else DayKind.HOLIDAY
        days[day] = (day, match.group(2).strip()[:100], kind)
    if bad:
        lines = ", ".join(str(n) for n in bad[:20])
        raise InvalidInput(
            _("Lines %(lines)s are not `YYYY-MM-DD name [holiday|workday]` in %(year)d.")
            % {"lines": lines, "year": year},
            details={"text": [_("Check lines %(lines)s.") % {"lines": lines}]},
        )
    return sorted(days.values())


@transaction.atomic
def holidays_import(*, user: User, year: int, text: str) -> int:
    """Replaces the calendar of `year` with the lines given (so importing twice is
    harmless); returns how many days it holds now."""
    _require_manager(user, Holiday)
    days = parse_year(year, text)
    removed = Holiday.objects.filter(day__year=year).delete()[0]
    Holiday.objects.bulk_create(Holiday(day=d, name=n, kind=k) for d, n, k in days)
    record_change(
        user,
        "grants.holiday.import",
        ("grants.holiday", year),
        before={"days": removed},
        after={"days": len(days), "year": year},
    )
    return len(days)
