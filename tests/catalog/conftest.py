import pytest

from apps.catalog import services


def payload(**overrides) -> dict:
    data = {
        "name": "企业登记信息",
        "name_en": "Enterprise registration",
        "description": "全省市场主体登记基本信息",
        "themes": ["ECON"],
        "tags": ["企业", "登记"],
        "update_frequency": "daily",
        "classification": "general",
        "general_grade": 2,
        "open_type": "conditional",
        "contact_email": "data@example.gov.cn",
        "fields": [
            {
                "name": "credit_code",
                "label": "统一社会信用代码",
                "data_type": "string",
                "nullable": False,
            },
            {"name": "legal_rep", "label": "法定代表人", "personal_info": "personal"},
            {"name": "reg_capital", "label": "注册资本", "data_type": "decimal", "unit": "万元"},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(provider):
    return services.resource_create(user=provider, data=payload())


def register(resource, provider, regulator, now=None):
    """Runs a resource through the whole initial registration."""
    services.resource_submit(resource=resource, user=provider)
    services.resource_start_review(resource=resource, reviewer=regulator)
    resource = services.resource_approve(resource=resource, reviewer=regulator)
    return services.resource_close_notice(resource_id=resource.pk, now=resource.notice_ends_at)


@pytest.fixture
def registered(draft, provider, regulator):
    return register(draft, provider, regulator)
