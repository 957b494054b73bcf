"""The permission policy: one registry of rules that every `restrict()`, every
`get_object_for` and every read of history and fields goes through.

A rule says: callers of these organization kinds, holding one of these roles, may take
this action on the rows of this model that stand in this relation to them (all rows,
their own organization's, the public ones...). Models register at start-up: accounts
and audit from `apps.workflow.rules`, upper apps from their own `rules.py`, imported by
their `AppConfig.ready()`. Workflow never imports them.

Lower apps (accounts, audit) cannot import this module, so `register` hangs the model's
policy on the model class (`Model.access_policy`) and their querysets call it from there.
"""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind, Role
from apps.core.exceptions import PermissionDeniedError
from apps.core.permissions import MANAGE, VIEW  # noqa: F401  (MANAGE: re-exported with the rest)

DECIDE = "decide"  # review decisions, suspension, revocation, credit status
DECIDE_PERSONAL = "decide_personal"  # review steps that touch personal data
MANAGE_ORGANIZATIONS = "manage_organizations"  # create organizations, manage anyone's people

ANONYMOUS = "anonymous"  # the "kind" of a caller who is not signed in
ANY_ORG = frozenset(OrganizationKind.values)
EVERYONE = ANY_ORG | {ANONYMOUS}
REGULATOR = frozenset({OrganizationKind.REGULATOR})
NOT_REGULATOR = ANY_ORG - REGULATOR
DECIDERS = frozenset({Role.ADMIN, Role.REVIEWER})
ADMINS = frozenset({Role.ADMIN})
SECURITY = frozenset({Role.ADMIN, Role.SECURITY_REVIEWER})

ALL = "all"  # every row
OWN = "own"  # rows whose owning organization is the caller's

# A relation maps a signed-in (or anonymous) user to a condition on the model's rows;
# None means every row.
Relation = Callable[[object], Q | None]
_NOTHING = Q(pk__in=[])


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def caller_kind(user) -> str | None:
    return user.org_kind if is_signed_in(user) else ANONYMOUS


@dataclass(frozen=True)
class Rule:
    actions: frozenset[str]
    relation: str
    kinds: frozenset[str]
    roles: frozenset[str] | None  # None: any role

    def admits(self, user, action: str) -> bool:
        if action not in self.actions or caller_kind(user) not in self.kinds:
            return False
        if not is_signed_in(user):
            return True
        return self.roles is None or user.role in self.roles


@dataclass
class ModelPolicy:
    """The rules of one model, and how to find the organization that owns a row."""

    model: type[models.Model]
    owner: str | None
    relations: dict[str, Relation]
    public_fields: frozenset[str] | None
    rules: list[Rule] = field(default_factory=list)

    def allow(self, *actions: str, to: str = ALL, kinds=ANY_ORG, roles=None) -> "ModelPolicy":
        if to not in self.relations:
            raise KeyError(f"{self.model._meta.label}: unknown relation {to!r}")
        self.rules.append(
            Rule(frozenset(actions), to, frozenset(kinds), frozenset(roles) if roles else None)
        )
        return self

    def admits(self, user, action: str) -> bool:
        """Whether some rule lets this kind and role of caller take the action on some row."""
        return any(rule.admits(user, action) for rule in self.rules)

    def condition(self, user, action: str) -> Q | None:
        conditions = []
        for rule in self.rules:
            if rule.admits(user, action):
                condition = self.relations[rule.relation](user)
                if condition is None:
                    return None
                conditions.append(condition)
        return reduce(or_, conditions) if conditions else _NOTHING

    def restrict(self, queryset: models.QuerySet, user, action: str) -> models.QuerySet:
        condition = self.condition(user, action)
        if condition is None:
            return queryset
        if condition is _NOTHING:
            return queryset.none()
        return queryset.filter(condition)

    def get_object_for(self, user, pk, action: str = VIEW):
        """`get_object_for` for apps below workflow, which reach it through the model."""
        return get_object_for(user, self.model, pk, action)

    def owner_id(self, obj) -> int | None:
        if self.owner is None:
            return None
        value = obj
        for step in self.owner.split("__"):
            value = getattr(value, step, None)
            if value is None:
                return None
        return value

    def own(self, user) -> Q:
        org_id = getattr(user, "organization_id", None)
        if self.owner is None or not org_id:
            return _NOTHING
        return Q(**{self.owner: org_id})


_registry: dict[type[models.Model], ModelPolicy] = {}
_capabilities: dict[str, list[Rule]] = {}


def register(
    model: type[models.Model],
    *,
    owner: str | None = None,
    relations: dict[str, Relation] | None = None,
    public_fields: Iterable[str] | None = None,
) -> ModelPolicy:
    """The policy of `model` (created on first call). `owner` is the lookup of the
    owning organization's id (`provider_id`, `profile__organization_id`); `public_fields`
    lists what a caller who is not a party may read (None: every field)."""
    entry = _registry.get(model)
    if entry is None:
        entry = ModelPolicy(model, owner, {}, None)
        entry.relations[ALL] = lambda user: None
        entry.relations[OWN] = entry.own
        _registry[model] = entry
        model.access_policy = entry
    entry.relations.update(relations or {})
    if public_fields is not None:
        entry.public_fields = frozenset(public_fields)
    return entry


