"""Writes for organizations, users, memberships and API keys. Every surface calls these,
Django admin included, and each change is an audit event."""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import keyrules
from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.keyrows import key_with_prefix
from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.accounts.recorded import delete_recorded, save_recorded, snapshot, stored
from apps.audit.context import SYSTEM
from apps.audit.services import audit_record
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed

KEY_PREFIX = "pdp"
KEY_PREFIX_FORM = re.compile(r"[0-9a-f]{1,16}")
CREATOR_LEFT = "creator left the organization"


class ApiKeyError(Exception):
    """Why a presented key was refused; `code` goes into the 401 body."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


# What an account event shows of each model. Never a secret: the password hash appears
# only as "changed" (the audit diff masks keys that look secret).
ORGANIZATION_FIELDS = ("name", "name_en", "code", "kind", "is_active")
USER_FIELDS = (
    "username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser",
    "password",
)  # fmt: skip
MEMBERSHIP_FIELDS = ("user_id", "organization_id", "role")


@transaction.atomic
def organization_create(
    *, name: str, kind: OrganizationKind, code: str, name_en: str = "", actor=None
) -> Organization:
    organization = Organization(name=name, kind=kind, code=code, name_en=name_en)
    return organization_save(organization=organization, actor=actor)


@transaction.atomic
def organization_save(*, organization: Organization, actor=None) -> Organization:
    """Creates or changes an organization (admin included) and records what changed."""
    return save_recorded(organization, name="organization", fields=ORGANIZATION_FIELDS, actor=actor)


@transaction.atomic
def organization_delete(*, organization: Organization, actor=None) -> None:
    delete_recorded(
        organization,
        name="organization",
        before=snapshot(organization, ORGANIZATION_FIELDS),
        actor=actor,
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organization: Organization | None = None,
    role: Role = Role.MEMBER,
    email: str = "",
    actor=None,
    **extra,
) -> User:
    user = User(username=username, email=email, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user_save(user=user, actor=actor)
    if organization is not None:
        membership_save(
            membership=Membership(user=user, organization=organization, role=role), actor=actor
        )
    return user


@transaction.atomic
def user_save(*, user: User, actor=None) -> User:
    """Creates or changes a user (admin included); a new password shows as changed."""
    # A new user joins an organization's trail with its membership event.
    target_org = user.organization_id if user.pk else None
    return save_recorded(user, name="user", fields=USER_FIELDS, actor=actor, target_org=target_org)


@transaction.atomic
def user_delete(*, user: User, actor=None) -> None:
    delete_recorded(
        user,
        name="user",
        before=snapshot(user, USER_FIELDS),
        actor=actor,
        target_org=user.organization_id,
    )


def user_access(user: User) -> dict:
    """Django groups and permissions (what the admin's user form can grant besides flags)."""
    if user.pk is None:
        return {"groups": [], "user_permissions": []}
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def user_access_changed(*, user: User, before: dict, actor=None) -> None:
    """Records a change of groups or permissions made after `before` was taken."""
    after = user_access(user)
    if after != before:
        audit_record(
            actor=actor,
            action="user.access_change",
            target=user,
            target_org=user.organization_id,
            before=before,
            after=after,
        )


@transaction.atomic
def membership_save(*, membership: Membership, actor=None) -> Membership:
    """Puts a user into an organization or changes the role; both trails see a move."""
    previous = stored(membership, MEMBERSHIP_FIELDS)
    data = {"user": membership.user.get_username()}
    if previous and previous["organization_id"] != membership.organization_id:
        data["from_organization"] = previous["organization_id"]
    saved = save_recorded(
        membership, name="membership", fields=MEMBERSHIP_FIELDS, actor=actor, data=data
    )
    # The user's cached organization and role are stale now.
    membership.user.__dict__.pop("_membership", None)
    return saved


@transaction.atomic
def membership_delete(*, membership: Membership, actor=None) -> None:
    data = {"user": membership.user.get_username()}
    delete_recorded(
        membership,
        name="membership",
        before=snapshot(membership, MEMBERSHIP_FIELDS),
        actor=actor,
        data=data,
    )
    membership.user.__dict__.pop("_membership", None)


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    created_by: User,
    name: str,
    expires_at: datetime | None = None,
    allowed_ips: list[str] | None = None,
    by_key: ApiKey | None = None,
) -> tuple[ApiKey, str]:
    """Creates a key and returns it with the raw secret, which is never stored or shown again.
    `by_key`: the key the request came with; a key makes no keys (a person does, a
    regulator past the second factor), or one stolen key would renew itself for ever."""
    if by_key is not None:
        raise PermissionDeniedError(
            _("An API key cannot create API keys; a person signed in must."),
            code="key_cannot_create_keys",
        )
    if (
        organization is None
        or created_by.organization_id != organization.pk
        or not created_by.is_org_admin
    ):
        raise PermissionDeniedError(_("Only an administrator of the organization can create keys."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            _("A key needs a name."),
            code="invalid",
            details={"name": [_("This field is required.")]},
        )
    expires_at = keyrules.check_expiry(expires_at, organization)
    networks = keyrules.normalize_networks(allowed_ips)
    if organization.kind == OrganizationKind.REGULATOR and not (
        networks and keyrules.narrow(networks)
    ):
        message = _(
            "A regulator's key must be limited to IP addresses or networks no wider than "
            "/%(v4)d (IPv4) or /%(v6)d (IPv6)."
        ) % {
            "v4": settings.API_KEY_REGULATOR_MIN_PREFIX_V4,
            "v6": settings.API_KEY_REGULATOR_MIN_PREFIX_V6,
        }
        raise InvalidInput(
            message, code="ip_restriction_required", details={"allowed_ips": [message]}
        )
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organization=organization,
        name=name,
        prefix=prefix,
        key_hash=ApiKey.hash_secret(raw_key),
        created_by=created_by,
        expires_at=expires_at,
        allowed_ips=networks,
    )
    audit_record(
        actor=created_by,
        action="api_key.create",
        target=key,
        after=_api_key_snapshot(key),
    )
    return key, raw_key


