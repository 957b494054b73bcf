"""The portal home of each role: what waits for the person (to-dos, each a live count
linked to the list behind it) and the few facts they come back for. Reads only, through
the selectors of each app, so every count is what the person may see."""

from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import OrganizationKind
from apps.catalog import selectors as catalog
from apps.catalog.choices import IngestStatus, RegistrationStatus
from apps.catalog.models import DatasetUpload
from apps.core.permissions import VIEW
from apps.core.todos import Todo, link
from apps.delivery.models import UsageDay
from apps.delivery.revenue import revenue_states_for
from apps.delivery.selectors import statement_list
from apps.grants import selectors as grants
from apps.grants.choices import ApplicationStatus, GrantStatus
from apps.grants.pages import step_label
from apps.operators import selectors as operators
from apps.operators.choices import AgreementStatus
from apps.operators.report_due import operators_owing_report, report_due_on
from apps.products import selectors as products
from apps.products.choices import ProductStatus

EXPIRING_DAYS = 30
S = RegistrationStatus
A = ApplicationStatus
OPEN_APPLICATIONS = [A.DRAFT, A.SUBMITTED, A.CHECKING, A.IN_REVIEW, A.CHANGES_REQUESTED]
IN_REVIEW = [A.SUBMITTED, A.CHECKING, A.IN_REVIEW]
TRACKED_AGREEMENTS = [
    AgreementStatus.DRAFT,
    AgreementStatus.UNDER_REVIEW,
    AgreementStatus.RETURNED,
    AgreementStatus.PUBLIC_NOTICE,
    AgreementStatus.EFFECTIVE,
    AgreementStatus.SUSPENDED,
]


def _soon():
    return timezone.now() + timedelta(days=EXPIRING_DAYS)


def _reviews(user) -> list[Todo]:
    """Review steps of applications assigned to the person's organization and role."""
    return [
        Todo(
            "overdue_steps",
            _("Overdue review steps"),
            grants.review_queue(user=user, queue="overdue").count(),
            link("portal:review_queue", queue="overdue"),
            urgent=True,
        ),
        Todo(
            "my_reviews",
            _("Application reviews waiting for me"),
            grants.review_queue(user=user, queue="mine").count(),
            link("portal:review_queue", queue="mine"),
        ),
    ]


def provider_home(user) -> dict:
    mine = catalog.resource_list(user=user, mine=True)
    failed = DatasetUpload.objects.restrict(user, VIEW).filter(
        resource__provider_id=user.organization_id,
        status=IngestStatus.FAILED,
        created_at__gte=timezone.now() - timedelta(days=30),
    )
    expiring = mine.filter(status=S.REGISTERED, expires_at__isnull=False, expires_at__lt=_soon())
    todos = [
        Todo(
            "drafts",
            _("Drafts and registrations returned for changes"),
            mine.filter(status__in=[S.DRAFT, S.RETURNED]).count(),
            link("portal:resources", status=[S.DRAFT, S.RETURNED]),
            urgent=mine.filter(status=S.RETURNED).exists(),
        ),
        Todo(
            "in_review",
            _("Resources in review or public notice"),
            mine.filter(status__in=[S.SUBMITTED, S.UNDER_REVIEW, S.PUBLIC_NOTICE]).count(),
            link("portal:resources", status=[S.SUBMITTED, S.UNDER_REVIEW, S.PUBLIC_NOTICE]),
        ),
        Todo(
            "expiring",
            _("Registrations expiring within 30 days"),
            expiring.count(),
            link("portal:resources", status=S.REGISTERED),
            urgent=True,
        ),
        Todo(
            "uploads_failed",
            _("Uploads failed in the last 30 days"),
            failed.count(),
            link("portal:resources"),
            urgent=True,
        ),
        Todo(
            "requests",
            _("Open applications for products using our data"),
            grants.application_list(user=user).filter(status__in=OPEN_APPLICATIONS[1:]).count(),
            link("portal:applications", status=OPEN_APPLICATIONS[1:]),
        ),
        *_reviews(user),
    ]
    return {
        "todos": todos,
        "expiring": expiring.order_by("expires_at")[:5],
        "failed_uploads": failed.select_related("resource").order_by("-created_at")[:5],
    }


