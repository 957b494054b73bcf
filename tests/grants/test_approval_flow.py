"""An application from submission to grant, in-process (the worker tests run the same
jobs through Celery)."""

import pytest

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.grants import applications, approval
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.models import Grant
from apps.workflow import review
from tests.grants.conftest import run_checks, submitted

pytestmark = pytest.mark.django_db


def pending(application):
    return review.steps_for(application).filter(decision="pending").get()


def test_personal_field_routes_operator_then_security_and_issues_a_grant(
    listed, merchant, operator_admin, regulator
):
    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    assert application.status == A.SUBMITTED
    run_checks(application)
    assert application.status == A.IN_REVIEW, application.checks
    assert [s["kind"] for s in application.route["steps"]] == ["operator", "security"]
    step = pending(application)
    assert step.assignee_organization_id == operator_admin.organization_id
    approval.application_decide(
        application=application, user=operator_admin, step_id=step.pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    step = pending(application)
    assert step.stage == "application.security"
    with pytest.raises(PermissionDeniedError) as refused:
        approval.application_decide(
            application=application, user=operator_admin, step_id=step.pk,
            decision="approved", comment="x",
        )  # fmt: skip
    assert refused.value.code == "not_your_step"
    # The regulator's admin decides the security review (admins decide every step).
    approval.application_decide(
        application=application, user=regulator, step_id=step.pk,
        decision="approved", comment="脱敏充分",
    )  # fmt: skip
    application.refresh_from_db()
    assert application.status == A.APPROVED
    grant = Grant.objects.get(application=application)
    assert grant.status == G.ACTIVE
    assert grant.field_names == ["credit_code", "legal_rep"]
    masking = {f["name"]: f["masking"] for f in grant.scope["sources"][0]["fields"]}
    assert masking["legal_rep"] != "none"
    with pytest.raises(TransitionNotAllowed) as twice:
        approval.application_decide(
            application=application, user=regulator, step_id=step.pk,
            decision="approved", comment="again",
        )  # fmt: skip
    assert twice.value.code == "already_decided"


def test_change_request_reopens_the_step_that_asked(listed, merchant, operator_admin):
    application = submitted(listed, merchant)
    run_checks(application)
    step = pending(application)
    approval.application_decide(
        application=application, user=operator_admin, step_id=step.pk,
        decision="changes_requested", comment="请说明用途范围",
    )  # fmt: skip
    application.refresh_from_db()
    assert application.status == A.CHANGES_REQUESTED
    applications.application_update(
        application=application, user=merchant, data={"purpose": "仅核验本公司供应商"}
    )
    applications.application_submit(application=application, user=merchant)
    run_checks(application)
    assert application.status == A.IN_REVIEW
    assert pending(application).stage == "application.operator"
    assert application.round == 2


def test_bad_input_is_refused_with_codes(listed, merchant, operator_admin):
    from datetime import timedelta

    from tests.grants.conftest import application_data

    for overrides, code in (
        ({"fields": ["nope"]}, "field_not_in_product"),
        ({"scenario": "marketing"}, "scenario_not_in_product"),
        ({"requested_end": listed.agreement.term_end + timedelta(days=1)}, "term_beyond_agreement"),
        ({"expected_calls_per_day": 10**6}, "volume_over_limit"),
    ):
        with pytest.raises(InvalidInput) as refused:
            applications.application_create(
                user=merchant, data=application_data(listed, **overrides)
            )
        assert refused.value.code == code
    with pytest.raises(PermissionDeniedError):
        applications.application_create(user=operator_admin, data=application_data(listed))


def test_a_decided_step_leaves_its_reviewers_unread_count(
    listed, merchant, operator_admin, regulator
):
    """The notice that an application waits for review is work; once the step is decided it is no
    longer waiting, so it leaves the reviewers' unread count (it stays in their list), and
    the next step's reviewers get theirs, unread. A withdrawal settles the open step too."""
    from apps.workflow.models import Notification

    def waiting(user):
        mine = Notification.objects.filter(recipient=user, verb="grants.application.step_opened")
        return mine.count(), mine.unread().count()

    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    run_checks(application)
    assert waiting(operator_admin) == (1, 1)
    approval.application_decide(
        application=application, user=operator_admin, step_id=pending(application).pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    assert waiting(operator_admin) == (1, 0)
    assert waiting(regulator) == (1, 1)  # the security step, opened after
    applications.application_withdraw(application=application, user=merchant)
    assert waiting(regulator) == (1, 0)
