"""Console pages of access applications and grants: the regulator's queues (mine,
overdue, all), the decision on the security review, the grants list with filters and
the revocation that reaches the merchant's notification list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.workflow.models import Notification, ReviewStep
from tests.conftest import login_web
from tests.grants.web import granted, pending, reviewing

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg_web(web, regulator):
    return login_web(web, regulator)


def at_security(listed, merchant, operator_admin):
    """An application with a personal field, past the operator: the security review."""
    from apps.grants import approval

    application = reviewing(listed, merchant, fields=["credit_code", "legal_rep"])
    approval.application_decide(
        application=application, user=operator_admin, step_id=pending(application).pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    return application


def test_the_queue_has_mine_overdue_and_all_tabs_with_filters(
    reg_web, listed, merchant, operator_admin, django_assert_max_num_queries
):
    application = at_security(listed, merchant, operator_admin)
    waiting = reviewing(listed, merchant)  # at the operator's step
    with django_assert_max_num_queries(15):
        mine = reg_web.get("/console/applications/").context["rows"]
    assert [r["application"].pk for r in mine] == [application.pk]
    every = reg_web.get("/console/applications/?queue=all").context["rows"]
    assert {r["application"].pk for r in every} == {application.pk, waiting.pk}
    assert reg_web.get("/console/applications/?queue=overdue").context["rows"] == []
    ReviewStep.objects.filter(pk=pending(waiting).pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    overdue = reg_web.get("/console/applications/?queue=overdue").context["rows"]
    assert [r["application"].pk for r in overdue] == [waiting.pk]  # the regulator sees all
    only = reg_web.get("/console/applications/?queue=all&step=operator").context["rows"]
    assert [r["application"].pk for r in only] == [waiting.pk]
    assert reg_web.get("/console/applications/?queue=bogus&step=bogus").status_code == 200


def test_the_regulator_decides_the_security_review_and_the_grant_is_issued(
    reg_web, listed, merchant, operator_admin
):
    application = at_security(listed, merchant, operator_admin)
    step = pending(application)
    page = reg_web.get(f"/console/applications/{application.pk}/").content.decode()
    assert f'name="step" value="{step.pk}"' in page
    response = reg_web.post(
        f"/console/applications/{application.pk}/decide/",
        {"step": step.pk, "decision": "approved", "comment": "脱敏充分"},
    )
    assert response.url == f"/console/applications/{application.pk}/"
    application.refresh_from_db()
    assert application.status == A.APPROVED
    assert f"/console/grants/{application.grant.pk}/" in reg_web.get(response.url).content.decode()


def test_grants_list_filters_and_revocation_reaches_the_merchant(
    reg_web, listed, merchant, operator_admin, django_assert_max_num_queries
):
    grant = granted(listed, merchant, operator_admin)
    granted(listed, merchant, operator_admin)
    with django_assert_max_num_queries(12):
        assert grant.number in reg_web.get("/console/grants/?status=active").content.decode()
    assert grant.number not in reg_web.get("/console/grants/?status=revoked").content.decode()
    assert grant.number in reg_web.get(f"/console/grants/?q={grant.number}").content.decode()
    reg_web.post(f"/console/grants/{grant.pk}/revoke/", {"reason": "违法违规使用"})
    grant.refresh_from_db()
    assert grant.status == G.REVOKED
    note = Notification.objects.get(verb="grants.grant.revoked")
    assert note.link == f"/portal/grants/{grant.pk}/"


def test_non_regulators_are_kept_out(web, listed, merchant, operator_admin):
    grant = granted(listed, merchant, operator_admin)
    login_web(web, operator_admin)
    assert web.get("/console/applications/").status_code == 403
    assert web.get(f"/console/grants/{grant.pk}/").status_code == 403
    assert web.get(f"/console/applications/{grant.application_id}/").status_code == 403
