"""The rows a keyed request reads (the key, its organization, creator and membership; the
key's grant, product and agreement; the source's resource and version) are kept per
process (apps.core.rowcache) and must never be served stale. Each change below is made
the way that bypasses every signal and service (`.update()` or SQL by hand), after a
request has filled the cache, inside the test's one transaction (so the rows keep their
`xmin` and only their `ctid` tells the change); the very next request must see it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.catalog.models import DataResource
from apps.core.rowcache import RowCache
from apps.grants.choices import GrantStatus
from apps.grants.models import Grant, GrantKey
from apps.operators.choices import AgreementStatus
from apps.operators.models import AuthorizationAgreement
from apps.products.choices import ProductStatus
from apps.products.models import DataProduct
from tests.delivery.conftest import publish, url

pytestmark = pytest.mark.django_db


def read(client, grant):
    response = client.get(url(grant, page_size=3))
    return response.status_code, response.json().get("code"), response


def warm(client, grant) -> None:
    for _ in range(2):
        assert read(client, grant)[0] == 200


def _key(client) -> ApiKey:
    return client.key


CHANGES = {
    "key revoked": (
        lambda c, g: ApiKey.objects.filter(pk=_key(c).pk).update(revoked_at=timezone.now()),
        (401, "api_key_revoked"),
    ),
    "key expired": (
        lambda c, g: ApiKey.objects.filter(pk=_key(c).pk).update(expires_at=timezone.now()),
        (401, "api_key_expired"),
    ),
    "key limited to another address": (
        lambda c, g: ApiKey.objects.filter(pk=_key(c).pk).update(allowed_ips=["203.0.113.9"]),
        (401, "api_key_ip_not_allowed"),
    ),
    "organization deactivated": (
        lambda c, g: Organization.objects.filter(pk=g.merchant_id).update(is_active=False),
        (401, "api_key_inactive"),
    ),
    "creator deactivated": (
        lambda c, g: User.objects.filter(pk=_key(c).created_by_id).update(is_active=False),
        (401, "api_key_inactive"),
    ),
    "creator's membership removed": (
        lambda c, g: Membership.objects.filter(user_id=_key(c).created_by_id).delete(),
        (401, "api_key_revoked"),
    ),
    "grant suspended": (
        lambda c, g: Grant.objects.filter(pk=g.pk).update(status=GrantStatus.SUSPENDED),
        (403, "grant_suspended"),
    ),
    "grant ended": (
        lambda c, g: Grant.objects.filter(pk=g.pk).update(ends_at=timezone.now()),
        (403, "grant_expired"),
    ),
    "product delisted": (
        lambda c, g: DataProduct.objects.filter(pk=g.product_id).update(
            status=ProductStatus.SUSPENDED
        ),
        (403, "product_unavailable"),
    ),
    "agreement terminated": (
        lambda c, g: AuthorizationAgreement.objects.filter(pk=g.product.agreement_id).update(
            status=AgreementStatus.TERMINATED
        ),
        (403, "agreement_not_in_force"),
    ),
    "key unbound": (
        lambda c, g: GrantKey.objects.filter(api_key_id=_key(c).pk).delete(),
        (403, "key_not_bound"),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_made_behind_the_services_back_reaches_the_very_next_request(
    key_client, grant, change
):
    make, refused = CHANGES[change]
    warm(key_client, grant)
    assert make(key_client, grant)
    assert read(key_client, grant)[:2] == refused


def test_a_change_by_hand_in_sql_reaches_the_next_request(key_client, grant):
    warm(key_client, grant)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Grant._meta.db_table} SET status = %s WHERE id = %s",  # noqa: S608
            [GrantStatus.REVOKED.value, grant.pk],
        )
    assert read(key_client, grant)[:2] == (403, "grant_revoked")


def test_a_new_current_version_is_read_on_the_next_request(key_client, grant, tmp_path):
    warm(key_client, grant)
    resource = DataResource.objects.get(pk=grant.scope["sources"][0]["resource"])
    publish(resource, tmp_path / "v2.parquet", rows=2)  # sets current_version
    status, _code, response = read(key_client, grant)
    assert status == 200 and len(response.json()["results"]) == 2


def test_a_warm_request_reads_the_rows_stamps_not_the_rows(key_client, grant):
    """What the cache is for: with nothing changed, the key, binding and source are not
    read again. A GET reads their stamps, and whether an alert holds the key, in one
    SELECT; the only other statement is the page's metering and audit."""
    warm(key_client, grant)
    with CaptureQueriesContext(connection) as queries:
        assert read(key_client, grant)[0] == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2, sql
    assert sql[0].count(".xmin") == 10 and "delivery_alert" in sql[0]
    assert "INSERT INTO audit_event" in sql[1]
    assert not any('"key_hash"' in s or '"scope"' in s or '"parquet_path"' in s for s in sql)


