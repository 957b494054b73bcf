"""Who sees which exports (apps.workflow.policy): the grant's merchant its own (its
people, and the key that asked); the product's operator and the regulator read the
history of the grants they oversee. Nobody else, providers included."""

from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import MANAGE, VIEW
from apps.delivery.models import Export
from apps.workflow.policy import ALL, OWN, REGULATOR, register


def _of_my_products(user) -> Q:
    return Q(grant__product__operator_id=getattr(user, "organization_id", None))


(
    register(Export, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, MANAGE, to=OWN, kinds={OrganizationKind.MERCHANT})
    .allow(VIEW, to="operator", kinds={OrganizationKind.OPERATOR})
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
