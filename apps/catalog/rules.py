"""Who may do what with data resources and their uploads (see apps.workflow.policy)."""

from django.db.models import Q

from apps.catalog.choices import RegistrationStatus
from apps.catalog.models import PREVIEW, DataResource, DatasetUpload, in_registry
from apps.core.permissions import MANAGE, VIEW
from apps.workflow.policy import ALL, ANY_ORG, DECIDE, DECIDERS, EVERYONE, OWN, REGULATOR, register


def _public(user) -> Q:
    # In the registry or under public notice (so that anyone can object).
    return in_registry() | Q(status=RegistrationStatus.PUBLIC_NOTICE)


# Regulators see and preview every resource and decide reviews, but manage none; the
# provider manages and previews its own; everyone sees the public ones.
(
    register(DataResource, owner="provider_id", relations={"public": _public})
    .allow(VIEW, to="public", kinds=EVERYONE)
    .allow(VIEW, PREVIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, PREVIEW, MANAGE, to=OWN, kinds=ANY_ORG)
    .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
)

# Uploads and their reports belong to the provider; regulators may look at them.
(
    register(DatasetUpload, owner="resource__provider_id")
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, MANAGE, to=OWN, kinds=ANY_ORG)
)
