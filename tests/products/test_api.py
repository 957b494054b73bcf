"""REST API under /api/v1/products/: operator drafts, regulator decisions, the public
list with search and filters, and outsiders who see nothing they should not."""

import json

import pytest

from apps.products import services
from apps.products.choices import ProductStatus as P
from tests.conftest import api_for
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/products/"


def body(data: dict) -> str:
    return json.dumps(data, default=str)


def post(client, path, data=None):
    return client.post(path, body(data or {}), content_type="application/json")


def test_the_operator_creates_edits_and_submits_a_draft(operator_admin, effective, resources):
    client = api_for(operator_admin)
    created = post(client, BASE, product_data(effective, resources))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == P.DRAFT and created.json()["terms_version"] == 1
    edited = client.patch(f"{BASE}{pk}/", body({"price": "0.80"}), content_type="application/json")
    assert edited.status_code == 200 and edited.json()["price"] == "0.80"
    submitted = post(client, f"{BASE}{pk}/submit/")
    assert submitted.json()["status"] == P.IN_REVIEW


def test_the_regulator_approves_returns_and_delists(in_review, regulator, api):
    api.force_authenticate(regulator)
    returned = post(api, f"{BASE}{in_review.pk}/return/", {"reason": "补充说明"})
    assert returned.json()["status"] == P.DRAFT
    assert returned.json()["return_reason"] == "补充说明"


def test_approve_then_delist(in_review, regulator, api):
    api.force_authenticate(regulator)
    assert post(api, f"{BASE}{in_review.pk}/approve/").json()["status"] == P.LISTED
    delisted = post(api, f"{BASE}{in_review.pk}/delist/", {"reason": "违规"})
    assert delisted.json()["status"] == P.DELISTED


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"scenarios": ["gaming"]}, "scenario_not_allowed"),
        ({"price": "9999"}, "price_above_cap"),
        ({"pricing_model": "free"}, "pricing_required"),
    ],
)
def test_refusals_carry_their_code(operator_admin, effective, resources, overrides, code):
    response = post(api_for(operator_admin), BASE, product_data(effective, resources, **overrides))
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_scope_and_masking_refusals_carry_their_code(operator_admin, effective, resources):
    client = api_for(operator_admin)
    outside = [{"resource": resources[0].pk, "fields": [{"name": "legal_rep"}]}]
    response = post(client, BASE, product_data(effective, resources, sources=outside))
    assert response.json()["code"] == "fields_not_in_scope"
    weak = [{"resource": resources[1].pk, "fields": [{"name": "legal_rep", "masking": "none"}]}]
    response = post(client, BASE, product_data(effective, resources, sources=weak))
    assert response.json()["code"] == "masking_too_weak"


def test_a_stale_transition_is_409(draft_product, regulator, api):
    api.force_authenticate(regulator)
    response = post(api, f"{BASE}{draft_product.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_unknown_body_fields_and_bad_query_parameters_are_400(operator_admin, listed, api):
    client = api_for(operator_admin)
    response = post(client, f"{BASE}{listed.pk}/submit/", {"sql": "1"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"
    for query in ("operator=abc", "use_type=cheap", "classification=x", "operator=-1", "mine=7"):
        response = api.get(f"{BASE}?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "validation_error"


def test_anyone_lists_listed_products_only(listed, draft_product, api, operator_admin, resources):
    other = services.product_create(
        user=operator_admin, data=product_data(listed.agreement, resources, name="草稿产品")
    )
    response = api.get(BASE)
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [listed.pk]
    assert other.pk not in ids


def test_non_parties_read_the_public_fields_only(listed, api, merchant):
    api.force_authenticate(merchant)
    data = api.get(f"{BASE}{listed.pk}/").json()
    assert data["name"] == listed.name and data["price"] == "0.50"
    assert "return_reason" not in data and "created_at" not in data


def test_the_list_searches_and_filters(listed, api, operator_admin, regulator, resources):
    free = services.product_create(
        user=operator_admin,
        data=product_data(
            listed.agreement,
            resources,
            name="空气公益数据",
            name_en="Air quality for the public good",
            description_en="",
            description="公益",
            use_type="public_welfare",
            scenarios=["finance"],
            delivery_modes=["bulk_export", "sandbox_only"],
        ),
    )
    services.product_submit(product=free, user=operator_admin)
    services.product_approve(product=free, reviewer=regulator)

    def ids(query):
        response = api.get(f"{BASE}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("q=信用") == {listed.pk}
    assert ids("q=credit") == {listed.pk}
    assert ids("use_type=public_welfare") == {free.pk}
    assert ids("pricing_model=per_call") == {listed.pk}
    assert ids("scenario=finance") == {free.pk}
    assert ids("delivery_mode=sandbox_only") == {free.pk}
    assert ids(f"operator={operator_admin.organization_id}") == {listed.pk, free.pk}
    assert ids("theme=ECON") == {listed.pk, free.pk}
    assert ids("theme=HEAL") == set()
    assert ids("classification=general") == {listed.pk, free.pk}
    assert ids("classification=important") == set()


def test_the_list_pages_with_a_cursor(listed, api):
    response = api.get(f"{BASE}?page_size=1")
    assert set(response.json()) >= {"next", "previous", "results"}


def test_the_list_costs_a_fixed_number_of_queries(
    listed, api, operator_admin, regulator, resources, django_assert_max_num_queries
):
    for n in range(5):
        product = services.product_create(
            user=operator_admin, data=product_data(listed.agreement, resources, name=f"产品{n}")
        )
        services.product_submit(product=product, user=operator_admin)
        services.product_approve(product=product, reviewer=regulator)
    with django_assert_max_num_queries(8):
        response = api.get(BASE)
    assert len(response.json()["results"]) == 6


def test_terms_versions_and_history(listed, api, operator_admin, regulator):
    terms = api.get(f"{BASE}{listed.pk}/terms/").json()
    assert [t["version"] for t in terms] == [1]
    history = api.get(f"{BASE}{listed.pk}/history/").json()
    assert [h["to_status"] for h in history] == [P.IN_REVIEW, P.LISTED]
    assert all(h["actor"] is None for h in history)  # the public reads the moves only
    api.force_authenticate(operator_admin)
    assert api.get(f"{BASE}{listed.pk}/history/").json()[1]["actor"] == regulator.username


def test_the_disclosure_lists_listed_products_with_prices(listed, draft_product, api):
    rows = api.get("/api/v1/disclosure/products/").json()["results"]
    assert [(r["id"], r["price"], r["pricing_model"]) for r in rows] == [
        (listed.pk, "0.50", "per_call")
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"agreement": 2**70},
        {"sources": "everything"},
        {"sources": [{"resource": 2**64, "fields": [{"name": "x"}]}]},
        {"price": "NaN"},
        {"delivery_modes": ["carrier_pigeon"]},
        {"max_calls_per_day": -1},
    ],
)
def test_hostile_bodies_are_4xx_json(operator_admin, effective, resources, change):
    data = {**product_data(effective, resources), **change}
    response = post(api_for(operator_admin), BASE, data)
    assert 400 <= response.status_code < 500
    assert response.json()["code"]
