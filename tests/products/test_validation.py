"""A product stays inside its agreement: scope, fields, row filter, masking, scenarios,
price. Each refusal has its own code and changes nothing."""

import pytest

from apps.core.exceptions import InvalidInput
from apps.products import services
from apps.products.models import DataProduct
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db


def refused(user, data) -> InvalidInput:
    before = DataProduct.objects.count()
    with pytest.raises(InvalidInput) as problem:
        services.product_create(user=user, data=data)
    assert DataProduct.objects.count() == before
    return problem.value


def source(resource, fields, **extra) -> list[dict]:
    return [{"resource": resource.pk, "fields": fields, **extra}]


def test_fields_outside_the_scope_are_refused(operator_admin, effective, resources):
    # The first resource is in scope with credit_code and reg_capital only.
    data = product_data(effective, resources, sources=source(resources[0], ["legal_rep"]))
    problem = refused(operator_admin, data)
    assert problem.code == "fields_not_in_scope"
    assert "sources" in problem.details


def test_a_resource_outside_the_scope_is_refused(
    operator_admin, effective, resources, provider, regulator
):
    from apps.catalog import services as catalog
    from tests.catalog.conftest import payload, register

    other = register(
        catalog.resource_create(user=provider, data=payload(name="另一资源")), provider, regulator
    )
    problem = refused(
        operator_admin, product_data(effective, resources, sources=source(other, ["credit_code"]))
    )
    assert problem.code == "resource_not_in_scope"


def test_a_field_the_resource_lacks_is_refused(operator_admin, effective, resources):
    problem = refused(
        operator_admin, product_data(effective, resources, sources=source(resources[1], ["nope"]))
    )
    assert problem.code == "field_unknown"


def test_a_scenario_outside_the_agreement_is_refused(operator_admin, effective, resources):
    problem = refused(operator_admin, product_data(effective, resources, scenarios=["gaming"]))
    assert problem.code == "scenario_not_allowed"
    assert "scenarios" in problem.details


def test_a_scenario_longer_than_an_application_holds_is_refused(
    operator_admin, effective, resources
):
    effective.allowed_scenarios = []  # any scenario
    effective.save(update_fields=["allowed_scenarios"])
    for scenarios in (["x" * 101], [f"s{i}" for i in range(51)]):
        problem = refused(operator_admin, product_data(effective, resources, scenarios=scenarios))
        assert problem.code == "names_invalid" and "scenarios" in problem.details


def test_a_price_above_the_cap_is_refused(operator_admin, effective, resources):
    problem = refused(operator_admin, product_data(effective, resources, price="5000.01"))
    assert problem.code == "price_above_cap"
    # at the cap is fine
    services.product_create(
        user=operator_admin, data=product_data(effective, resources, price="5000")
    )


def test_industrial_use_must_be_charged(operator_admin, effective, resources):
    problem = refused(operator_admin, product_data(effective, resources, pricing_model="free"))
    assert problem.code == "pricing_required"
    problem = refused(operator_admin, product_data(effective, resources, price="0"))
    assert problem.code == "price_invalid"


@pytest.mark.parametrize("price", ["0.001", "0.009", "1.005", "1e40"])
def test_a_price_finer_than_a_fen_is_refused_not_rounded_away(
    operator_admin, effective, resources, price
):
    # 0.001 yuan was stored as 0.00: an industrial product delivered for nothing.
    problem = refused(operator_admin, product_data(effective, resources, price=price))
    assert problem.code == "price_invalid"
    assert not DataProduct.objects.exists()


def test_public_welfare_is_always_free(operator_admin, effective, resources):
    product = services.product_create(
        user=operator_admin,
        data=product_data(
            effective, resources, use_type="public_welfare", pricing_model="per_call", price="9"
        ),
    )
    assert (product.pricing_model, product.price) == ("free", 0)


