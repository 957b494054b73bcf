"""Web pages: the public marketplace and product page (no sign-in, Chinese and English),
the operator's product pages, the regulator's review page and the disclosure."""

import pytest

from apps.products import services
from apps.products.choices import ProductStatus as P
from apps.products.models import DataProduct
from tests.conftest import login_web
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db


def test_anyone_browses_the_marketplace(listed, web):
    page = web.get("/products/")
    assert page.status_code == 200
    assert listed.name in page.content.decode()


def test_the_marketplace_searches_and_filters(listed, web):
    assert listed.name in web.get("/products/?q=信用").content.decode()
    assert listed.name not in web.get("/products/?q=天气").content.decode()
    assert listed.name not in web.get("/products/?use_type=public_welfare").content.decode()
    assert listed.name in web.get("/products/?pricing_model=per_call").content.decode()
    # bad values are dropped, never a 500
    assert web.get("/products/?operator=x&cursor=forged").status_code == 200


def test_the_marketplace_speaks_english(listed, web):
    web.cookies["django_language"] = "en"
    page = web.get("/products/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enterprise credit check" in page


def test_drafts_are_not_in_the_marketplace(draft_product, web):
    assert draft_product.name not in web.get("/products/").content.decode()
    assert web.get(f"/products/{draft_product.pk}/").status_code == 404


def test_the_product_page_shows_terms_fields_and_price(listed, web):
    page = web.get(f"/products/{listed.pk}/").content.decode()
    assert "仅限信用核验用途" in page and "legal_rep" in page and "0.50" in page


def test_the_marketplace_costs_a_bounded_number_of_queries(
    listed, web, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        web.get("/products/")


def test_the_operator_builds_a_product_in_the_portal(operator_admin, effective, resources, web):
    login_web(web, operator_admin)
    assert web.get("/portal/products/new/").status_code == 200
    form = {
        "agreement": effective.pk,
        "name": "门户产品",
        "resource": resources[1].pk,
        "fields": "credit_code, legal_rep",
        "masking": "legal_rep=redact",
        "row_filter": '[{"field": "reg_capital", "op": "range", "value": [1, 9]}]',
        "delivery_modes": ["api_pull", "bulk_export"],
        "scenarios": "credit",
        "use_type": "industrial",
        "pricing_model": "per_1000_rows",
        "price": "12.00",
        "terms": "条款",
    }
    response = web.post("/portal/products/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    product = DataProduct.objects.get(name="门户产品")
    assert product.sources.get().fields[1] == {"name": "legal_rep", "masking": "redact"}
    web.post(f"/portal/products/{product.pk}/submit/")
    product.refresh_from_db()
    assert product.status == P.IN_REVIEW


def product_form(effective, resources, **change) -> dict:
    """The portal's new-product form, valid as it is, with `change` over it."""
    return {
        "agreement": effective.pk,
        "name": "坏产品",
        "resource": resources[1].pk,
        "fields": "credit_code, legal_rep",
        "delivery_modes": ["api_pull"],
        "scenarios": "credit",
        "use_type": "industrial",
        "pricing_model": "per_call",
        "price": "1",
        "terms": "条款",
        **change,
    }


@pytest.mark.parametrize(
    "change, message",
    [
        ({"price": "99999"}, "cap"),
        ({"scenarios": "gaming"}, "gaming"),
        ({"masking": "legal_rep=none"}, "legal_rep"),
        ({"row_filter": "reg_capital > 0"}, "JSON"),
        # the API's bounds: the form took any length
        ({"terms": "条" * 50_001}, "at most 50000 characters"),
        ({"description": "述" * 5001}, "at most 5000 characters"),
    ],
)
def test_the_portal_form_shows_refusals_as_form_errors(
    operator_admin, effective, resources, web, change, message
):
    login_web(web, operator_admin)
    form = product_form(effective, resources, name="坏产品", **change)
    web.cookies["django_language"] = "en"
    response = web.post("/portal/products/new/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DataProduct.objects.filter(name="坏产品").exists()


@pytest.mark.parametrize(
    "row_filter",
    [
        "[" * 100_000,  # Python's decoder recursed once per level: RecursionError
        '[{"field": [], "op": "eq", "value": "x"}]',  # no field name: a TypeError
        '[{"field": {"a": 1}, "op": "eq", "value": "x"}]',
        '[{"field": "credit_code", "op": "eq", "value": "\\ud800"}]',  # half a pair
        '[{"field": "credit_code", "op": "eq", "value": "a\\u0000"}]',
        '[{"field": "reg_capital", "op": "range", "value": [NaN, Infinity]}]',
        '{"field": "credit_code", "op": "eq", "value": "x"}',
    ],
)
def test_a_hostile_row_filter_on_the_portal_form_is_a_form_error(
    operator_admin, effective, resources, web, row_filter
):
    login_web(web, operator_admin)
    form = product_form(
        effective, resources, name="坏过滤", fields="credit_code", row_filter=row_filter
    )
    response = web.post("/portal/products/new/", form)
    assert response.status_code == 200
    assert "row_filter" in response.context["form"].errors
    assert not DataProduct.objects.filter(name="坏过滤").exists()


def test_the_regulator_approves_on_the_review_page(in_review, regulator, web):
    login_web(web, regulator)
    assert web.get("/console/products/").status_code == 200
    assert in_review.name in web.get(f"/console/products/{in_review.pk}/").content.decode()
    web.post(f"/console/products/{in_review.pk}/approve/")
    in_review.refresh_from_db()
    assert in_review.status == P.LISTED


def test_the_regulator_returns_with_a_reason(in_review, regulator, web):
    login_web(web, regulator)
    web.post(f"/console/products/{in_review.pk}/return/", {"reason": ""})
    in_review.refresh_from_db()
    assert in_review.status == P.IN_REVIEW  # a reason is required
    web.post(f"/console/products/{in_review.pk}/return/", {"reason": "补充"})
    in_review.refresh_from_db()
    assert in_review.status == P.DRAFT


def test_the_disclosure_page_lists_products_with_prices(listed, web, operator_admin, resources):
    draft = services.product_create(
        user=operator_admin, data=product_data(listed.agreement, resources, name="未上架")
    )
    page = web.get("/disclosure/").content.decode()
    assert listed.name in page and "0.50" in page
    assert draft.name not in page


def test_outsiders_reach_no_operator_or_console_page(draft_product, outsider, merchant, web):
    login_web(web, outsider)
    assert web.get("/portal/products/").status_code == 403
    assert web.get("/portal/products/new/").status_code == 403
    assert web.get(f"/portal/products/{draft_product.pk}/").status_code == 404
    assert web.get(f"/portal/products/{draft_product.pk}/edit/").status_code == 403
    assert web.post(f"/portal/products/{draft_product.pk}/submit/").status_code == 404
    assert web.get("/console/products/").status_code == 403
    assert web.get(f"/console/products/{draft_product.pk}/").status_code == 403
    assert web.post(f"/console/products/{draft_product.pk}/approve/").status_code == 403
    draft_product.refresh_from_db()
    assert draft_product.status == P.DRAFT
