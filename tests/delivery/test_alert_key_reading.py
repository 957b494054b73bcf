"""Which key an alert is about is the key's own fields (its prefix and name, and the
networks it called from): the regulator and the key's merchant read them; the product's
operator reads that a key of the merchant was involved, with the grant, the rule, the
figures and the time. On the pages, the list's export, the notifications and their
e-mails (readable_fields of the key, apps.delivery.rules)."""

import csv
import io

import pytest

from apps.accounts.services import api_key_create
from apps.core.names import local_name
from apps.delivery.alerts import selectors, services
from apps.delivery.alerts.rules import Finding
from apps.workflow import policy
from apps.workflow.models import Notification, NotificationCategory, OutboxItem
from apps.workflow.outbox_mail import MAIL_SEND
from tests.conftest import login_web

pytestmark = pytest.mark.django_db

KEY_NAME = "夜间批量同步专用"
NETWORK, KNOWN = "198.51.100.0/24", "203.0.113.0/24"


@pytest.fixture
def key(merchant):
    made, _raw = api_key_create(
        organization=merchant.organization, created_by=merchant, name=KEY_NAME
    )
    return made


@pytest.fixture
def alert(grant, key):
    """A new network for the merchant's key: the finding names the key and where from."""
    return services.alert_raise(
        Finding(
            rule="new_network", grant_id=grant.pk, key_id=key.pk, window=NETWORK,
            params={"network": NETWORK, "days": 30},
            evidence={"network": NETWORK, "known": [KNOWN]},
        )
    )  # fmt: skip


def read(web, user, path: str) -> str:
    web.logout()
    login_web(web, user)
    response = web.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_operator_reads_a_key_of_the_merchant_not_its_prefix_name_or_networks(
    web, operator_admin, merchant, alert, key
):
    merchant_name = local_name(merchant.organization)
    listing = read(web, operator_admin, "/portal/alerts/")
    assert f"/portal/alerts/{alert.pk}/" in listing
    assert key.prefix not in listing and KEY_NAME not in listing
    assert merchant_name in listing.split('id="alerts"')[1]  # the list has no merchant column
    detail = web.get(f"/portal/alerts/{alert.pk}/").content.decode()
    assert key.prefix not in detail and KEY_NAME not in detail
    assert NETWORK not in detail and KNOWN not in detail  # neither summary, window, evidence
    assert merchant_name in detail.split('id="alert-key"')[1].split("</dd>")[0]
    assert 'id="alert-evidence"' in detail and "30" in detail.split('id="alert-summary"')[1]


def test_the_regulator_reads_the_key_and_where_it_called_from(web, regulator, alert, key):
    listing = read(web, regulator, "/console/alerts/")
    assert key.prefix in listing
    detail = web.get(f"/console/alerts/{alert.pk}/").content.decode()
    assert key.prefix in detail and KEY_NAME in detail
    assert NETWORK in detail.split('id="alert-summary"')[1].split("</p>")[0]
    assert KNOWN in detail.split('id="alert-evidence"')[1]
    # and the list's export names the key too
    body = b"".join(web.get("/console/alerts/?export=csv").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert any(key.prefix in cell for row in rows for cell in row)


def test_the_operators_notification_and_mail_do_not_name_the_key_the_regulators_do(
    operator_admin, regulator, merchant, alert, key
):
    told = Notification.objects.filter(category=NotificationCategory.ALERT)
    operator = told.get(recipient=operator_admin)
    mails = OutboxItem.objects.filter(
        topic=MAIL_SEND, key__startswith=f"delivery.alert:{alert.pk}:"
    )
    to_operator = mails.get(key=f"delivery.alert:{alert.pk}:operator").payload
    operator_texts = (operator.title, operator.body, operator.title_en, operator.body_en,
                      to_operator["subject"], to_operator["body"])  # fmt: skip
    for text in operator_texts:
        assert key.prefix not in text and KEY_NAME not in text and NETWORK not in text
    assert local_name(merchant.organization) in operator.body  # "a key of <merchant>"
    assert operator.body_en.startswith("The key was used from a network not seen")
    regulator_told = told.get(recipient=regulator)
    to_regulator = mails.get(key=f"delivery.alert:{alert.pk}:regulator").payload
    for text in (regulator_told.body, regulator_told.body_en, to_regulator["body"]):
        assert key.prefix in text and KEY_NAME in text and NETWORK in text


def test_an_alert_without_a_key_reads_the_same_to_both(web, operator_admin, regulator, grant):
    from tests.delivery.alerts import usage

    usage(grant, {0: 50000})
    (raised,) = services.alerts_evaluate()
    for user, path in ((operator_admin, "/portal"), (regulator, "/console")):
        detail = read(web, user, f"{path}/alerts/{raised.pk}/")
        assert "50,000" in detail.split('id="alert-summary"')[1].split("</p>")[0]
        assert "<td>50,000</td>" in detail  # the figures are everyone's


def test_who_reads_the_keys_fields_is_the_keys_policy(operator_admin, regulator, merchant, alert):
    """The merchant (the key's organization) and the regulator are the key's parties; the
    operator reads whose key it is. Its owner still decides who sees and manages keys."""
    key = alert.api_key
    assert "prefix" not in policy.readable_fields(operator_admin, key)
    assert "organization" in policy.readable_fields(operator_admin, key)
    assert "name" in policy.readable_fields(merchant, key)
    assert "prefix" in policy.readable_fields(regulator, key)
    assert not selectors.shows_key(operator_admin, alert)
    assert selectors.shows_key(regulator, alert) and selectors.shows_key(merchant, alert)
    from apps.accounts.models import ApiKey

    assert list(ApiKey.objects.restrict(merchant)) == [key]
    assert not ApiKey.objects.restrict(operator_admin).exists()
