"""Who may see and handle delivery's records (apps.workflow.policy).

Anomaly alerts: the regulator reads every alert; its admins and reviewers acknowledge,
resolve and lift a key suspension. The operator of the grant's product reads the alerts on
its products and its admins and reviewers acknowledge them. Merchants and providers see
none (the merchant hears of a suspension through the grant).

Exports: the grant's merchant its own (its people, and the key that asked) and may
manage them; the product's operator and the regulator read the history of the grants they
oversee. Nobody else, providers included.

Sandbox query history: the grant's merchant (its own grants), the operator of the grant's
product and the regulator. The provider of the data reads the grant, not what the
merchant asked of it."""

from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import MANAGE, VIEW
from apps.delivery.models import Alert, Export, SandboxQuery
from apps.workflow.policy import ALL, DECIDE, DECIDERS, OWN, REGULATOR, register

OPERATOR = {OrganizationKind.OPERATOR}


def _of_my_products(user) -> Q:
    return Q(grant__product__operator_id=getattr(user, "organization_id", None))


(
    register(Alert, owner="grant__product__operator_id", relations={"operator": _of_my_products})
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(MANAGE, DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(MANAGE, to="operator", kinds=OPERATOR, roles=DECIDERS)
)
(
    register(SandboxQuery, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, to=OWN, kinds={OrganizationKind.MERCHANT})
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
(
    register(Export, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, MANAGE, to=OWN, kinds={OrganizationKind.MERCHANT})
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
