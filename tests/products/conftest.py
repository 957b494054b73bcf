"""Products stand on an effective agreement (tests/operators/conftest.py) over two
registered resources: the first limited to credit_code and reg_capital, the second whole
(its legal_rep is personal information, default masking partial)."""

import pytest

from apps.products import services
from tests.operators import conftest as operators

# The operators' fixtures, shared here.
_files_dir = operators._files_dir
draft_agreement = operators.draft_agreement
effective = operators.effective
profile = operators.profile
resources = operators.resources


def product_data(agreement, resources, **overrides) -> dict:
    data = {
        "agreement": agreement.pk,
        "name": "企业信用核验",
        "name_en": "Enterprise credit check",
        "description": "按统一社会信用代码核验企业注册资本",
        "description_en": "Checks registered capital by credit code",
        "sources": [
            {
                "resource": resources[1].pk,
                "fields": [{"name": "credit_code"}, {"name": "legal_rep"}],
                "row_filter": [{"field": "reg_capital", "op": "range", "value": [0, 1000]}],
            }
        ],
        "delivery_modes": ["api_pull"],
        "scenarios": ["credit"],
        "use_type": "industrial",
        "pricing_model": "per_call",
        "price": "0.50",
        "max_rows_per_day": 10000,
        "max_calls_per_day": 1000,
        "terms": "仅限信用核验用途，不得转售。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft_product(effective, operator_admin, resources):
    return services.product_create(user=operator_admin, data=product_data(effective, resources))


@pytest.fixture
def in_review(draft_product, operator_admin):
    return services.product_submit(product=draft_product, user=operator_admin)


@pytest.fixture
def listed(in_review, regulator):
    return services.product_approve(product=in_review, reviewer=regulator)
