"""Refusals of a grant that upper layers decide: delivery registers its revenue cap
(apps.delivery.revenue.issue_guard) in its AppConfig.ready(); grants never imports it.

A guard is `guard(application) -> (code, message) | None`. The automated checks report
a refusal as a failed check (the application is rejected); `grant_issue` raises it, so a
final approval is refused with the guard's code. Both are audited as denials.
"""

from collections.abc import Callable

from apps.audit.services import audit_record_denial
from apps.core.exceptions import TransitionNotAllowed

Guard = Callable[[object], tuple[str, str] | None]
_guards: list[Guard] = []


def issue_guard_register(guard: Guard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def issue_refusal(application) -> tuple[str, str] | None:
    """The first guard's refusal of a grant for `application` (audited), or None."""
    for guard in _guards:
        refusal = guard(application)
        if refusal:
            code, _message = refusal
            audit_record_denial(
                action="grants.grant.issue",
                target=application,
                target_org=application.merchant_id,
                reason=code,
                data={"product": application.product_id},
            )
            return refusal
    return None


def issue_require(application) -> None:
    refusal = issue_refusal(application)
    if refusal:
        code, message = refusal
        error = TransitionNotAllowed(message, code=code)
        error.audited = True
        raise error
