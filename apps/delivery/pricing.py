"""What a grant's month of use costs, by the pricing frozen in the grant at issue
(Grant.scope: use_type, pricing_model, price; the product's current pricing only for a
grant issued before the scope carried it).

    public-welfare use, or pricing "free"  → 0
    per_call                               → calls × price
    per_1000_rows                          → rows × price / 1000 (pro rata, no rounding up)
    subscription                           → price, once per calendar month in which the
                                             grant (any version of its number) was live

Every amount is rounded half-up to the fen (0.01 yuan). Usage is metered per request
(apps.delivery.quotas.meter): a call is one served page, its rows the rows on the page.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from apps.grants.models import Grant
from apps.products.choices import CHARGED, PricingModel, UseType
from apps.products.validation import FEN


@dataclass(frozen=True)
class Terms:
    use_type: str
    pricing_model: str
    price: Decimal


def terms_of(grant: Grant) -> Terms:
    scope = grant.scope or {}
    product = grant.product
    try:
        price = Decimal(str(scope.get("price", product.price)))
    except InvalidOperation:
        price = Decimal(0)
    return Terms(
        use_type=scope.get("use_type") or product.use_type,
        pricing_model=scope.get("pricing_model") or product.pricing_model,
        price=price,
    )


def is_paid(terms: Terms) -> bool:
    return (
        terms.use_type != UseType.PUBLIC_WELFARE
        and terms.pricing_model in CHARGED
        and terms.price > 0
    )


def amount(terms: Terms, *, calls: int, rows: int, subscribed: bool) -> Decimal:
    """The month's amount; `subscribed`: this line carries the month's subscription."""
    if not is_paid(terms):
        return Decimal("0.00")
    if terms.pricing_model == PricingModel.PER_CALL:
        value = terms.price * calls
    elif terms.pricing_model == PricingModel.PER_1000_ROWS:
        value = terms.price * rows / 1000
    elif terms.pricing_model == PricingModel.SUBSCRIPTION:
        value = terms.price if subscribed else Decimal(0)
    else:
        value = Decimal(0)
    return value.quantize(FEN, rounding=ROUND_HALF_UP)
