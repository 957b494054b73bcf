"""TOTP enrolment and verification for regulator accounts (django-otp)."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.recorded import delete_recorded, save_recorded, snapshot
from apps.audit.services import audit_record, audit_record_denial

# "key" appears in an event only as changed (the audit diff masks secret-looking keys).
DEVICE_FIELDS = ("user_id", "name", "confirmed", "key")


def _fields(device) -> tuple[str, ...]:
    return tuple(f for f in DEVICE_FIELDS if hasattr(device, f))


@transaction.atomic
def otp_device_save(*, device, actor=None, verb: str | None = None):
    """Creates or changes a second-factor device (TOTP or backup codes) and records it."""
    return save_recorded(
        device,
        name="otp_device",
        fields=_fields(device),
        actor=actor,
        target_org=device.user.organization_id,
        data={"device": device._meta.label_lower, "user": device.user.get_username()},
        verb=verb,
    )


@transaction.atomic
def otp_device_delete(*, device, actor=None) -> None:
    delete_recorded(
        device,
        name="otp_device",
        before=snapshot(device, _fields(device)),
        actor=actor,
        target_org=device.user.organization_id,
        data={"device": device._meta.label_lower, "user": device.user.get_username()},
    )


def otp_device_tokens_changed(*, device, before: int, after: int, actor=None) -> None:
    """Backup codes added or removed (counts only: a code is a credential)."""
    audit_record(
        actor=actor,
        action="otp_device.tokens_change",
        target=device,
        target_org=device.user.organization_id,
        before={"tokens": before},
        after={"tokens": after},
        data={"device": device._meta.label_lower, "user": device.user.get_username()},
    )


def otp_device_confirm(*, device: TOTPDevice, actor=None) -> TOTPDevice:
    """Ends an enrolment: the user proved the authenticator works."""
    device.confirmed = True
    return otp_device_save(device=device, actor=actor or device.user, verb="confirm")


def otp_code_refused(*, user: User, request, reason: str, enrolling: bool) -> None:
    """A code refused after a correct password: wrong, expired or already used
    (`otp_wrong`), or tried while django-otp's throttle holds (`otp_throttled`). Audited
    as a denied `auth.otp`, like a failed password, so that a password in someone else's
    hands shows in the log (the code itself is never recorded)."""
    audit_record_denial(
        action="auth.otp",
        reason=reason,
        actor=user,
        target=user,
        target_org=user.organization_id,
        request=request,
        data={"username": user.get_username(), "enrolling": enrolling},
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled: reused across page loads so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = otp_device_save(
            device=TOTPDevice(user=user, name="authenticator", confirmed=False), actor=user
        )
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def provisioning_uri(device: TOTPDevice) -> str:
    # django-otp builds the otpauth:// URI, with OTP_TOTP_ISSUER as the issuer.
    return device.config_url


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
