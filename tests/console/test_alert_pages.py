"""Alert pages: the regulator's list (filters, count, paging) and detail (evidence, the
audit events behind it) with acknowledge, resolve and lift, all audited; the operator
reads and acknowledges the alerts on its products in the portal; nobody else sees them."""

import pytest

from apps.accounts.choices import OrganizationKind, Role
from apps.audit.models import AuditEvent
from apps.delivery.alerts import services
from apps.delivery.choices import AlertAction, AlertStatus
from apps.delivery.models import Alert
from tests.conftest import login_web
from tests.delivery.alerts import usage
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(grant):
    usage(grant, {0: 50000})
    (raised,) = services.alerts_evaluate()
    return raised


def page(web, user, path: str, status: int = 200) -> str:
    web.logout()
    login_web(web, user)
    response = web.get(path)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def test_the_regulator_lists_alerts_with_count_and_filters(web, regulator, alert):
    listing = page(web, regulator, "/console/alerts/")
    assert f'href="/console/alerts/{alert.pk}/"' in listing
    assert 'id="result-count"' in listing
    assert (
        f"/console/alerts/{alert.pk}/" in web.get("/console/alerts/?rule=volume").content.decode()
    )
    other_rule = web.get("/console/alerts/?rule=off_hours&status=open").content.decode()
    assert f"/console/alerts/{alert.pk}/" not in other_rule
    by_grant = web.get(f"/console/alerts/?grant={alert.grant.number}").content.decode()
    assert f"/console/alerts/{alert.pk}/" in by_grant
    assert web.get("/console/alerts/?page=999&rule=<script>").status_code == 200


def test_the_list_is_paged(web, regulator, alert, django_assert_max_num_queries):
    login_web(web, regulator)
    with django_assert_max_num_queries(25):
        assert web.get("/console/alerts/").status_code == 200


def test_the_detail_shows_the_evidence_and_the_audit_events_behind_it(
    web, regulator, key_client, grant
):
    # given a real read of the grant, then a day far above its baseline
    assert key_client.get(f"/api/v1/grants/{grant.pk}/records/?page_size=1").status_code == 200
    usage(grant, {0: 50000})
    (alert,) = services.alerts_evaluate()
    read = AuditEvent.objects.get(action="delivery.records.read", outcome="allowed")
    assert alert.event_ids == [read.pk]
    # then the detail shows the numbers and the event
    detail = page(web, regulator, f"/console/alerts/{alert.pk}/")
    assert 'id="alert-evidence"' in detail and "<td>50,000</td>" in detail  # grouped
    assert f"<td>{read.pk}</td>" in detail and key_client.key.prefix in detail
    assert 'id="acknowledge-alert"' in detail and 'id="resolve-alert"' in detail


