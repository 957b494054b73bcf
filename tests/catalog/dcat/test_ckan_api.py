"""The CKAN-compatible action API through the Django test client: GET and POST, both prefixes."""

import json

import pytest

from apps.audit.models import AuditEvent
from tests.catalog.dcat.conftest import SECRET_VALUE

pytestmark = pytest.mark.django_db

PREFIXES = ["/api/3/action/", "/api/action/"]


def get(client, prefix, action, status=200, **params):
    response = client.get(prefix + action, params)
    assert response.status_code == status, response.content[:400]
    return response.json()


def post(client, prefix, action, body, status=200):
    response = client.post(prefix + action, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content[:400]
    return response.json()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_package_list_names_only_registered_resources(client, catalog, prefix):
    for body in (get(client, prefix, "package_list"), post(client, prefix, "package_list", {})):
        assert body["success"] is True
        assert body["help"].endswith("help_show?name=package_list")
        assert body["result"] == ["gx-2025-0001", "gx-2025-0002", "gx-2025-0003"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_package_show_by_name_or_id(client, catalog, prefix):
    enterprise = catalog["enterprise"]
    by_name = get(client, prefix, "package_show", id="gx-2025-0001")["result"]
    by_id = post(client, prefix, "package_show", {"id": str(enterprise.pk)})["result"]
    assert by_name == by_id
    assert by_name["title"] == "企业登记信息"
    assert by_name["title_translated"]["en"] == "Enterprise registration"
    assert by_name["organization"]["name"] == catalog["provider_org"].code
    assert {tag["name"] for tag in by_name["tags"]} == {"企业", "registration"}
    assert {group["name"] for group in by_name["groups"]} == {"econ", "gove"}
    extras = {extra["key"]: extra["value"] for extra in by_name["extras"]}
    assert extras["registry_code"] == "GX-2025-0001"
    assert extras["open_type"] == "unconditional"
    assert by_name["num_resources"] == 1
    assert by_name["resources"][0]["url"].endswith(f"/catalog/{enterprise.pk}/")
    assert by_name["resources"][0]["format"] == "CSV"
    assert (by_name["state"], by_name["private"], by_name["license_id"]) == (
        "active",
        False,
        "other-open",
    )


def test_unknown_or_draft_package_is_a_not_found_error(client, catalog):
    for identifier in ("no-such-package", str(catalog["draft"].pk)):
        body = get(client, "/api/3/action/", "package_show", status=404, id=identifier)
        assert body["success"] is False
        assert body["error"]["__type"] == "Not Found Error"
        assert "result" not in body


def test_missing_id_is_a_validation_error(client, catalog):
    body = post(client, "/api/action/", "package_show", {}, status=409)
    assert body["error"] == {
        "__type": "Validation Error",
        "id": ["Missing value"],
        "code": "validation_error",
    }


@pytest.mark.parametrize("rows", ["abc", "-1"])
def test_bad_rows_parameter_is_a_validation_error(client, catalog, rows):
    body = get(client, "/api/3/action/", "package_search", status=409, rows=rows)
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert "rows" in body["error"]


def test_unknown_action_malformed_json_and_bad_query_are_400(client, catalog):
    body = get(client, "/api/3/action/", "package_create", status=400)
    assert body["error"]["message"] == "Bad request - Action name not known: package_create"
    response = client.post("/api/action/package_show", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["success"] is False
    body = get(client, "/api/3/action/", "package_search", status=400, fq="unknown_field:x")
    assert body["error"]["__type"] == "Search Query Error"
    # each refusal is a denial, audited; a dataset that is not there (404) is not
    get(client, "/api/3/action/", "package_show", status=404, id="gx-9999-0001")
    denied = AuditEvent.objects.filter(action="ckan.action", outcome="denied")
    assert sorted(denied.values_list("reason", flat=True)) == [
        "bad_request",
        "invalid_query",
        "malformed_json",
    ]
    assert '"status":400' in denied.first().data


def test_oversized_body_is_still_refused(client, catalog, settings):
    settings.API_MAX_BODY_BYTES = 100
    response = client.post(
        "/api/action/package_search", json.dumps({"q": "x" * 200}), content_type="application/json"
    )
    assert response.status_code == 413


@pytest.mark.parametrize("prefix", PREFIXES)
def test_package_search_filters_pages_and_facets(client, catalog, prefix):
    query = {
        "q": "traffic",
        "fq": f"organization:{catalog['provider_org'].code}",
        "facet.field": json.dumps(["tags", "groups", "organization", "res_format"]),
    }
    result = get(client, prefix, "package_search", **query)["result"]
    assert result["count"] == 1
    assert [p["name"] for p in result["results"]] == ["gx-2025-0002"]
    assert result["facets"]["groups"] == {"tran": 1}
    assert result["search_facets"]["res_format"]["items"] == [
        {"name": "API", "display_name": "API", "count": 1}
    ]
    body = {"fq": "tags:environment OR res_format:csv", "rows": 1, "start": 1, "sort": "name asc"}
    paged = post(client, prefix, "package_search", body)["result"]
    assert paged["count"] == 2
    assert [p["name"] for p in paged["results"]] == ["gx-2025-0003"]


def test_chinese_query_and_harvester_style_fq(client, catalog):
    result = get(client, "/api/3/action/", "package_search", q="企业")["result"]
    assert [p["name"] for p in result["results"]] == ["gx-2025-0001"]
    harvester = get(
        client,
        "/api/3/action/",
        "package_search",
        fq="(metadata_modified:[2000-01-01T00:00:00Z TO *])",
        sort="id asc",
        rows="100",
        start="0",
        q="*:*",
    )["result"]
    ids = [int(p["id"]) for p in harvester["results"]]
    assert ids == sorted(ids) and len(ids) == 3
    none = get(client, "/api/3/action/", "package_search", fq="-groups:econ -groups:tran")
    assert [p["name"] for p in none["result"]["results"]] == ["gx-2025-0003"]


def test_organizations_are_providers_with_registered_resources(client, catalog):
    names = get(client, "/api/3/action/", "organization_list")["result"]
    assert sorted(names) == sorted([catalog["provider_org"].code, catalog["other_org"].code])
    full = post(client, "/api/action/", "organization_list", {"all_fields": True})["result"]
    counts = {org["name"]: org["package_count"] for org in full}
    assert counts[catalog["provider_org"].code] == 2
    shown = get(client, "/api/3/action/", "organization_show", id=catalog["other_org"].code)[
        "result"
    ]
    assert shown["title"] == catalog["other_org"].name and shown["package_count"] == 1
    missing = get(
        client, "/api/3/action/", "organization_show", status=404, id=catalog["drafter_org"].code
    )
    assert missing["error"]["__type"] == "Not Found Error"


def test_nothing_unregistered_or_dataset_values_leak(client, catalog):
    search = get(client, "/api/3/action/", "package_search", rows=1000)["result"]
    text = json.dumps(search, ensure_ascii=False)
    assert search["count"] == 3
    for secret in ("草稿秘密资源", "待审核资源", SECRET_VALUE):
        assert secret not in text


def test_search_query_count_does_not_grow_with_rows(
    client, catalog, provider, django_assert_max_num_queries
):
    from tests.catalog.dcat.conftest import make_resource

    for n in range(20):
        make_resource(provider, name=f"资源{n}", registry_code=f"GX-2025-1{n:03d}", themes=["SOCI"])
    with django_assert_max_num_queries(12):
        body = get(
            client, "/api/3/action/", "package_search", rows=50, **{"facet.field": '["tags"]'}
        )
    assert body["result"]["count"] == 23


def test_signed_in_owner_still_sees_only_the_public_catalog(client, catalog, provider):
    from tests.conftest import login_web

    login_web(client, provider)
    names = get(client, "/api/3/action/", "package_list")["result"]
    assert len(names) == 3
    get(client, "/api/3/action/", "package_show", status=404, id=str(catalog["draft"].pk))
    assert "草稿秘密资源" not in client.get("/catalog/dcat.ttl").content.decode()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("method", ["put", "patch", "delete", "head"])
def test_other_methods_get_ckans_envelope_with_a_code(client, prefix, method):
    response = getattr(client, method)(prefix + "package_show")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    if method != "head":
        error = response.json()["error"]
        assert response.json()["success"] is False
        assert error["code"] == "method_not_allowed"
        assert error["__type"] == "Method Not Allowed"


def test_hostile_ids_numbers_and_text_are_400s_or_404s_never_500s(client, catalog):
    """A 100,000-character id (a regex that long cost PostgreSQL 38 s), half a surrogate
    pair, 1e999 where an integer goes; and a PUT is refused and audited."""
    assert post(client, "/api/3/action/", "package_show", {"id": "a" * 100_000}, status=404)
    bad = '{"q": "\\udc80abc"}'
    response = client.post("/api/3/action/package_search", bad, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_text")
    for body in ({"rows": 1e999}, {"facet.limit": -1e999}, {"facet.mincount": 1e999}):
        raw = json.dumps(body).replace("Infinity", "1e999")
        response = client.post("/api/3/action/package_search", raw, content_type="application/json")
        assert response.status_code == 409, (body, response.content[:200])  # CKAN's own
    assert client.put("/api/3/action/package_show").status_code == 405
    assert AuditEvent.objects.filter(action="ckan.action", reason="method_not_allowed").exists()
