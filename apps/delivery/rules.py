"""Who may read statements and a grant's usage (apps.workflow.policy).

Statements: the merchant reads its own, the operator those of its products, the
regulator all. A grant's usage (USAGE, an action on Grant): its merchant, the product's
operator and the regulator; a provider agency that may see the grant does not read its
use.
"""

from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import VIEW
from apps.delivery.models import Statement
from apps.grants.models import Grant
from apps.workflow.policy import ALL, OWN, REGULATOR, register

USAGE = "view_usage"
MERCHANT = {OrganizationKind.MERCHANT}
OPERATOR = {OrganizationKind.OPERATOR}


def _of_my_products(user) -> Q:
    return Q(product__operator_id=getattr(user, "organization_id", None))


(
    register(Statement, owner="merchant_id", relations={"operator": _of_my_products})
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
