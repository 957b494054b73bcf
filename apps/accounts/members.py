"""Changes an administrator makes to organizations and their people: (de)activating an
organization or a user and changing a role. Guards in front of the
services in apps.accounts.services, which save and audit (before and after); the
caller has checked the policy. An administrator cannot lock themselves out: no
deactivating their own organization or account, no dropping their own admin role."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts import services
from apps.accounts.choices import Role
from apps.accounts.models import Membership, Organization, User
from apps.core.exceptions import InvalidInput, TransitionNotAllowed


@transaction.atomic
def organization_set_active(*, organization: Organization, active: bool, actor: User):
    """Deactivates (its people can no longer act for it) or reactivates an organization."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not active and organization.pk == actor.organization_id:
        raise TransitionNotAllowed(
            _("You cannot deactivate your own organization."), code="own_organization"
        )
    if organization.is_active == active:
        raise TransitionNotAllowed(
            _("The organization is already active.")
            if active
            else _("The organization is already inactive."),
            code="no_change",
        )
    organization.is_active = active
    return services.organization_save(organization=organization, actor=actor)


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User) -> User:
    """Deactivates (no sign-in, no API key) or reactivates a user."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not active and user.pk == actor.pk:
        raise TransitionNotAllowed(_("You cannot deactivate yourself."), code="self")
    if user.is_active == active:
        raise TransitionNotAllowed(
            _("The user is already active.") if active else _("The user is already inactive."),
            code="no_change",
        )
    user.is_active = active
    return services.user_save(user=user, actor=actor)


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Changes a member's role in their organization."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if role not in Role.values:
        message = _("Choose a valid role.")
        raise InvalidInput(message, code="invalid_role", details={"role": [message]})
    if membership.user_id == actor.pk and role != Role.ADMIN:
        raise TransitionNotAllowed(_("You cannot drop your own admin role."), code="self")
    if membership.role == role:
        raise TransitionNotAllowed(_("The user already has this role."), code="no_change")
    membership.role = role
    return services.membership_save(membership=membership, actor=actor)
