"""Refusals noticed in core (the API error handler, web forms) are recorded by whoever
registered a recorder at start-up: the audit app does, in its AppConfig.ready(). Core
stays ground that imports no app; without a recorder a refusal is simply not recorded."""

from collections.abc import Callable

_recorder: Callable[..., object] | None = None


def register_recorder(recorder: Callable[..., object] | None) -> None:
    """`recorder(*, action, reason, request=None, actor=None, target=None, data=None)`."""
    global _recorder
    _recorder = recorder


def record_denial(*, action: str, reason: str, **kwargs) -> None:
    if _recorder is not None:
        _recorder(action=action, reason=reason, **kwargs)
