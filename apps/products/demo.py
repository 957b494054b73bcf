"""Demo products for `manage.py seed_demo`: two listed products built from the demo
operator's effective agreement, through the real services."""

from django.db import transaction

from apps.accounts.models import User
from apps.catalog.choices import Classification, OpenType, PersonalInfo
from apps.operators.choices import AgreementStatus
from apps.operators.models import AuthorizationAgreement
from apps.products import services
from apps.products.models import DataProduct

# A scenario that suits each demo theme (when the agreement allows it).
THEME_SCENARIOS = {"TRAN": "交通出行", "ENVI": "环境监测", "ECON": "普惠金融", "HEAL": "医疗服务"}


def _scenario_for(resource, scenarios: list[str]) -> str:
    for theme in resource.themes.all():
        if THEME_SCENARIOS.get(theme.code) in scenarios:
            return THEME_SCENARIOS[theme.code]
    return scenarios[0]


def _in_scope(agreement, **conditions):
    for row in agreement.scope.select_related("resource"):
        resource = row.resource
        if all(getattr(resource, key) == value for key, value in conditions.items()):
            yield row, resource


def _open_general_without_personal_fields(agreement):
    """Unconditionally open general data with no personal field: the automatic path later."""
    for row, resource in _in_scope(
        agreement, open_type=OpenType.UNCONDITIONAL, classification=Classification.GENERAL
    ):
        fields = [f for f in resource.fields.all() if row.fields is None or f.name in row.fields]
        if fields and all(f.personal_info == PersonalInfo.NONE for f in fields):
            return resource, [f.name for f in fields]
    return None, []


def _with_personal_fields(agreement):
    for row, resource in _in_scope(agreement):
        fields = [f for f in resource.fields.all() if row.fields is None or f.name in row.fields]
        if any(f.personal_info == PersonalInfo.PERSONAL for f in fields):
            # Sensitive fields stay out of the demo product altogether.
            names = [f.name for f in fields if f.personal_info != PersonalInfo.SENSITIVE]
            return resource, names
    return None, []


def _list(data: dict, admin: User, regulator: User, stdout) -> None:
    existing = DataProduct.objects.filter(operator_id=admin.organization_id, name=data["name"])
    if existing.exists():
        stdout.write(f"Products: {data['name']} already exists.")
        return
    product = services.product_create(user=admin, data=data)
    services.product_submit(product=product, user=admin)
    services.product_approve(product=product, reviewer=regulator)
    stdout.write(f"Products: {product.name} listed ({product.get_pricing_model_display()}).")


@transaction.atomic
def seed(*, stdout) -> None:
    admin = User.objects.get(username="operator")
    regulator = User.objects.get(username="regulator")
    agreement = AuthorizationAgreement.objects.filter(
        operator_id=admin.organization_id, status=AgreementStatus.EFFECTIVE
    ).first()
    if agreement is None:
        stdout.write("Products: no effective agreement, no demo products.")
        return
    scenarios = agreement.allowed_scenarios or ["公共服务"]
    open_resource, open_fields = _open_general_without_personal_fields(agreement)
    if open_resource is not None:
        _list(
            {
                "agreement": agreement.pk,
                "name": f"{open_resource.name}公益开放服务",
                "name_en": f"{open_resource.name_en or open_resource.name} for the public good",
                "description": f"免费提供{open_resource.name}，不含个人信息。",
                "description_en": "Free, with no personal information.",
                "sources": [{"resource": open_resource.pk, "fields": open_fields}],
                "delivery_modes": ["api_pull", "bulk_export"],
                "scenarios": [_scenario_for(open_resource, scenarios)],
                "use_type": "public_welfare",
                "max_calls_per_day": 10000,
                "terms": "公益用途免费使用，须注明数据来源，不得用于商业目的。",
            },
            admin,
            regulator,
            stdout,
        )
    personal_resource, personal_fields = _with_personal_fields(agreement)
    if personal_resource is not None:
        _list(
            {
                "agreement": agreement.pk,
                "name": f"{personal_resource.name}核验服务",
                "name_en": f"{personal_resource.name_en or personal_resource.name} check",
                "description": "按需核验，个人信息字段已脱敏。",
                "description_en": "Checks on demand; personal fields are masked.",
                "sources": [{"resource": personal_resource.pk, "fields": personal_fields}],
                "delivery_modes": ["api_pull", "bulk_export", "sandbox_only"],
                "scenarios": [_scenario_for(personal_resource, scenarios)],
                "use_type": "industrial",
                "pricing_model": "per_call",
                "price": "0.20",
                "max_rows_per_day": 100000,
                "max_calls_per_day": 5000,
                "terms": "仅限所申请场景使用；不得再识别个人身份；不得转售或向第三方提供。",
            },
            admin,
            regulator,
            stdout,
        )
