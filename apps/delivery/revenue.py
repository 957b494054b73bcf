"""An agreement's revenue against its cap (AuthorizationAgreement.max_revenue).

Revenue of an agreement = the amounts of every statement (final and provisional) of the
products under any version of its number: one number is one continuous term. At
DELIVERY_REVENUE_WARNING_SHARE (80 %) of the cap the operator and the authorizing
regulator are told once (a keyed notification per threshold); at 100 % they are told
again and no new paid grant is issued on its products (`issue_guard`, registered with
apps.grants.guards): the automated checks reject the application and a final approval
is refused with `revenue_cap_reached`. Free and public-welfare grants still pass.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.delivery import pricing
from apps.delivery.choices import RevenueLevel
from apps.delivery.models import Statement
from apps.operators.models import AuthorizationAgreement
from apps.products.models import DataProduct
from apps.workflow.notifications import NotificationCategory, Phrase, notify

CAP_CODE = "revenue_cap_reached"


@dataclass(frozen=True)
class RevenueState:
    agreement: AuthorizationAgreement
    revenue: Decimal
    max_revenue: Decimal | None
    share: float | None  # revenue / max_revenue
    level: str

    @property
    def level_label(self) -> str:
        return RevenueLevel(self.level).label

    @property
    def percent(self) -> int | None:
        return None if self.share is None else int(self.share * 100)


def _revenue_by_number(numbers) -> dict[str, Decimal]:
    rows = (
        Statement.objects.filter(product__agreement__number__in=list(numbers))
        .values("product__agreement__number")
        .order_by()
        .annotate(total=Sum("amount"))
    )
    return {r["product__agreement__number"]: r["total"] or Decimal(0) for r in rows}


def _state(agreement, revenue: Decimal) -> RevenueState:
    cap = agreement.max_revenue
    if cap is None:
        return RevenueState(agreement, revenue, None, None, RevenueLevel.UNCAPPED)
    share = float(revenue / cap) if cap > 0 else (1.0 if revenue >= 0 else 0.0)
    if share >= 1:
        level = RevenueLevel.REACHED
    elif share >= settings.DELIVERY_REVENUE_WARNING_SHARE:
        level = RevenueLevel.WARNING
    else:
        level = RevenueLevel.OK
    return RevenueState(agreement, revenue, cap, share, level)


def revenue_states(agreements) -> list[RevenueState]:
    """Each agreement's revenue state (one aggregate query for all of them)."""
    agreements = list(agreements)
    totals = _revenue_by_number({a.number for a in agreements})
    return [_state(a, totals.get(a.number, Decimal(0))) for a in agreements]


def revenue_state(agreement: AuthorizationAgreement) -> RevenueState:
    return revenue_states([agreement])[0]


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _tell(state: RevenueState, threshold: str) -> None:
    agreement = state.agreement
    title = Phrase(
        gettext_lazy("Agreement %(number)s reached its revenue cap")
        if threshold == "100"
        else gettext_lazy("Agreement %(number)s is near its revenue cap"),
        number=agreement.number,
    )
    text = gettext_lazy("Revenue %(revenue)s of %(cap)s yuan (%(percent)s%%).")
    if threshold == "100":
        refused = gettext_lazy("New paid grants on its products are refused.")
        text = format_lazy("{} {}", text, refused)
    body = Phrase(text, revenue=state.revenue, cap=state.max_revenue, percent=state.percent)
    for organization, link in (
        (agreement.operator_id, _link("portal:agreement_detail", agreement.pk)),
        (agreement.authority_id, _link("console:agreement_review", agreement.pk)),
    ):
        notify(
            category=NotificationCategory.ALERT,
            verb="delivery.revenue_cap",
            title=title,
            body=body,
            organization=organization,
            obj=agreement,
            link=link,
            # Once per threshold and recipient; the organization in the key gives each
            # organization its own e-mail (the outbox queues a key once).
            key=f"revenue-cap-{agreement.number}-{threshold}-org{organization}",
        )


@transaction.atomic
def revenue_review(agreement: AuthorizationAgreement) -> RevenueState:
    """Tells the operator and the regulator when the agreement passes a threshold (once
    per threshold and recipient: the notification's key)."""
    state = revenue_state(agreement)
    if state.level in (RevenueLevel.WARNING, RevenueLevel.REACHED):
        _tell(state, "80")
    if state.level == RevenueLevel.REACHED:
        _tell(state, "100")
    return state


def revenue_review_products(product_ids) -> list[RevenueState]:
    agreements = AuthorizationAgreement.objects.filter(
        pk__in=DataProduct.objects.filter(pk__in=list(product_ids)).values("agreement_id")
    )
    return [revenue_review(agreement) for agreement in agreements.order_by("pk")]


def issue_guard(application) -> tuple[str, str] | None:
    """apps.grants.guards: refuses a new paid grant on a product whose agreement reached
    its revenue cap."""
    product = application.product
    terms = pricing.Terms(product.use_type, product.pricing_model, product.price)
    if not pricing.is_paid(terms):
        return None
    state = revenue_state(product.agreement)
    if state.level != RevenueLevel.REACHED:
        return None
    return CAP_CODE, _(
        "The operator's agreement %(number)s has reached its revenue cap: no new paid grant "
        "is issued on its products."
    ) % {"number": product.agreement.number}


def revenue_states_for(*, user) -> list[RevenueState]:
    """The agreements in force whose revenue `user` follows: the regulator all, an
    operator its own; nobody else any."""
    agreements = AuthorizationAgreement.objects.in_force().select_related("operator")
    agreements = agreements.order_by("number")
    if getattr(user, "is_regulator", False):
        return revenue_states(agreements)
    if getattr(user, "org_kind", None) == "operator" and user.organization_id:
        return revenue_states(agreements.filter(operator_id=user.organization_id))
    return []
