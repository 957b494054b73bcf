"""Reads of routing rules and the calendar, scoped to the caller."""

from apps.core.permissions import VIEW
from apps.grants.choices import RuleSetStatus
from apps.grants.models import Holiday, RuleSet
from apps.grants.routing import Route


def ruleset_list(*, user):
    return RuleSet.objects.restrict(user, VIEW).select_related("created_by", "published_by")


def active_ruleset() -> RuleSet | None:
    """The published version with the highest number: the one routing uses now (its
    version is recorded on each routing decision)."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-version").first()


def holiday_list(*, user, year: int | None = None):
    rows = Holiday.objects.restrict(user, VIEW)
    return rows.filter(day__year=year) if year else rows


def route_now(facts) -> tuple[RuleSet | None, Route]:
    """The route `facts` get under the active version (the built-in rules when nothing
    is published), with the version to record on the routing decision."""
    from apps.grants.defaults import default_specs
    from apps.grants.routing import route

    ruleset = active_ruleset()
    return ruleset, route(facts, ruleset if ruleset is not None else default_specs())
