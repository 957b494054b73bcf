"""A usable grant over published data: the grants' fixtures (tests/grants/conftest.py)
plus a Parquet dataset version of the product's resource, and a key bound to the grant.

The data: 300 companies; reg_capital = 10 * i, so the product's row filter (reg_capital
between 0 and 1000) keeps the first 101; legal_rep is personal (masked `partial`)."""

import hashlib
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rest_framework.test import APIClient

from apps.accounts.services import api_key_create
from apps.catalog.models import DatasetVersion
from apps.delivery.quotas import counters
from apps.grants.access import key_bind
from apps.grants.models import Grant
from tests.grants import conftest as grants
from tests.grants.test_grant_life import approve_all

_files_dir = grants._files_dir
draft_agreement = grants.draft_agreement
effective = grants.effective
profile = grants.profile
resources = grants.resources
draft_product = grants.draft_product
in_review = grants.in_review
listed = grants.listed

ROWS = 300
NAMES = ["张三", "李四", "王五", "赵六"]


def credit(i: int) -> str:
    # One value a spreadsheet would run as a formula (the CSV neutralizes it).
    return "=HYPERLINK(1)" if i == 3 else f"91450100MA{i:08d}"


def publish(resource, path, rows=ROWS) -> DatasetVersion:
    table = pa.table(
        {
            "credit_code": [credit(i) for i in range(rows)],
            "legal_rep": [NAMES[i % 4] + "某" for i in range(rows)],
            "reg_capital": pa.array([10 * i for i in range(rows)], pa.decimal128(18, 2)),
            "name": [f"企业{i}" for i in range(rows)],  # not in the product
        }
    )
    pq.write_table(table, path)
    version = DatasetVersion.objects.create(
        resource=resource,
        number=(resource.versions.count() + 1),
        parquet_path=str(path),
        row_count=rows,
        byte_size=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        schema=[
            {"name": "credit_code", "type": "string"},
            {"name": "legal_rep", "type": "string"},
            {"name": "reg_capital", "type": "decimal"},
            {"name": "name", "type": "string"},
        ],
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The rate and quota counters (real Redis, this run's database) start empty."""
    counters().clear()


@pytest.fixture
def grant(listed, resources, merchant, operator_admin, regulator, tmp_path):
    publish(resources[1], tmp_path / "v1.parquet")
    application = grants.submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    grants.run_checks(application)
    approve_all(application, operator_admin, regulator)
    return Grant.objects.get(application=application)


@pytest.fixture
def key_client(grant, merchant):
    key, raw = api_key_create(organization=merchant.organization, created_by=merchant, name="k")
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.key = key
    return client


def grant_apart(provider, operator_admin, regulator, merchant, data_dir) -> Grant:
    """A usable grant over published data on an agreement and product of its own, so the
    objects of a wider world (tests/workflow/test_permission_matrix.py) keep their state."""
    from apps.catalog import services as catalog
    from apps.operators import services as operators
    from apps.products import services as products
    from tests.catalog.conftest import payload, register
    from tests.operators.conftest import agreement_data, make_effective
    from tests.products.conftest import product_data

    source = register(
        catalog.resource_create(user=provider, data=payload(name="记录来源")), provider, regulator
    )
    data = agreement_data(
        regulator, [source, source], scope=[{"resource": source.pk, "fields": None}]
    )
    agreement = make_effective(
        operators.agreement_create(user=operator_admin, data=data), operator_admin, regulator
    )
    product = products.product_create(
        user=operator_admin,
        data=product_data(
            agreement,
            [source, source],
            name="记录产品",
            delivery_modes=["api_pull", "bulk_export"],
        ),
    )
    products.product_submit(product=product, user=operator_admin)
    product = products.product_approve(product=product, reviewer=regulator)
    data_dir.mkdir(parents=True, exist_ok=True)
    publish(source, data_dir / "apart.parquet")
    application = grants.submitted(product, merchant, fields=["credit_code", "legal_rep"])
    grants.run_checks(application)
    approve_all(application, operator_admin, regulator)
    return Grant.objects.get(application=application)


def url(grant, **params) -> str:
    from urllib.parse import urlencode

    query = f"?{urlencode(params)}" if params else ""
    return f"/api/v1/grants/{grant.pk}/records/{query}"


def within_one_clock_minute(seconds_needed: float = 15) -> None:
    """Waits for the next clock minute when fewer than `seconds_needed` are left in this
    one: the rate limit counts per clock minute, and calls straddling its end would count
    in two windows."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.5)
