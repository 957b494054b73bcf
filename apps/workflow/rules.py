"""Rules for the models below workflow (accounts, audit) and the capabilities of roles.

Roles: organization admins manage members and keys; reviewers decide review steps;
members draft. Within the regulator, deciding reviews, suspending and revoking need the
reviewer or admin role, managing regulator users needs admin, and personal-data steps go
to the security reviewer.
"""

from django.db.models import Q

from apps.accounts.models import ApiKey, Organization
from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent
from apps.core.permissions import MANAGE, VIEW
from apps.workflow.models import Notification, NotificationPreference
from apps.workflow.policy import (
    ADMINS,
    ALL,
    ANY_ORG,
    DECIDE,
    DECIDE_PERSONAL,
    DECIDERS,
    MANAGE_ORGANIZATIONS,
    OWN,
    REGULATOR,
    SECURITY,
    capability,
    register,
)

capability(DECIDE, kinds=REGULATOR, roles=DECIDERS)
capability(DECIDE_PERSONAL, kinds=REGULATOR, roles=SECURITY)
# Creating organizations and managing any organization's people: the regulator's admins.
capability(MANAGE_ORGANIZATIONS, kinds=REGULATOR, roles=ADMINS)

# An organization "owns" itself: its admins manage its members.
(
    register(Organization, owner="id")
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, to=OWN, kinds=ANY_ORG)
    .allow(MANAGE, to=ALL, kinds=REGULATOR, roles=ADMINS)
    .allow(MANAGE, to=OWN, kinds=ANY_ORG, roles=ADMINS)
)

# Regulators see every key (and its admins revoke any); an organization's admins manage its keys.
# A key's prefix, name, addresses and dates are its organization's and the regulator's to
# read; anyone else shown a record that names a key (an operator reading an anomaly alert,
# apps.delivery.alerts.selectors.shows_key) reads only whose key it is.
(
    register(ApiKey, owner="organization_id", public_fields=("organization",))
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, to=OWN, kinds=ANY_ORG)
    .allow(MANAGE, to=ALL, kinds=REGULATOR, roles=ADMINS)
    .allow(MANAGE, to=OWN, kinds=ANY_ORG, roles=ADMINS)
)


def _involved(user) -> Q:
    """The events about the organization's objects, and those it did, but for its probes of
    objects hidden from it: such a denial names the object's owner, and next to an
    unknown id (no denial at all) it would tell that the object exists and whose it is,
    which the uniform 404 keeps to itself. The owner and the regulator read it."""
    org_id = user.organization_id or 0
    probe = Q(outcome=Outcome.DENIED, reason="not_visible")
    return Q(target_org_id=org_id) | (Q(actor_org_id=org_id) & ~probe)


# Events are read by the regulator, and by the organizations that acted or were acted on.
# Nobody manages them.
(
    register(AuditEvent, owner="target_org_id", relations={"involved": _involved})
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, to="involved", kinds=ANY_ORG)
)


def _mine(user) -> Q:
    return Q(recipient_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])


def _my_preferences(user) -> Q:
    return Q(user_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])


# A notification is its recipient's alone: not even the regulator reads another's.
register(Notification, relations={"mine": _mine}).allow(VIEW, MANAGE, to="mine", kinds=ANY_ORG)
register(NotificationPreference, relations={"mine": _my_preferences}).allow(
    VIEW, MANAGE, to="mine", kinds=ANY_ORG
)
