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
merchant asked of it.

Statements: the merchant reads its own, the operator those of its products, the
regulator all. A grant's usage (USAGE, an action on Grant): its merchant, the product's
operator and the regulator; a provider agency that may see the grant does not read its
use."""

from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import MANAGE, VIEW
from apps.delivery.models import Alert, Export, SandboxQuery, Statement
from apps.grants.models import Grant
from apps.workflow.policy import ALL, DECIDE, DECIDERS, OWN, REGULATOR, register

USAGE = "view_usage"
MERCHANT = {OrganizationKind.MERCHANT}
OPERATOR = {OrganizationKind.OPERATOR}


def _of_my_products(user) -> Q:
    """Records of a grant on one of the caller's products."""
    return Q(grant__product__operator_id=getattr(user, "organization_id", None))


def _my_products(user) -> Q:
    """Records of one of the caller's products."""
    return Q(product__operator_id=getattr(user, "organization_id", None))


(
    register(Alert, owner="grant__product__operator_id", relations={"operator": _of_my_products})
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(MANAGE, DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(MANAGE, to="operator", kinds=OPERATOR, roles=DECIDERS)
)
(
    register(SandboxQuery, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, to=OWN, kinds=MERCHANT)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
(
    register(Export, owner="grant__merchant_id", relations={"operator": _of_my_products})
    .allow(VIEW, MANAGE, to=OWN, kinds=MERCHANT)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
(
    register(Statement, owner="merchant_id", relations={"operator": _my_products})
    .allow(VIEW, to=OWN, kinds=MERCHANT)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
(
    register(Grant)
    .allow(USAGE, to=OWN, kinds=MERCHANT)
    .allow(USAGE, to="operator", kinds=OPERATOR)
    .allow(USAGE, to=ALL, kinds=REGULATOR)
)