def test_a_write_checks_each_row_when_it_uses_it(key_client, grant):
    """A POST may change the rows it checks later in the same request: nothing is read
    ahead for it."""
    warm(key_client, grant)
    with CaptureQueriesContext(connection) as queries:
        key_client.post(f"/api/v1/grants/{grant.pk}/exports/", {"format": "csv"}, format="json")
    stamps = [q["sql"] for q in queries.captured_queries if ".xmin" in q["sql"]]
    assert stamps and all("delivery_alert" not in s and s.count(".xmin") < 10 for s in stamps)


def test_what_is_read_ahead_serves_its_own_request_once(grant):
    from django.core.signals import request_started
    from django.db import close_old_connections

    from apps.core import rowcache
    from apps.grants.access import key_checks

    check = key_checks(1)[0]
    rowcache.read_together([check])
    assert rowcache.taken(check.key) is None  # no binding for key 1: read, and NULL
    assert rowcache.taken(check.key) is rowcache.MISSING  # used once
    rowcache.read_together([check])
    request_started.disconnect(close_old_connections)  # as the test client does
    try:
        request_started.send(sender=None)  # the next request starts: nothing carried over
    finally:
        request_started.connect(close_old_connections)
    assert rowcache.taken(check.key) is rowcache.MISSING
    rowcache.read_together([check])
    rowcache._ahead.set((rowcache._ahead.get()[0] - 2 * rowcache.AHEAD_SECONDS, {}))
    assert rowcache.taken(check.key) is rowcache.MISSING  # too old


def test_each_use_gets_a_copy_of_its_own(grant):
    """A caller that changes what it got changes nothing for the next one."""
    loads = []

    def load(stamps):
        loads.append(stamps)
        rows = Grant.objects.extra(select={"row_stamps": stamps})  # noqa: S610
        found = rows.get(pk=grant.pk)
        return found, found.row_stamps

    cache = RowCache(
        (Grant._meta.db_table,),
        lambda stamps: f'SELECT {stamps} FROM "{Grant._meta.db_table}" WHERE id = %s',  # noqa: S608
    )
    first = cache.get(grant.pk, [grant.pk], load)
    first.status = "tampered"
    again = cache.get(grant.pk, [grant.pk], load)
    assert again.status == GrantStatus.ACTIVE and len(loads) == 1
    Grant.objects.filter(pk=grant.pk).update(rows_per_day=7)
    assert cache.get(grant.pk, [grant.pk], load).rows_per_day == 7 and len(loads) == 2


def test_a_check_that_cannot_name_its_rows_only_costs_its_own_query(key_client, grant):
    """Reading ahead is an optimization: a check list that fails to build (a kept row it
    cannot read) never refuses or breaks the request."""
    from apps.accounts.authentication import KEY_CHECKS

    def broken(key_id):
        raise KeyError("resource")

    warm(key_client, grant)
    KEY_CHECKS.append(broken)
    try:
        with CaptureQueriesContext(connection) as queries:
            assert read(key_client, grant)[0] == 200
    finally:
        KEY_CHECKS.remove(broken)
    assert sum(".xmin" in q["sql"] for q in queries.captured_queries) == 3