def policy_for(model: type[models.Model]) -> ModelPolicy:
    entry = _registry.get(model) or _registry.get(model._meta.concrete_model)
    if entry is None:
        raise LookupError(f"{model._meta.label} has no registered policy")
    return entry


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    return policy_for(queryset.model).restrict(queryset, user, action)


def allows(user, action: str, obj) -> bool:
    """Whether `user` may take `action` on this row (one query)."""
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def capability(action: str, *, kinds=ANY_ORG, roles=None) -> None:
    """A rule about what a caller's organization kind and role allow, whatever the object
    (services check it where no object decides, e.g. 'may decide reviews')."""
    rule = Rule(frozenset({action}), ALL, frozenset(kinds), frozenset(roles) if roles else None)
    _capabilities.setdefault(action, []).append(rule)


def may(user, action: str, model: type[models.Model] | None = None) -> bool:
    """Whether the caller's organization kind and role allow `action` at all: on some row
    of `model`, or (no model) by the capabilities registered for it."""
    if model is not None:
        return policy_for(model).admits(user, action)
    return any(rule.admits(user, action) for rule in _capabilities.get(action, []))


def require(user, action: str, model: type[models.Model] | None = None, message=None) -> None:
    if not may(user, action, model):
        raise PermissionDeniedError(message or _("Your role does not allow this."))


def require_regulator(user, model: type[models.Model] | None = None, message=None) -> None:
    """Deciding reviews, suspending and revoking: the regulator's reviewers and admins."""
    if not user.is_regulator:
        raise PermissionDeniedError(message or _("Only the regulator may do this."))
    require(user, DECIDE, model, _("Only a reviewer or an admin may decide."))


def owner_org_id(obj) -> int | None:
    return policy_for(type(obj)).owner_id(obj)


def get_object_for(user, model: type[models.Model], pk, action: str = VIEW):
    """The object if `user` may take `action` on it. 404 (audited) when it is hidden from
    the user, 403 (audited) when they may see it but not take the action."""
    manager = model._default_manager
    try:
        obj = restrict(manager.filter(pk=pk), user, action).first()
    except (ValueError, TypeError):
        raise Http404 from None
    if obj is not None:
        return obj
    if action != VIEW and restrict(manager.filter(pk=pk), user, VIEW).exists():
        _audit_denial(user, manager.filter(pk=pk).first(), action, "not_permitted")
        error = PermissionDeniedError()
        error.audited = True
        raise error
    hidden = manager.filter(pk=pk).first()
    if hidden is not None:
        # It exists but is not this user's to see: answered as 404, recorded as a denial
        # that names the owner, so the owner can see who probed its objects.
        _audit_denial(user, hidden, action, "not_visible")
    raise Http404


def _audit_denial(user, obj, action: str, reason: str) -> None:
    from apps.audit.services import audit_record_denial

    if obj is None:  # deleted in between: nothing was exposed
        return
    audit_record_denial(
        actor=user,
        action=f"{obj._meta.model_name}.{action}",
        target=obj,
        target_org=owner_org_id(obj),
        reason=reason,
    )


# What a party may read of an object -------------------------------------------------


class AllFields:
    """Every field is readable (`"x" in readable_fields(...)` is always true)."""

    def __contains__(self, name) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


def is_party(user, obj) -> bool:
    """The regulator and the organization that owns the object are its parties."""
    if not is_signed_in(user):
        return False
    if user.is_regulator:
        return True
    return bool(user.organization_id) and owner_org_id(obj) == user.organization_id


def readable_fields(user, obj) -> AllFields | frozenset[str]:
    """The fields of `obj` that `user` may read: all for parties, the registered public
    fields for anyone else."""
    public = policy_for(type(obj)).public_fields
    if public is None or is_party(user, obj):
        return AllFields()
    return public


def drop_unreadable(user, obj, data: dict) -> dict:
    """`data` (a serializer's output) without the fields `user` may not read of `obj`."""
    readable = readable_fields(user, obj)
    return {key: value for key, value in data.items() if key in readable}


# History columns a non-party never reads of someone else's entry.
PRIVATE_HISTORY_COLUMNS = ("note", "reason")


def _entry_org(entry) -> int | None:
    """The organization the entry's actor acted for: the recorded column when the history
    model has one, else the actor's organization."""
    for column in ("actor_org_id", "actor_organization_id"):
        if hasattr(entry, column):
            return getattr(entry, column)
    actor = getattr(entry, "actor", None) if getattr(entry, "actor_id", None) else None
    return actor.organization_id if actor is not None else None


def visible_history(user, obj, entries: Iterable) -> list:
    """History entries (from_status, to_status, actor, note, created_at, kind) as `user`
    may read them. Parties read everything; anyone else reads the moves and dates, and
    the actor and note only of entries their own organization wrote (an objector reads
    its objection, not other objectors' reasons or the review correspondence)."""
    entries = list(entries)
    if is_party(user, obj):
        return entries
    own = getattr(user, "organization_id", None) if is_signed_in(user) else None
    shown = []
    for entry in entries:
        if own and _entry_org(entry) == own:
            shown.append(entry)
            continue
        masked = copy.copy(entry)
        for column in PRIVATE_HISTORY_COLUMNS:
            if hasattr(masked, column):
                setattr(masked, column, "")
        if hasattr(masked, "actor_id"):
            masked.actor = None
        shown.append(masked)
    return shown
