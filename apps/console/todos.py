"""Today's to-dos of a regulator: live counts (each one indexed query), read on every
visit of the console home, before the precomputed figures."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.catalog import selectors as catalog
from apps.core.todos import Todo, link
from apps.delivery.alerts.selectors import open_alert_count
from apps.grants import selectors as grants
from apps.operators import selectors as operators
from apps.operators.report_due import overdue_reports
from apps.products import selectors as products
from apps.workflow.models import Objection

# The console page that reviews each kind of object an objection may be lodged against.
OBJECTION_PAGES = {
    "catalog.dataresource": "console:registration_review",
    "operators.authorizationagreement": "console:agreement_review",
}


def todos(user) -> list[Todo]:
    """What waits for the regulator today, most pressing first; empty ones included (a
    zero is news too)."""
    today = timezone.localdate()
    items = [
        Todo(
            "overdue_steps",
            _("Overdue application review steps"),
            grants.review_queue(user=user, queue="overdue").count(),
            link("console:review_queue", queue="overdue"),
            urgent=True,
        ),
        Todo(
            "my_reviews",
            _("Application reviews waiting for me"),
            grants.review_queue(user=user, queue="mine").count(),
            link("console:review_queue", queue="mine"),
        ),
        Todo(
            "registrations",
            _("Resource registrations to review"),
            catalog.review_queue(user=user).count(),
            link("console:registrations"),
        ),
        Todo(
            "qualifications",
            _("Operator qualifications to review"),
            operators.qualification_queue(user=user).count(),
            link("console:operators"),
        ),
        Todo(
            "agreements",
            _("Agreements to review"),
            operators.agreement_review_queue(user=user).count(),
            link("console:agreements"),
        ),
        Todo(
            "products",
            _("Data products to review"),
            products.product_review_queue(user=user).count(),
            link("console:products"),
        ),
        Todo(
            "open_alerts",
            _("Open anomaly alerts"),
            open_alert_count(),
            link("console:alerts", status="open"),
            urgent=True,
        ),
        Todo(
            "objections",
            _("Open objections"),
            open_objections().count(),
            None,
            urgent=True,
        ),
        Todo(
            "reports_late",
            _("Annual reports late"),
            overdue_reports(today).count(),
            link("console:operator_reports"),
            urgent=True,
        ),
    ]
    return items


def open_objections():
    return Objection.objects.filter(resolved_at__isnull=True).select_related(
        "notice__content_type", "organization"
    )


def objection_rows(limit: int = 5) -> list[dict]:
    """The oldest unresolved objections, each linked to the page that reviews its object."""
    rows = []
    for objection in open_objections().order_by("created_at")[:limit]:
        notice = objection.notice
        page = OBJECTION_PAGES.get(f"{notice.content_type.app_label}.{notice.content_type.model}")
        rows.append(
            {
                "organization": objection.organization,
                "reason": objection.reason,
                "created_at": objection.created_at,
                "url": link(page, notice.object_id) if page else None,
            }
        )
    return rows
