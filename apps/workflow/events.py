"""Domain events for outside receivers (webhooks): a registry of event type names and
one publish call, filled at start-up by the apps above.

Apps below webhooks (catalog, operators, products, grants) cannot import it, so they
name their event types and publish through here:

    events.event_type_register("grant.suspended", _("Grant suspended"))   # AppConfig.ready
    events.event_publish(organization=org, event_type="grant.suspended",
                         payload={...}, target=grant)                  # inside the service

`event_publish` runs every subscriber in the caller's transaction (the webhooks app
writes its deliveries and outbox rows there), so an event commits or rolls back with
the change it describes.
"""

from collections.abc import Callable

EVENT_TYPES: dict[str, object] = {}  # name → label (lazy translation)
_subscribers: list[Callable[..., object]] = []


def event_type_register(name: str, label) -> None:
    EVENT_TYPES[name] = label


def event_types() -> dict[str, object]:
    return dict(sorted(EVENT_TYPES.items()))


def event_subscribe(func: Callable[..., object]) -> None:
    if func not in _subscribers:
        _subscribers.append(func)


def event_publish(*, organization, event_type: str, payload: dict, target=None) -> None:
    """Hands the event to every subscriber, in the caller's transaction."""
    if event_type not in EVENT_TYPES:
        raise LookupError(f"unknown event type {event_type!r}: register it first")
    for subscriber in _subscribers:
        subscriber(organization=organization, event_type=event_type, payload=payload, target=target)


def event_publish_to(*, organizations, event_type: str, payload: dict, target=None) -> None:
    """The same event to each of several organizations (each once)."""
    for organization in dict.fromkeys(organizations):
        event_publish(
            organization=organization, event_type=event_type, payload=payload, target=target
        )
