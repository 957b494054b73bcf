"""Sandbox tests stand on a grant that includes sandbox queries, over the published data
of tests/delivery/conftest.py (300 companies, reg_capital = 10 * i): the product offers credit_code,
legal_rep (personal, masked `partial`) and reg_capital with the row filter reg_capital
between 0 and 1000 (the first 101 rows); the merchant asked for legal_rep and
reg_capital only. So the grant's view holds 101 rows of two columns: legal_rep masked
(four names, ~25 rows each) and reg_capital; credit_code (offered, not granted) and
name (not offered) are out of its reach."""

import pytest
from rest_framework.test import APIClient

from apps.grants.models import Grant
from apps.products import services as product_services
from tests.delivery.conftest import publish
from tests.grants import conftest as grants
from tests.grants.test_grant_life import approve_all
from tests.products.conftest import product_data

GRANTED = ["legal_rep", "reg_capital"]


@pytest.fixture
def draft_product(effective, operator_admin, resources):
    data = product_data(effective, resources, delivery_modes=["api_pull", "sandbox_only"])
    data["sources"][0]["fields"].append({"name": "reg_capital"})
    return product_services.product_create(user=operator_admin, data=data)


@pytest.fixture
def sandbox_grant(listed, resources, merchant, operator_admin, regulator, tmp_path):
    publish(resources[1], tmp_path / "v1.parquet")
    application = grants.submitted(listed, merchant, fields=GRANTED)
    grants.run_checks(application)
    approve_all(application, operator_admin, regulator)
    return Grant.objects.get(application=application)


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def url(grant) -> str:
    return f"/api/v1/grants/{grant.pk}/sandbox/queries/"
