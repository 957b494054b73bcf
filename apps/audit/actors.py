"""How the audit log learns who acted and whose trail an event joins, without importing
the apps above it.

An actor describes itself: any object with `audit_actor() -> ActorDescription` (the
accounts app's User and ApiKey). A target names the organization whose trail it joins
with `audit_org_id` (an Organization is its own), else its `organization_id`.
"""

from dataclasses import asdict, dataclass
from typing import Protocol, runtime_checkable

from apps.audit.choices import ActorType


@dataclass(frozen=True)
class ActorDescription:
    actor_type: str
    actor_id: str = ""
    actor_label: str = ""
    actor_org_id: int | None = None
    actor_role: str = ""

    def fields(self) -> dict:
        return asdict(self)


@runtime_checkable
class DescribesActor(Protocol):
    def audit_actor(self) -> ActorDescription: ...


ANONYMOUS = ActorDescription(actor_type=ActorType.ANONYMOUS)


def describe_user(user) -> ActorDescription:
    """The description of any authenticated Django user (duck-typed)."""
    return ActorDescription(
        actor_type=ActorType.USER,
        actor_id=str(user.pk),
        actor_label=user.get_username(),
        actor_org_id=getattr(user, "organization_id", None),
        actor_role=getattr(user, "role", None) or ("superuser" if user.is_superuser else ""),
    )


def target_org_of(target) -> int | None:
    owner = getattr(target, "audit_org_id", None)
    return owner if owner is not None else getattr(target, "organization_id", None)
