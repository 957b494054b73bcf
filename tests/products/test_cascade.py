"""Suspending an agreement (or its operator) suspends its listed products through the
cascade hook; lifting the suspension restores exactly those; ending the agreement
delists them."""

import pytest

from apps.operators import cascade
from apps.operators import services as operators
from apps.operators.models import Suspension
from apps.products import services
from apps.products.choices import ProductStatus as P
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db


def fresh(product):
    product.refresh_from_db()
    return product.status


def test_products_register_their_hooks():
    hook = cascade.hook("products")
    assert hook is not None and hook.on_suspend and hook.on_restore and hook.on_revoke


def test_agreement_suspension_suspends_listed_products_and_lifting_restores_them(
    listed, effective, regulator, operator_admin, resources
):
    draft_product = services.product_create(
        user=operator_admin, data=product_data(effective, resources, name="草稿")
    )
    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    assert fresh(listed) == P.SUSPENDED
    assert fresh(draft_product) == P.DRAFT  # only listed products are taken down
    suspension = Suspension.objects.get(agreement=effective)
    assert {"hook": "products", "pk": listed.pk, "agreement": effective.pk} in suspension.affected
    operators.agreement_resume(agreement=effective, reviewer=regulator)
    assert fresh(listed) == P.LISTED


def test_lifting_restores_exactly_what_it_took_down(
    listed, effective, regulator, operator_admin, resources
):
    second = services.product_create(
        user=operator_admin, data=product_data(effective, resources, name="第二个产品")
    )
    services.product_submit(product=second, user=operator_admin)
    services.product_approve(product=second, reviewer=regulator)
    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    # delisted while suspended: lifting must not bring it back
    services.product_delist(product=second, user=regulator, reason="违规")
    operators.agreement_resume(agreement=effective, reviewer=regulator)
    assert fresh(listed) == P.LISTED
    assert fresh(second) == P.DELISTED


def test_operator_suspension_reaches_its_products(listed, profile, regulator):
    operators.qualification_suspend(profile=profile, reviewer=regulator, reason="信用问题")
    assert fresh(listed) == P.SUSPENDED
    suspension = Suspension.objects.get(profile=profile)
    assert any(e["hook"] == "products" and e["pk"] == listed.pk for e in suspension.affected)
    operators.qualification_reinstate(profile=profile, reviewer=regulator)
    assert fresh(listed) == P.LISTED


def test_a_suspended_product_leaves_the_marketplace(listed, effective, regulator):
    from apps.products import selectors

    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    assert not selectors.marketplace().filter(pk=listed.pk).exists()


def test_revocation_delists_and_returns_products_in_review(
    listed, effective, regulator, operator_admin, resources
):
    waiting = services.product_create(
        user=operator_admin, data=product_data(effective, resources, name="待审产品")
    )
    services.product_submit(product=waiting, user=operator_admin)
    operators.agreement_revoke(agreement=effective, reviewer=regulator, reason="严重违规")
    assert fresh(listed) == P.DELISTED
    assert fresh(waiting) == P.DRAFT


def test_a_product_in_review_cannot_be_approved_while_its_agreement_is_suspended(
    in_review, effective, regulator
):
    from apps.core.exceptions import InvalidInput
    from apps.workflow.models import Decision
    from apps.workflow.review import steps_for

    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="整改")
    with pytest.raises(InvalidInput) as problem:
        services.product_approve(product=in_review, reviewer=regulator)
    assert problem.value.code == "agreement_not_effective"
    # the refusal rolled the decision back: the step still waits
    assert steps_for(in_review).get().decision == Decision.PENDING
