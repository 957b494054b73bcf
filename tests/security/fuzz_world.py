"""What the fuzzer works on: one API key per persona and objects in several states, built
with the same helpers as the catalog and operator tests, so ids the fuzzer tries exist."""

from apps.accounts import services as account_services
from apps.accounts.choices import OrganizationKind
from apps.catalog import services as catalog_services
from apps.operators import services as operator_services
from tests.catalog.conftest import payload, register
from tests.factories import member
from tests.grants.worlds import grant_objects
from tests.operators.conftest import agreement_data, make_effective, qualify


def _bearer(user, **kwargs) -> dict:
    _key, raw = account_services.api_key_create(
        organization=user.organization, created_by=user, name="fuzz", **kwargs
    )
    return {"Authorization": f"Bearer {raw}"}


# The records endpoint's target, set by build_world: a real grant over published data and
# the headers of the key bound to it (the fuzzer's random ids would never find it).
RECORDS: dict = {}


def _records_grant(listed, registered, operator, regulator, merchant, data_dir) -> None:
    from apps.grants.access import key_bind
    from apps.grants.models import Grant
    from tests.delivery.conftest import publish
    from tests.grants.conftest import run_checks, submitted
    from tests.grants.test_grant_life import approve_all

    data_dir.mkdir(parents=True, exist_ok=True)
    publish(registered[1], data_dir / "fuzz-records.parquet")
    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    run_checks(application)
    approve_all(application, operator, regulator)
    grant = Grant.objects.get(application=application)
    # The same grant answers sandbox queries, so that their path is fuzzed with real SQL.
    modes = [*grant.scope.get("delivery_modes", []), "sandbox_only"]
    Grant.objects.filter(pk=grant.pk).update(scope={**grant.scope, "delivery_modes": modes})
    key, raw = account_services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="fuzz grant key"
    )
    key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    RECORDS.update(grant=grant.pk, headers={"Authorization": f"Bearer {raw}"})


def _products(operator, regulator, agreement, registered):
    """A draft, one in review and a listed product (tests/products/conftest.py data);
    returns the listed one."""
    from apps.products import services as products
    from tests.products.conftest import product_data

    made = [
        products.product_create(
            user=operator, data=product_data(agreement, registered, name=f"产品{n}")
        )
        for n in range(3)
    ]
    products.product_submit(product=made[1], user=operator)
    products.product_submit(product=made[2], user=operator)
    return products.product_approve(product=made[2], reviewer=regulator)


def build_world(data_dir=None) -> dict[str, dict]:
    regulator = member(OrganizationKind.REGULATOR, username="fuzz_regulator")
    provider = member(OrganizationKind.PROVIDER, username="fuzz_provider")
    operator = member(OrganizationKind.OPERATOR, username="fuzz_operator")
    merchant = member(OrganizationKind.MERCHANT, username="fuzz_merchant")
    registered = [
        register(catalog_services.resource_create(user=provider, data=payload(name=name)),
                 provider, regulator)
        for name in ("企业登记信息", "企业年报")
    ]  # fmt: skip
    submitted = catalog_services.resource_create(user=provider, data=payload(name="道路流量"))
    catalog_services.resource_submit(resource=submitted, user=provider)
    catalog_services.resource_create(user=provider, data=payload(name="空气质量"))
    qualify(operator, regulator)
    effective = operator_services.agreement_create(
        user=operator, data=agreement_data(regulator, registered)
    )
    make_effective(effective, operator, regulator)
    operator_services.agreement_create(user=operator, data=agreement_data(regulator, registered))
    listed = _products(operator, regulator, effective, registered)
    # Applications (a draft, one in review), a grant and a key bound to it (tests/grants).
    bound = grant_objects(operator=operator, merchant=merchant, product=listed)["bound_raw"]
    if data_dir is not None:
        _records_grant(listed, registered, operator, regulator, merchant, data_dir)
    return {
        "regulator": _bearer(regulator, allowed_ips=["127.0.0.1/32"]),
        "provider": _bearer(provider),
        "operator": _bearer(operator),
        "merchant": _bearer(merchant),
        "bound_key": {"Authorization": f"Bearer {bound}"},
        "anonymous": {},
    }
