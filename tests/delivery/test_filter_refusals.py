"""A refused filter is named: the record API's details key it by its parameter (a value
that does not suit its field's type included, found after DuckDB refused the query), and
the data browser shows the refusal by the field and the filter that caused it."""

import pytest
from django.test import Client

from apps.grants.access import key_bind
from tests.conftest import login_web
from tests.delivery.billing import priced_product
from tests.delivery.conftest import publish
from tests.grants import conftest as grants

pytestmark = pytest.mark.django_db


@pytest.fixture
def numeric_grant(effective, resources, operator_admin, regulator, merchant, tmp_path):
    """A grant that reads reg_capital (a decimal) beside credit_code (a text)."""
    publish(resources[1], tmp_path / "numbers.parquet")
    source = {
        "resource": resources[1].pk,
        "fields": [{"name": "credit_code"}, {"name": "legal_rep"}, {"name": "reg_capital"}],
        "row_filter": [],
    }
    product = priced_product(effective, resources, operator_admin, regulator, sources=[source])
    return grants.issued(product, merchant, operator_admin, fields=["credit_code", "reg_capital"])


def browse(user, grant, **params):
    return login_web(Client(), user).get(f"/portal/grants/{grant.pk}/data/", params)


def test_a_value_that_does_not_suit_its_field_is_refused_by_its_parameter(numeric_grant, merchant):
    client, key = grants.keyed(merchant)
    key_bind(grant=numeric_grant, user=merchant, api_key_id=key.pk)
    path = f"/api/v1/grants/{numeric_grant.pk}/records/"
    wanted = {"filter[credit_code][prefix]": "9", "filter[reg_capital][range]": "10,lots"}
    body = client.get(path, wanted).json()
    assert body["code"] == "filter_invalid"
    assert list(body["details"]) == ["filter[reg_capital][range]"]


def test_the_browser_shows_an_unsuitable_value_at_its_field_and_names_it(numeric_grant, merchant):
    response = browse(merchant, numeric_grant, **{"low[reg_capital]": "ten"})
    page = response.content.decode()
    assert response.status_code == 400
    # the top of the rows names the field and the filter, linked to the field's box
    top = page.split('id="browse-error"')[1].split("</p>")[0]
    assert 'href="#filter-error"' in top and "reg_capital · " in top and "filter_invalid" in top
    # the box of reg_capital holds the error, its two range inputs marked invalid
    box = page.split("<legend><code>reg_capital</code></legend>")[1].split("</fieldset>")[0]
    assert 'id="filter-error"' in box
    assert box.count('aria-invalid="true"') == 2 and 'name="low[reg_capital]"' in box
    other = page.split("<legend><code>credit_code</code></legend>")[1].split("</fieldset>")[0]
    assert "aria-invalid" not in other and "filter-error" not in other


def test_a_refused_filter_of_a_text_field_is_shown_at_that_filter(numeric_grant, merchant):
    too_many = ",".join(str(n) for n in range(101))
    page = browse(merchant, numeric_grant, **{"filter[credit_code][in]": too_many})
    box = page.content.decode().split("<legend><code>credit_code</code></legend>")[1]
    box = box.split("</fieldset>")[0]
    invalid = [part for part in box.split("<input")[1:] if 'aria-invalid="true"' in part]
    assert len(invalid) == 1 and 'name="filter[credit_code][in]"' in invalid[0]
    assert 'id="filter-error"' in box and "credit_code · " in box


def test_a_refused_page_size_is_shown_at_its_control(numeric_grant, merchant):
    page = browse(merchant, numeric_grant, page_size="x").content.decode()
    assert 'aria-describedby="size-error"' in page and 'id="size-error"' in page
    top = page.split('id="browse-error"')[1].split("</p>")[0]
    assert 'href="#browse-size"' in top and "page_size_invalid" in top
    assert 'id="filter-error"' not in page


def test_a_filter_on_a_masked_field_is_named_without_a_link(grant, merchant):
    # legal_rep is masked: the form offers no filter on it, one typed in the address is
    # refused by its name
    page = browse(merchant, grant, **{"filter[legal_rep][eq]": "x"}).content.decode()
    top = page.split('id="browse-error"')[1].split("</p>")[0]
    assert "legal_rep · " in top and "field_masked" in top and "href=" not in top