def test_masking_may_only_be_stricter_than_the_default(operator_admin, effective, resources):
    weaker = source(resources[1], [{"name": "legal_rep", "masking": "none"}])
    problem = refused(operator_admin, product_data(effective, resources, sources=weaker))
    assert problem.code == "masking_too_weak"
    stricter = source(resources[1], [{"name": "legal_rep", "masking": "redact"}])
    product = services.product_create(
        user=operator_admin, data=product_data(effective, resources, sources=stricter)
    )
    assert product.sources.get().fields == [{"name": "legal_rep", "masking": "redact"}]


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "reg_capital", "op": "eq", "value": "lots"},  # not a decimal
        {"field": "reg_capital", "op": "prefix", "value": "1"},  # prefix on a number
        {"field": "reg_capital", "op": "range", "value": [10, 1]},  # low above high
        {"field": "credit_code", "op": "in", "value": []},  # empty list
        {"field": "credit_code", "op": "like", "value": "x"},  # unknown operator
        {"field": "missing", "op": "eq", "value": "x"},  # unknown field
        {"field": "credit_code", "op": "eq", "value": "x'; DROP TABLE x; --", "sql": "1"},
        "reg_capital > 0",  # raw text is never a condition
        {"field": "credit_code", "op": "eq", "value": "a\x00b"},  # NUL: JSONB refuses it
        # wider than DuckDB's widest decimal: every read of the product's grants failed
        {"field": "reg_capital", "op": "eq", "value": 1e300},
        {"field": "reg_capital", "op": "in", "value": ["1" + "0" * 40]},
    ],
)
def test_row_filters_are_checked_against_field_types(
    operator_admin, effective, resources, condition
):
    bad = source(resources[1], ["credit_code"], row_filter=[condition])
    problem = refused(operator_admin, product_data(effective, resources, sources=bad))
    assert problem.code == "filter_invalid"


def test_good_row_filters_are_kept(operator_admin, effective, resources):
    conditions = [
        {"field": "credit_code", "op": "prefix", "value": "9145"},
        {"field": "credit_code", "op": "ne", "value": "x"},
        {"field": "reg_capital", "op": "in", "value": [1, "2.5"]},
    ]
    good = source(resources[1], ["credit_code"], row_filter=conditions)
    product = services.product_create(
        user=operator_admin, data=product_data(effective, resources, sources=good)
    )
    assert product.sources.get().row_filter == conditions


def test_an_agreement_not_in_force_is_refused(operator_admin, draft_agreement, resources):
    problem = refused(operator_admin, product_data(draft_agreement, resources))
    assert problem.code == "agreement_not_effective"


def test_another_operators_agreement_is_refused(effective, resources):
    from apps.accounts.choices import OrganizationKind
    from tests.factories import member

    stranger = member(OrganizationKind.OPERATOR, username="other_operator")
    problem = refused(stranger, product_data(effective, resources))
    assert problem.code == "agreement_not_found"


def test_a_pinned_version_must_belong_to_the_resource(operator_admin, effective, resources):
    pinned = source(resources[1], ["credit_code"], pinned_version=999999)
    problem = refused(operator_admin, product_data(effective, resources, sources=pinned))
    assert problem.code == "version_not_of_resource"


def test_new_terms_text_makes_a_new_version(draft_product, operator_admin):
    services.product_update(product=draft_product, user=operator_admin, data={"terms": "新条款"})
    services.product_update(product=draft_product, user=operator_admin, data={"terms": "新条款"})
    versions = list(draft_product.terms.values_list("version", "text"))
    assert versions == [(2, "新条款"), (1, "仅限信用核验用途，不得转售。")]


def test_submission_rechecks_the_scope(draft_product, operator_admin, effective, regulator):
    from apps.operators import services as operators

    operators.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    with pytest.raises(InvalidInput) as problem:
        services.product_submit(product=draft_product, user=operator_admin)
    assert problem.value.code == "agreement_not_effective"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("date", "2026-W01-1"),  # Python reads a week date and a basic date; DuckDB does not
        ("date", "20260101"),
        ("datetime", "20260101T000000"),
        ("datetime", "2026-01-01T00:00:00+08:00"),  # DuckDB drops the offset silently
        ("integer", 2**63),
    ],
)
def test_a_row_filter_value_delivery_cannot_cast_is_refused(kind, value):
    from apps.products.validation import clean_row_filter

    with pytest.raises(InvalidInput) as problem:
        clean_row_filter([{"field": "f", "op": "eq", "value": value}], {"f": kind})
    assert problem.value.code == "filter_invalid"
    for good in ("2026-01-01", "2026-01-01T08:30", "2026-01-01 08:30:00"):
        if kind in ("date", "datetime") and (kind == "datetime" or len(good) == 10):
            assert clean_row_filter([{"field": "f", "op": "eq", "value": good}], {"f": kind})
