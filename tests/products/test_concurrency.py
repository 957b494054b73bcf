"""Two regulators deciding the same product at once, on PostgreSQL with real threads:
exactly one decision, one listing, one audit event."""

import pytest

from apps.accounts.choices import OrganizationKind
from apps.products import services
from apps.products.choices import ProductStatus as P
from apps.workflow.history import history_for
from apps.workflow.models import Decision
from apps.workflow.review import steps_for
from tests.factories import member
from tests.products.conftest import product_data
from tests.workflow.test_concurrency import events, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_regulators_deciding_one_product_give_one_decision(
    effective, operator_admin, regulator, resources
):
    second = member(
        OrganizationKind.REGULATOR, organization=regulator.organization, username="regulator2"
    )
    product = services.product_create(user=operator_admin, data=product_data(effective, resources))
    services.product_submit(product=product, user=operator_admin)
    results, errors = race(
        lambda: services.product_approve(product=product, reviewer=regulator),
        lambda: services.product_return(product=product, reviewer=second, reason="退回"),
    )
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code in {"already_decided", "transition_not_allowed"}
    product.refresh_from_db()
    decided = [s for s in steps_for(product) if s.decision != Decision.PENDING]
    assert len(decided) == 1
    assert [h.to_status for h in history_for(product)][1:] == [product.status]
    assert product.status in {P.LISTED, P.DRAFT}
    assert events(product, "products.dataproduct.listed", "products.dataproduct.draft") == 1
