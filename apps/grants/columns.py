"""The columns of the application, review-queue and grant lists: what the header shows,
how each sorts (?ordering=) and what an export writes (apps.core.tables)."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from apps.core.tables import Column
from apps.grants.approval import step_kind
from apps.grants.choices import StepKind
from apps.grants.models import AccessApplication

APPLICATION_COLUMNS = [
    Column("id", "#", "pk", "id"),
    Column("product", _("product"), "product.name", "product__name"),
    Column("merchant", _("merchant"), "merchant.name", "merchant__name"),
    Column("kind", _("kind"), "get_kind_display", "kind"),
    Column("status", _("status"), "get_status_display", "status"),
    Column("submitted", _("submitted at"), "submitted_at", "submitted_at"),
    Column("decided", _("decided at"), "decided_at", "decided_at"),
]

QUEUE_COLUMNS = [
    Column("application", "#", "object_id", "object_id"),
    Column("product", _("product"), "product_name", "product_name"),
    Column("merchant", _("merchant"), "merchant_name", "merchant_name"),
    Column("step", _("step"), lambda s: _kind(step_kind(s)), "stage"),
    Column("reviewer", _("reviewer"), "assignee_organization.name", "assignee_organization__name"),
    Column("due", _("due"), "due_at", "due_at"),
]

GRANT_COLUMNS = [
    Column("number", _("grant number"), "number", "number"),
    Column("version", _("version"), "version", "version"),
    Column("product", _("product"), "product.name", "product__name"),
    Column("merchant", _("merchant"), "merchant.name", "merchant__name"),
    Column("status", _("status"), "get_status_display", "status"),
    Column("starts", _("valid from"), "starts_at", "starts_at"),
    Column("ends", _("valid until"), "ends_at", "ends_at"),
]


def _kind(kind: str) -> str:
    return str(StepKind(kind).label) if kind in StepKind.values else kind


def with_application_names(steps):
    """Review steps with their application's product and merchant names, so that the
    queue sorts and exports by them in the same query."""
    application = AccessApplication.objects.filter(pk=OuterRef("object_id"))
    return steps.annotate(
        product_name=Subquery(application.values("product__name")[:1]),
        merchant_name=Subquery(application.values("merchant__name")[:1]),
    )
