"""Helpers of the statement and revenue-cap tests: products of the operator with each
pricing model on the effective agreement, a grant on each, and metered use."""

import uuid

from apps.delivery import quotas
from apps.grants.models import Grant
from apps.products import services as products
from tests.grants import conftest as grants
from tests.products.conftest import product_data


def priced_product(agreement, resources, operator_admin, regulator, **pricing):
    name = f"产品{pricing.get('pricing_model', 'x')}{uuid.uuid4().hex[:4]}"
    product = products.product_create(
        user=operator_admin, data=product_data(agreement, resources, name=name, **pricing)
    )
    products.product_submit(product=product, user=operator_admin)
    return products.product_approve(product=product, reviewer=regulator)


def grant_on(product, merchant, operator_admin) -> Grant:
    """A grant on `product` (credit_code only: the operator alone reviews)."""
    return grants.issued(product, merchant, operator_admin)


def use(grant, *, calls: int, rows_each: int = 1, size: int = 100) -> None:
    """`calls` served pages of `rows_each` rows, metered as the record API meters them."""
    for _ in range(calls):
        quotas.meter(grant, request_id=uuid.uuid4().hex, rows=rows_each, size=size)
