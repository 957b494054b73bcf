"""A shelf of listed products for routing through every path: one over general data and
one over important data (each exposing a plain, a personal and a sensitive personal
field), and a free public-welfare product over unconditionally open general data with
no personal field (the automatic path). Import the `shelf` fixture where needed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog import services as catalog
from apps.operators import services as operators
from apps.products import services as products
from tests.catalog.conftest import payload, register
from tests.operators.conftest import agreement_data, make_effective

FIELDS = [
    {"name": "credit_code", "label": "统一社会信用代码", "data_type": "string", "nullable": False},
    {"name": "legal_rep", "label": "法定代表人", "personal_info": "personal"},
    {"name": "id_number", "label": "身份证号", "personal_info": "sensitive"},
]
# The requested fields that present each personal-data level.
PERSONAL_FIELDS = {
    "none": ["credit_code"],
    "personal": ["credit_code", "legal_rep"],
    "sensitive": ["credit_code", "id_number"],
}


def _resource(provider, regulator, **overrides):
    data = payload(**{"fields": FIELDS, **overrides})
    return register(catalog.resource_create(user=provider, data=data), provider, regulator)


def _product(agreement, operator_admin, regulator, resource, fields, **overrides):
    data = {
        "agreement": agreement.pk,
        "name": f"{resource.name}服务",
        "name_en": "Service",
        "description": "测试产品",
        "description_en": "Test product",
        "sources": [{"resource": resource.pk, "fields": [{"name": f} for f in fields]}],
        "delivery_modes": ["api_pull"],
        "scenarios": ["credit"],
        "use_type": "industrial",
        "pricing_model": "per_call",
        "price": "0.50",
        "max_rows_per_day": 10000,
        "max_calls_per_day": 1000,
        "terms": "仅限所申请场景使用。",
        **overrides,
    }
    product = products.product_create(user=operator_admin, data=data)
    products.product_submit(product=product, user=operator_admin)
    return products.product_approve(product=product, reviewer=regulator)


@pytest.fixture
def shelf(profile, operator_admin, provider, regulator):
    general = _resource(provider, regulator, name="企业登记信息")
    important = _resource(
        provider, regulator, name="企业纳税信息", classification="important", general_grade=None
    )
    open_data = _resource(
        provider,
        regulator,
        name="公共气象数据",
        open_type="unconditional",
        fields=[FIELDS[0], {"name": "temperature", "label": "气温", "data_type": "decimal"}],
    )
    start = timezone.localdate()
    agreement = operators.agreement_create(
        user=operator_admin,
        data=agreement_data(
            regulator,
            [general, important],
            term_end=start + timedelta(days=3 * 365),
            scope=[{"resource": r.pk, "fields": None} for r in (general, important, open_data)],
        ),
    )
    agreement = make_effective(agreement, operator_admin, regulator)
    names = [f["name"] for f in FIELDS]
    return {
        "general": _product(agreement, operator_admin, regulator, general, names),
        "important": _product(agreement, operator_admin, regulator, important, names),
        "open": _product(
            agreement,
            operator_admin,
            regulator,
            open_data,
            ["credit_code", "temperature"],
            use_type="public_welfare",
            pricing_model="free",
            price="0",
        ),
    }
