"""Suspension cascade: agreements → whatever later apps build on them.

Later apps (products, grants) plug in with `register(name=..., on_suspend=..., ...)`
from their AppConfig.ready(). Hooks run inside the caller's transaction, so a
suspension and everything it takes down commit together and the next request sees it.

    on_suspend(agreement, suspension) -> list[int]   pks the hook actually suspended
    on_restore(pks, suspension) -> None              restore exactly those pks
    on_revoke(agreement, suspension | None) -> None  the agreement ended for good
    on_supersede(old, new) -> None                   a new version replaced `old`
"""

from collections.abc import Callable
from dataclasses import dataclass

AGREEMENTS = "operators.agreement"


@dataclass(frozen=True)
class Hook:
    name: str
    on_suspend: Callable | None = None
    on_restore: Callable | None = None
    on_revoke: Callable | None = None
    on_supersede: Callable | None = None


_hooks: dict[str, Hook] = {}


def register(
    *,
    name: str,
    on_suspend: Callable | None = None,
    on_restore: Callable | None = None,
    on_revoke: Callable | None = None,
    on_supersede: Callable | None = None,
) -> Hook:
    """Registers (or replaces, so reloading is harmless) the hooks of one downstream app."""
    if name == AGREEMENTS:
        raise ValueError(f"{AGREEMENTS} is reserved")
    hook = Hook(name, on_suspend, on_restore, on_revoke, on_supersede)
    _hooks[name] = hook
    return hook


def unregister(name: str) -> None:
    _hooks.pop(name, None)


def hooks() -> list[Hook]:
    return list(_hooks.values())


def hook(name: str) -> Hook | None:
    return _hooks.get(name)


def suspend_downstream(agreement, suspension) -> list[dict]:
    """Runs every on_suspend hook; returns the affected entries to record."""
    entries = []
    for h in hooks():
        if h.on_suspend:
            for pk in h.on_suspend(agreement, suspension) or []:
                entries.append({"hook": h.name, "pk": pk, "agreement": agreement.pk})
    return entries


def restore_downstream(entries: list[dict], suspension) -> None:
    by_hook: dict[str, list] = {}
    for entry in entries:
        if entry["hook"] != AGREEMENTS:
            by_hook.setdefault(entry["hook"], []).append(entry["pk"])
    for name, pks in by_hook.items():
        h = hook(name)
        if h and h.on_restore:
            h.on_restore(pks, suspension)


def end_downstream(agreement, suspension=None) -> None:
    for h in hooks():
        if h.on_revoke:
            h.on_revoke(agreement, suspension)


def supersede_downstream(old, new) -> None:
    for h in hooks():
        if h.on_supersede:
            h.on_supersede(old, new)
