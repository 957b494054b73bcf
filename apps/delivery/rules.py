"""Who reads the sandbox query history of a grant (apps.workflow.policy): the grant's
merchant (its own grants), the operator of the grant's product and the regulator. The
provider of the data reads the grant, not what the merchant asked of it."""

from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import VIEW
from apps.delivery.models import SandboxQuery
from apps.workflow.policy import ALL, OWN, REGULATOR, register


def _of_my_products(user) -> Q:
    return Q(grant__product__operator_id=getattr(user, "organization_id", None))


(
    register(SandboxQuery, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, to=OWN, kinds={OrganizationKind.MERCHANT})
    .allow(VIEW, to="operator", kinds={OrganizationKind.OPERATOR})
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
