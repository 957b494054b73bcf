"""The record API as a merchant's program sees it: fields, filters, order, the keyset
cursor, masking, CSV, and the refusals with their codes."""

import codecs
import csv
import io
import json

import pytest

from apps.audit.models import AuditEvent
from tests.delivery.conftest import credit, url

pytestmark = pytest.mark.django_db


def all_pages(client, grant, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = client.get(url(grant, **query)).json()
        rows.extend(body["results"])
        cursor = body["next"]
        if not cursor:
            return rows


def test_the_bound_key_reads_the_grants_rows_through_its_row_filter_masked(key_client, grant):
    response = key_client.get(url(grant, page_size=5))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["fields"] == ["credit_code", "legal_rep"]
    # Unmasked text carries the grant's watermark (e.g. a trailing space or none).
    codes = [r["credit_code"].rstrip() for r in body["results"]]
    assert codes[:3] == [credit(0), credit(1), credit(2)]
    assert all(r["legal_rep"] and "某" not in r["legal_rep"] for r in body["results"])
    assert body["watermark"] == f"wm1:grant:{grant.pk}"
    # reg_capital = 10 * i, the grant's filter keeps 0..1000: 101 rows across all pages.
    rows = all_pages(key_client, grant, page_size=17)
    assert len(rows) == 101
    assert len({r["credit_code"].rstrip() for r in rows}) == 101


def test_fields_filters_and_descending_order_page_by_page(key_client, grant):
    rows = all_pages(
        key_client,
        grant,
        fields="credit_code",
        order="-credit_code",
        page_size=7,
        **{"filter[credit_code][prefix]": "91450100MA0000004"},
    )
    codes = [r["credit_code"].rstrip() for r in rows]
    assert codes == [credit(i) for i in range(49, 39, -1)]
    assert set(rows[0]) == {"credit_code"}
    wanted = {"filter[credit_code][in]": f"{credit(5)},{credit(7)},{credit(200)}"}
    body = key_client.get(url(grant, **wanted)).json()
    assert [r["credit_code"].rstrip() for r in body["results"]] == [credit(5), credit(7)]
    ranged = {"filter[credit_code][range]": f"{credit(10)},{credit(12)}"}
    assert len(key_client.get(url(grant, **ranged)).json()["results"]) == 3


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"filter[legal_rep][eq]": "张三某"}, "field_masked"),
        ({"order": "legal_rep"}, "field_masked"),
        ({"filter[reg_capital][eq]": "10"}, "field_unknown"),
        ({"fields": "credit_code,name"}, "field_unknown"),
        ({"filter[credit_code][like]": "x"}, "filter_invalid"),
        ({"filter[credit_code]": "x"}, "filter_invalid"),
        ({"filter[credit_code][range]": ","}, "filter_invalid"),
        ({"page_size": "1001"}, "page_size_too_large"),
        ({"page_size": "0"}, "page_size_invalid"),
        ({"cursor": "forged"}, "cursor_invalid"),
        ({"select": "1"}, "param_unknown"),
        ({"order": "--credit_code"}, "field_unknown"),
    ],
)
def test_bad_requests_are_refused_with_their_code_and_audited(key_client, grant, params, code):
    response = key_client.get(url(grant, **params))
    assert (response.status_code, response.json()["code"]) == (400, code)
    denial = AuditEvent.objects.filter(action="delivery.records.read", outcome="denied").last()
    assert denial.reason == code and denial.target_id == str(grant.pk)


def test_a_parameter_given_twice_is_refused_rather_than_one_of_them_read(key_client, grant):
    path = f"/api/v1/grants/{grant.pk}/records/"
    for query in ("fields=credit_code&fields=legal_rep", "page_size=1&page_size=2"):
        response = key_client.get(f"{path}?{query}")
        assert (response.status_code, response.json()["code"]) == (400, "param_repeated")
    both = "filter[credit_code][prefix]=9&filter[credit_code][prefix]=91"  # filters add up
    assert key_client.get(f"{path}?{both}").status_code == 200


def test_a_cursor_is_bound_to_its_query_and_its_grant(key_client, grant):
    body = key_client.get(url(grant, page_size=2)).json()
    other_query = key_client.get(url(grant, page_size=2, cursor=body["next"], fields="credit_code"))
    assert other_query.json()["code"] == "cursor_invalid"
    tampered = body["next"][:-2] + ("AA" if body["next"][-2:] != "AA" else "BB")
    assert key_client.get(url(grant, cursor=tampered)).json()["code"] == "cursor_invalid"


def test_csv_by_accept_with_formula_cells_neutralized(key_client, grant):
    response = key_client.get(url(grant, page_size=5), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert not response.content.startswith(codecs.BOM_UTF8)  # for programs: no BOM
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["credit_code", "legal_rep"]
    assert rows[4][0].startswith("'=HYPERLINK(1)")
    error = key_client.get(url(grant, page_size=5000), HTTP_ACCEPT="text/csv")
    assert error.status_code == 400 and error.json()["code"] == "page_size_too_large"


def test_every_delivery_is_audited_without_the_data(key_client, grant):
    key_client.get(url(grant, page_size=3, **{"filter[credit_code][prefix]": "9145"}))
    event = AuditEvent.objects.filter(target_id=str(grant.pk)).get(
        action="delivery.records.read", outcome="allowed"
    )
    data = json.loads(event.data)
    assert data["rows"] == 3 and data["bytes"] > 0
    assert data["fields"] == ["credit_code", "legal_rep"]
    assert data["filters"] == [["credit_code", "prefix", "9145"]]
    assert data["watermark"] == f"wm1:grant:{grant.pk}"
    assert event.actor_type == "api_key"
    assert credit(1) not in event.data and "张三" not in event.data