def operator_home(user) -> dict:
    agreements = operators.agreement_list(user=user, mine=True).filter(
        status__in=TRACKED_AGREEMENTS
    )
    own = products.product_list(user=user, mine=True)
    today = timezone.localdate()
    profile = operators.own_profile(user=user)
    owing = (
        profile is not None
        and operators_owing_report(today.year - 1).filter(pk=profile.pk).exists()
    )
    todos = [
        *_reviews(user),
        Todo(
            "changes",
            _("Applications on our products in progress"),
            grants.application_list(user=user)
            .filter(product__in=own, status__in=OPEN_APPLICATIONS[1:])
            .count(),
            link("portal:applications", status=OPEN_APPLICATIONS[1:]),
        ),
        Todo(
            "agreements_ending",
            _("Agreements ending within 90 days"),
            operators.agreements_ending(agreements, days=90).count(),
            link("portal:agreements"),
            urgent=True,
        ),
        Todo(
            "annual_report",
            _("Annual report to file"),
            int(owing),
            link("portal:operator_reports"),
            urgent=owing and today > report_due_on(today.year),
        ),
    ]
    by_status = {row["status"]: row["n"] for row in own.values("status").annotate(n=Count("pk"))}
    return {
        "todos": todos,
        "agreements": agreements.order_by("term_end")[:5],
        "product_counts": [
            {"label": label, "count": by_status.get(value, 0), "status": value}
            for value, label in ProductStatus.choices
        ],
        "report_due": report_due_on(today.year) if owing else None,
        "revenue": revenue_states_for(user=user),
    }


def _usage_today(grant_rows) -> list[dict]:
    today = timezone.localdate()
    used = {
        row["grant_id"]: row
        for row in UsageDay.objects.filter(grant__in=grant_rows, day=today)
        .values("grant_id")
        .annotate(calls=Sum("calls"), rows=Sum("rows"))
    }
    rows = []
    for grant in grant_rows:
        day = used.get(grant.pk, {})
        rows.append(
            {
                "grant": grant,
                "calls": day.get("calls", 0),
                "rows": day.get("rows", 0),
                "calls_left": None
                if grant.calls_per_day is None
                else max(grant.calls_per_day - day.get("calls", 0), 0),
                "rows_left": None
                if grant.rows_per_day is None
                else max(grant.rows_per_day - day.get("rows", 0), 0),
            }
        )
    return rows


def merchant_home(user) -> dict:
    applications = grants.application_list(user=user).filter(status__in=OPEN_APPLICATIONS)
    active = grants.grant_list(user=user, status=GrantStatus.ACTIVE)
    recent = list(applications.order_by("-id")[:5])
    steps = grants.pending_steps_of(recent)
    todos = [
        Todo(
            "changes_requested",
            _("Applications with changes requested"),
            applications.filter(status=A.CHANGES_REQUESTED).count(),
            link("portal:applications", status=A.CHANGES_REQUESTED),
            urgent=True,
        ),
        Todo(
            "drafts",
            _("Application drafts not submitted"),
            applications.filter(status=A.DRAFT).count(),
            link("portal:applications", status=A.DRAFT),
        ),
        Todo(
            "in_progress",
            _("Applications in review"),
            applications.filter(status__in=IN_REVIEW).count(),
            link("portal:applications", status=IN_REVIEW),
        ),
        Todo(
            "grants_ending",
            _("Grants ending within 30 days"),
            active.filter(ends_at__lt=_soon()).count(),
            link("portal:grants", status=GrantStatus.ACTIVE),
            urgent=True,
        ),
        Todo(
            "suspended",
            _("Suspended grants"),
            grants.grant_list(user=user, status=GrantStatus.SUSPENDED).count(),
            link("portal:grants", status=GrantStatus.SUSPENDED),
            urgent=True,
        ),
    ]
    return {
        "todos": todos,
        "applications": [
            {"application": a, "step": steps.get(a.pk), "kind": step_label(steps[a.pk])}
            if a.pk in steps
            else {"application": a}
            for a in recent
        ],
        "usage": _usage_today(list(active.order_by("ends_at")[:10])),
        "statements": list(statement_list(user=user).order_by("-month", "-id")[:5]),
    }


HOMES = {
    OrganizationKind.PROVIDER: provider_home,
    OrganizationKind.OPERATOR: operator_home,
    OrganizationKind.MERCHANT: merchant_home,
}


def home_context(user) -> dict:
    """The role's to-dos and facts, or an empty context for other people."""
    build = HOMES.get(user.org_kind)
    return build(user) if build else {}
