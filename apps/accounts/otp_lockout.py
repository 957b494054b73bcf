"""Second-factor lockout: after OTP_MAX_FAILURES consecutive wrong TOTP codes, a user's
second factor refuses every code, the right one too, for OTP_LOCKOUT_MINUTES.

django-otp's throttle only doubles a pause after each wrong code; six digits are a
million codes, so whoever holds a password could still try them for as long as they like.
The count is the user's (not the session's or the address's, which the one guessing
changes at will) and lives in the database, so a Redis flush lifts no lock. Attempts
during a lock are refused without pushing it further out, so the time the page gives for
retrying stays true (as for the password, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import SecondFactorLock, User
from apps.audit.choices import Retention
from apps.audit.services import audit_record, audit_record_denial


@dataclass(frozen=True)
class OtpLockState:
    failures: int  # consecutive wrong codes since the last right one (or the last lock)
    locked_until: datetime | None  # None while the second factor is open

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    @property
    def attempts_left(self) -> int:
        return max(0, settings.OTP_MAX_FAILURES - self.failures)

    @property
    def seconds_left(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, math.ceil((self.locked_until - timezone.now()).total_seconds()))


def _state(row: SecondFactorLock | None) -> OtpLockState:
    if row is None:
        return OtpLockState(failures=0, locked_until=None)
    if row.locked_until is not None and row.locked_until <= timezone.now():
        return OtpLockState(failures=0, locked_until=None)  # the lock ran out: a fresh count
    return OtpLockState(failures=row.failures, locked_until=row.locked_until)


def otp_lock_state(user: User) -> OtpLockState:
    return _state(SecondFactorLock.objects.filter(user=user).first())


@transaction.atomic
def otp_failure_record(*, user: User, request, enrolling: bool) -> OtpLockState:
    """Counts one wrong code (under a row lock: two at once both count); the one that
    reaches OTP_MAX_FAILURES locks the second factor, a denied `auth.otp_lockout`."""
    SecondFactorLock.objects.get_or_create(user=user)
    row = SecondFactorLock.objects.select_for_update().get(user=user)
    state = _state(row)
    if state.locked:
        return state  # refused before it was checked; nothing to count
    row.failures = state.failures + 1
    row.locked_until = None
    if row.failures >= settings.OTP_MAX_FAILURES:
        row.locked_until = timezone.now() + timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
    row.save(update_fields=["failures", "locked_until", "updated_at"])
    if row.locked_until is not None:
        audit_record_denial(
            action="auth.otp_lockout",
            reason="otp_locked",
            actor=user,
            target=user,
            target_org=user.organization_id,
            request=request,
            data={
                "username": user.get_username(),
                "failures": row.failures,
                "locked_until": row.locked_until.isoformat(),
                "enrolling": enrolling,
            },
        )
    return _state(row)


def otp_success_record(*, user: User) -> None:
    """A right code ends the run of wrong ones."""
    SecondFactorLock.objects.filter(user=user).delete()


@transaction.atomic
def otp_unlock(*, user: User, actor=None) -> bool:
    """Lifts a user's second-factor lock and clears the count; an `auth.otp_unlock` event.
    Returns whether there was anything to clear. Used by `manage.py unlock_sign_in`."""
    count, _ = SecondFactorLock.objects.filter(user=user).delete()
    if count:
        audit_record(
            actor=actor,
            action="auth.otp_unlock",
            target=user,
            target_org=user.organization_id,
            data={"username": user.get_username()},
            retention=Retention.ACCESS,
        )
    return bool(count)


def locked_message(state: OtpLockState) -> str:
    until = state.locked_until or timezone.now()
    return _(
        "Too many wrong codes: two-factor verification is locked until %(time)s (in "
        "%(minutes)d minutes). Every code is refused until then, even a correct one; try "
        "again then, or ask your administrator to unlock it."
    ) % {
        "time": formats.time_format(timezone.localtime(until), "H:i"),
        "minutes": max(1, math.ceil(state.seconds_left / 60)),
    }


def wrong_code_messages(state: OtpLockState) -> list[str]:
    """What the form says after a wrong code: the lock it caused, or how many are left."""
    if state.locked:
        return [locked_message(state)]
    left = ngettext(
        "%(count)d attempt left before verification is locked for %(minutes)d minutes.",
        "%(count)d attempts left before verification is locked for %(minutes)d minutes.",
        state.attempts_left,
    ) % {"count": state.attempts_left, "minutes": settings.OTP_LOCKOUT_MINUTES}
    return [_("The code is wrong or has expired. Try the current code."), left]
