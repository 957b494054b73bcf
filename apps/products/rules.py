"""Who may do what with data products (see apps.workflow.policy): the operator owns its
products, the regulator reads all and decides, everyone reads listed products, and a
non-party reads only the public fields."""

from django.db.models import Q

from apps.core.permissions import MANAGE, VIEW
from apps.products.choices import ProductStatus
from apps.products.models import DataProduct
from apps.workflow.policy import ALL, ANY_ORG, DECIDE, DECIDERS, EVERYONE, OWN, REGULATOR, register
from apps.workflow.schema import document_trimmed

PRODUCT_PUBLIC_FIELDS = (
    "id", "name", "name_en", "description", "description_en", "operator", "agreement",
    "sources", "delivery_modes", "scenarios", "use_type", "pricing_model", "price",
    "max_rows_per_day", "max_calls_per_day", "terms_version", "status", "listed_at",
)  # fmt: skip


def _listed(user) -> Q:
    return Q(status=ProductStatus.LISTED)


(
    register(
        DataProduct,
        owner="operator_id",
        relations={"listed": _listed},
        public_fields=PRODUCT_PUBLIC_FIELDS,
    )
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(VIEW, MANAGE, to=OWN, kinds=ANY_ORG)
    .allow(VIEW, to="listed", kinds=EVERYONE)
    .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
)

# The product serializer is trimmed to PRODUCT_PUBLIC_FIELDS for non-parties.
document_trimmed("Product", DataProduct)
