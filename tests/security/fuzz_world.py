"""What the fuzzer works on: one API key per persona and a few objects to find by id."""

from apps.accounts import services as account_services
from apps.accounts.choices import OrganizationKind
from apps.catalog import services as catalog_services
from tests.catalog.conftest import payload
from tests.factories import member


def _bearer(user, **kwargs) -> dict:
    _key, raw = account_services.api_key_create(
        organization=user.organization, created_by=user, name="fuzz", **kwargs
    )
    return {"Authorization": f"Bearer {raw}"}


def build_world() -> dict[str, dict]:
    regulator = member(OrganizationKind.REGULATOR, username="fuzz_regulator")
    provider = member(OrganizationKind.PROVIDER, username="fuzz_provider")
    operator = member(OrganizationKind.OPERATOR, username="fuzz_operator")
    merchant = member(OrganizationKind.MERCHANT, username="fuzz_merchant")
    for _ in range(2):
        resource = catalog_services.resource_create(user=provider, data=payload())
    catalog_services.resource_submit(resource=resource, user=provider)
    return {
        "regulator": _bearer(regulator, allowed_ips=["127.0.0.1/32"]),
        "provider": _bearer(provider),
        "operator": _bearer(operator),
        "merchant": _bearer(merchant),
        "anonymous": {},
    }