def test_acknowledge_then_resolve_on_the_console_are_audited(web, regulator, alert):
    login_web(web, regulator)
    answer = web.post(f"/console/alerts/{alert.pk}/acknowledge/", {"note": "在查"}, follow=True)
    assert "告警已确认" in answer.content.decode()  # what happened, not just "done"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == regulator
    # resolving needs a note
    web.post(f"/console/alerts/{alert.pk}/resolve/", {"note": ""})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    web.post(f"/console/alerts/{alert.pk}/resolve/", {"note": "客户端重试风暴，已修复"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == regulator
    actions = AuditEvent.objects.filter(target_type="delivery.alert", target_id=str(alert.pk))
    assert {"delivery.alert.acknowledge", "delivery.alert.resolve"} <= set(
        actions.values_list("action", flat=True)
    )
    resolved = actions.get(action="delivery.alert.resolve")
    assert resolved.actor_id == str(regulator.pk) and "已修复" in resolved.reason


def test_a_resolved_alert_cannot_be_acknowledged(web, regulator, alert):
    services.alert_resolve(alert=alert, user=regulator, note="done")
    login_web(web, regulator)
    web.post(f"/console/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_a_grant_suspended_by_an_alert_links_to_its_resumption(web, regulator, alert, grant):
    Alert.objects.filter(pk=alert.pk).update(action=AlertAction.GRANT_SUSPENDED)
    from apps.grants.choices import SuspendedBy
    from apps.grants.issuing import grant_suspend

    grant_suspend(grant=grant, user=None, reason="告警", by=SuspendedBy.ALERT)
    detail = page(web, regulator, f"/console/alerts/{alert.pk}/")
    assert f'href="/console/grants/{grant.pk}/#grant-actions"' in detail


def test_the_operator_reads_and_acknowledges_its_alerts_in_the_portal(web, operator_admin, alert):
    listing = page(web, operator_admin, "/portal/alerts/")
    assert f'href="/portal/alerts/{alert.pk}/"' in listing
    detail = web.get(f"/portal/alerts/{alert.pk}/").content.decode()
    assert 'id="acknowledge-alert"' in detail and 'id="resolve-alert"' not in detail
    web.post(f"/portal/alerts/{alert.pk}/acknowledge/", {"note": "已联系数据商"})
    web.post(f"/portal/alerts/{alert.pk}/resolve/", {"note": "自行关闭"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == operator_admin
    assert AuditEvent.objects.filter(
        action="delivery.alert.acknowledge", actor_id=str(operator_admin.pk)
    ).exists()


def test_an_operator_member_reads_but_does_not_acknowledge(web, operator_member, alert):
    detail = page(web, operator_member, f"/portal/alerts/{alert.pk}/")
    assert 'id="acknowledge-alert"' not in detail
    web.post(f"/portal/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_outsiders_see_no_alert(web, alert, merchant, outsider):
    other_operator = member(OrganizationKind.OPERATOR, role=Role.ADMIN, username="other_op")
    assert page(web, other_operator, "/portal/alerts/")
    assert f"/portal/alerts/{alert.pk}/" not in web.get("/portal/alerts/").content.decode()
    assert web.get(f"/portal/alerts/{alert.pk}/").status_code == 404
    assert web.post(f"/portal/alerts/{alert.pk}/acknowledge/").status_code == 404
    for user in (merchant, outsider):
        page(web, user, "/portal/alerts/", status=403)
        assert web.get(f"/portal/alerts/{alert.pk}/").status_code == 404
        assert web.get("/console/alerts/").status_code == 403
        assert web.post(f"/console/alerts/{alert.pk}/resolve/").status_code == 403
    web.logout()
    assert web.get("/console/alerts/").status_code == 302
    assert web.get(f"/portal/alerts/{alert.pk}/").status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_operator_does_not_read_who_behind_an_alerts_events(
    web, operator_admin, regulator, grant, key_client
):
    """The events behind an alert that the operator may read (a bound key probing one of
    its products) show which organization acted, not the key's label or its address:
    the audit API's rule (apps.audit.selectors.without_person) on the page too."""
    from django.db import connection

    from apps.audit.services import _insert, build_event
    from apps.delivery.alerts.rules import Finding

    probe = build_event(
        actor=key_client.key, action="api.product.retrieve", target=grant.product,
        target_org=operator_admin.organization_id, outcome="denied", reason="not_visible",
    )  # fmt: skip
    probe.ip = "203.0.113.77"
    _insert(probe, connection)
    event_id = probe.pk
    raised = services.alert_raise(
        Finding(rule="denial_burst", grant_id=grant.pk, window="probe", params={"count": 1},
                evidence={}, event_ids=[event_id], key_id=key_client.key.pk)
    )  # fmt: skip
    shown = page(web, operator_admin, f"/portal/alerts/{raised.pk}/")
    behind = shown.split('id="alert-events"')[1]
    assert f"<td>{event_id}</td>" in behind  # the operator reads the event...
    assert "203.0.113.77" not in behind  # ...not where the key called from
    assert key_client.key.prefix not in behind and probe.actor_label not in behind
    regulator_view = page(web, regulator, f"/console/alerts/{raised.pk}/")
    assert "203.0.113.77" in regulator_view.split('id="alert-events"')[1]


def test_a_note_with_a_nul_refuses_the_acknowledgement_instead_of_being_dropped(
    web, regulator, alert
):
    login_web(web, regulator)
    path = f"/console/alerts/{alert.pk}/acknowledge/"
    assert web.post(path, {"note": "a\x00b"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert web.post(path, {"note": "已联系商户"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