def _api_key_snapshot(key: ApiKey) -> dict:
    # Never the secret or its hash; the prefix is public (it is shown in every listing).
    return {
        "name": key.name,
        "prefix": key.prefix,
        "expires_at": key.expires_at,
        "allowed_ips": key.allowed_ips,
        "revoked_at": key.revoked_at,
        "revoked_by": key.revoked_by_id,
        "revoke_reason": key.revoke_reason,
    }


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: User, reason: str = "") -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if not ApiKey.objects.restrict(actor, "manage").filter(pk=key.pk).exists():
        raise PermissionDeniedError(_("You may not revoke this key."))
    if key.is_revoked:
        raise TransitionNotAllowed(_("This key is already revoked."), code="already_revoked")
    before = _api_key_snapshot(key)
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.revoke_reason = reason[:500]
    key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="api_key.revoke",
        target=key,
        reason=key.revoke_reason,
        before=before,
        after=_api_key_snapshot(key),
    )
    return key


@transaction.atomic
def api_key_delete(*, api_key: ApiKey, actor=None) -> None:
    """Removes a key for good (admin only; revoking keeps the record and is preferred)."""
    delete_recorded(api_key, name="api_key", before=_api_key_snapshot(api_key), actor=actor)


def _act_for_key_organization(key: ApiKey) -> None:
    """A key acts for the organization it was issued to, never for wherever its creator
    is now. A creator who left that organization takes the key's power with them: the key
    is revoked (and audited) the first time it is presented afterwards."""
    creator = key.created_by
    membership = getattr(creator, "membership", None)  # loaded with the key
    if membership is None or membership.organization_id != key.organization_id:
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoke_reason=CREATOR_LEFT
        )
        if revoked:
            key.refresh_from_db()
            audit_record(
                actor=SYSTEM,
                action="api_key.revoke",
                target=key,
                reason=CREATOR_LEFT,
                after=_api_key_snapshot(key),
            )
        raise ApiKeyError("api_key_revoked", _("The API key has been revoked."))
    # The request's user acts through this membership: the key's organization (the row
    # loaded with the key) and the creator's role there.
    membership.organization = key.organization
    creator._membership = membership


def api_key_authenticate(*, raw_key: str, ip: str | None, also=()) -> ApiKey:
    """Resolves a presented key or raises ApiKeyError with a stable code. `also`: what the
    request checks next, read with the key (apps.accounts.keyrows.key_with_prefix)."""
    parts = (raw_key or "").split("_", 2)
    # A prefix is hex (token_hex); anything else (NUL, other scripts, 5,000 characters)
    # is refused before it reaches the database.
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not KEY_PREFIX_FORM.fullmatch(parts[1]):
        raise ApiKeyError("api_key_invalid", _("The API key is not valid."))
    key = key_with_prefix(parts[1], also)
    if key is None or not secrets.compare_digest(key.key_hash, ApiKey.hash_secret(raw_key)):
        raise ApiKeyError("api_key_invalid", _("The API key is not valid."))
    if key.is_revoked:
        raise ApiKeyError("api_key_revoked", _("The API key has been revoked."))
    if key.is_expired:
        raise ApiKeyError("api_key_expired", _("The API key has expired."))
    if key.organization.kind == OrganizationKind.REGULATOR and not keyrules.regulator_key_ok(key):
        # Keys made before the rule (or edited in the admin) stop working rather than
        # bypass it.
        raise ApiKeyError(
            "api_key_policy", _("A regulator's key must be IP-restricted and short-lived.")
        )
    if not keyrules.ip_allowed(key, ip):
        raise ApiKeyError(
            "api_key_ip_not_allowed", _("The API key may not be used from this address.")
        )
    if not key.organization.is_active or not key.created_by.is_active:
        raise ApiKeyError("api_key_inactive", _("The API key's organization or owner is inactive."))
    _act_for_key_organization(key)
    now = timezone.now()
    # Bookkeeping at most once a minute per key; the guard in the WHERE makes races harmless.
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).exclude(
            last_used_at__gt=now - timedelta(minutes=1)
        ).update(last_used_at=now, last_used_ip=ip)
    return key
