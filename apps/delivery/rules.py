"""Who may see and handle delivery's records (apps.workflow.policy).

Anomaly alerts: the regulator reads every alert; its admins and reviewers acknowledge,
resolve and lift a key suspension. The operator of the grant's product reads the alerts on
its products and its admins and reviewers acknowledge them. Merchants and providers see
none (the merchant hears of a suspension through the grant). Which key an alert is about
(its prefix and name, and the networks it called from) is the key's own fields: its
merchant and the regulator read them; the operator reads that a key of the merchant was
involved (the ApiKey policy's public fields, apps.workflow.rules).

Exports: the grant's merchant its own (its people, and the key that asked) and may
manage them; the product's operator and the regulator read the history of the grants they
oversee. Nobody else, providers included.

Sandbox query history: the grant's merchant (its own grants), the operator of the grant's
product and the regulator. The provider of the data reads the grant, not what the
merchant asked of it.

Who asked (a query's or an export's person and key) is read by the merchant and the
regulator only: the product's operator reads what was asked and when, as it reads the
audit events about its products (apps.audit.selectors.without_person), not which of the
merchant's people or keys asked (the `public_fields` below).

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
from apps.workflow.schema import document_trimmed

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
SANDBOX_QUERY_PUBLIC = (
    "id", "grant", "dataset_version", "sql", "decision", "refusal_code", "refusal_message",
    "refusal_label", "rows_released", "duration_ms", "created_at",
)  # fmt: skip
EXPORT_PUBLIC = (
    "id", "grant", "format", "fields", "resource", "source", "status", "progress", "rows",
    "bytes", "sha256", "watermark", "error_code", "created_at", "finished_at", "url",
    "download",
)  # fmt: skip

(
    register(
        SandboxQuery,
        owner="grant__merchant_id",
        relations={"operator": _of_my_products},
        public_fields=SANDBOX_QUERY_PUBLIC,
    )
    .allow(VIEW, to=OWN, kinds=MERCHANT)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
)
(
    register(
        Export,
        owner="grant__merchant_id",
        relations={"operator": _of_my_products},
        public_fields=EXPORT_PUBLIC,
    )
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
document_trimmed("SandboxQuery", SandboxQuery)
