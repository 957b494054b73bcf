"""Suspension cascades down and lifting restores exactly what it took."""

import pytest

from apps.operators import cascade, services
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import AuthorizationAgreement
from apps.operators.scope import agreement_scope_check
from tests.operators.conftest import agreement_data, make_effective


class FakeProducts:
    """Stands in for the products app: a set of 'listed' pks per agreement."""

    def __init__(self):
        self.listed = {}
        self.suspended = set()
        self.ended = []
        self.superseded = []

    def on_suspend(self, agreement, suspension):
        taken = [pk for pk in self.listed.get(agreement.pk, []) if pk not in self.suspended]
        self.suspended.update(taken)
        return taken

    def on_restore(self, pks, suspension):
        self.suspended.difference_update(pks)

    def on_revoke(self, agreement, suspension):
        self.ended.append(agreement.pk)

    def on_supersede(self, old, new):
        self.superseded.append((old.pk, new.pk))


@pytest.fixture
def products():
    fake = FakeProducts()
    cascade.register(
        name="test.products",
        on_suspend=fake.on_suspend,
        on_restore=fake.on_restore,
        on_revoke=fake.on_revoke,
        on_supersede=fake.on_supersede,
    )
    yield fake
    cascade.unregister("test.products")


@pytest.fixture
def two_agreements(effective, operator_admin, regulator, provider, resources):
    from apps.catalog import services as catalog
    from tests.catalog.conftest import payload, register

    third = register(
        catalog.resource_create(user=provider, data=payload(name="第三个")), provider, regulator
    )
    other = services.agreement_create(
        user=operator_admin,
        data=agreement_data(regulator, resources, scope=[{"resource": third.pk}]),
    )
    return effective, make_effective(other, operator_admin, regulator), third


def status(agreement):
    return AuthorizationAgreement.objects.get(pk=agreement.pk).status


def test_agreement_suspension_takes_its_products_down_and_back(effective, regulator, products):
    products.listed = {effective.pk: [1, 2]}
    products.suspended = {2}  # suspended on its own before
    suspension = services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    assert products.suspended == {1, 2}
    assert [e["pk"] for e in suspension.affected if e["hook"] == "test.products"] == [1]
    services.agreement_resume(agreement=effective, reviewer=regulator)
    assert products.suspended == {2}


def test_operator_suspension_restores_exactly_what_it_took(
    two_agreements, regulator, profile, products
):
    first, second, _third = two_agreements
    products.listed = {first.pk: [10], second.pk: [20]}
    # The second agreement was suspended on its own before the operator was.
    services.agreement_suspend(agreement=second, reviewer=regulator, reason="单独暂停")
    suspension = services.qualification_suspend(profile=profile, reviewer=regulator, reason="整改")
    assert status(first) == A.SUSPENDED
    assert {(e["hook"], e["pk"]) for e in suspension.affected} == {
        ("operators.agreement", first.pk),
        ("test.products", 10),
    }
    services.qualification_reinstate(profile=profile, reviewer=regulator)
    assert status(first) == A.EFFECTIVE
    assert status(second) == A.SUSPENDED
    assert products.suspended == {20}
    suspension.refresh_from_db()
    assert suspension.closed_at and suspension.restored


def test_operator_suspension_is_visible_to_the_next_scope_check(
    effective, regulator, profile, resources
):
    assert agreement_scope_check(agreement=effective, resource=resources[1]).allowed
    services.qualification_suspend(profile=profile, reviewer=regulator, reason="整改")
    decision = agreement_scope_check(agreement=effective, resource=resources[1])
    assert decision.reason_code == "agreement_not_effective"


def test_agreement_under_operator_suspension_cannot_be_resumed_alone(effective, regulator, profile):
    services.qualification_suspend(profile=profile, reviewer=regulator, reason="整改")
    from apps.core.exceptions import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.agreement_resume(agreement=effective, reviewer=regulator)


def test_operator_revocation_revokes_agreements_and_ends_products(
    two_agreements, regulator, profile, products, operator_admin
):
    first, second, _ = two_agreements
    amendment = services.agreement_amend(agreement=first, user=operator_admin)
    services.agreement_suspend(agreement=second, reviewer=regulator, reason="单独暂停")
    services.qualification_revoke(profile=profile, reviewer=regulator, reason="严重违规")
    assert (status(first), status(second), status(amendment)) == (
        A.REVOKED,
        A.REVOKED,
        A.TERMINATED,
    )
    assert sorted(products.ended) == sorted([first.pk, second.pk])


def test_operator_exit_terminates_agreements(effective, operator_admin, profile):
    services.qualification_exit(profile=profile, user=operator_admin, reason="退出运营")
    assert status(effective) == A.TERMINATED


def test_lifting_after_a_revocation_restores_nothing(effective, regulator, profile, products):
    products.listed = {effective.pk: [5]}
    services.qualification_suspend(profile=profile, reviewer=regulator, reason="整改")
    services.agreement_revoke(agreement=effective, reviewer=regulator, reason="撤销")
    services.qualification_reinstate(profile=profile, reviewer=regulator)
    assert status(effective) == A.REVOKED
    assert products.ended == [effective.pk]


def test_supersede_hook_runs_when_an_amendment_takes_effect(
    effective, operator_admin, regulator, products
):
    new = services.agreement_amend(agreement=effective, user=operator_admin)
    new = make_effective(new, operator_admin, regulator)
    assert products.superseded == [(effective.pk, new.pk)]


def test_a_failing_hook_rolls_the_suspension_back(effective, regulator):
    def boom(agreement, suspension):
        raise RuntimeError("downstream failed")

    cascade.register(name="test.boom", on_suspend=boom)
    try:
        with pytest.raises(RuntimeError):
            services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    finally:
        cascade.unregister("test.boom")
    assert status(effective) == A.EFFECTIVE
