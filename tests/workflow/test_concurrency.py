"""Two callers deciding the same transition at once, on PostgreSQL with real threads:
exactly one wins, one history row, one audit event; the other is told why."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.choices import OrganizationKind
from apps.audit.models import AuditEvent
from apps.catalog import services as catalog
from apps.core.exceptions import DomainError
from apps.operators import services as operators
from apps.workflow import notice, review
from apps.workflow.history import history_for
from apps.workflow.models import Decision, ReviewStep
from tests.factories import member
from tests.operators.conftest import agreement_data, signed

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Runs the calls in threads released together; returns (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except DomainError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def events(obj, *actions) -> int:
    """Audit events of these actions on this object (the audit log outlives flushes)."""
    return AuditEvent.objects.filter(
        action__in=actions, target_type=obj._meta.label_lower, target_id=str(obj.pk)
    ).count()


@pytest.fixture
def second_regulator(regulator):
    return member(
        OrganizationKind.REGULATOR, organization=regulator.organization, username="regulator2"
    )


def test_two_regulators_approving_one_registration_give_one_decision(
    draft, provider, regulator, second_regulator
):
    catalog.resource_submit(resource=draft, user=provider)
    catalog.resource_start_review(resource=draft, reviewer=regulator)
    results, errors = race(
        lambda: catalog.resource_approve(resource=draft, reviewer=regulator, note="A"),
        lambda: catalog.resource_approve(resource=draft, reviewer=second_regulator, note="B"),
    )
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code == "already_decided"
    assert history_for(draft).filter(to_status="public_notice").count() == 1
    assert events(draft, "catalog.dataresource.public_notice") == 1
    assert notice.open_notice(draft) is not None
    (step,) = review.steps_for(draft)
    winner_note = history_for(draft).get(to_status="public_notice").note
    assert step.decision == Decision.APPROVED and step.comment == winner_note


def test_an_approval_and_a_return_at_once_give_one_decision(
    draft, provider, regulator, second_regulator
):
    catalog.resource_submit(resource=draft, user=provider)
    catalog.resource_start_review(resource=draft, reviewer=regulator)
    results, errors = race(
        lambda: catalog.resource_approve(resource=draft, reviewer=regulator),
        lambda: catalog.resource_return(resource=draft, reviewer=second_regulator, note="补充"),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["already_decided"]
    draft.refresh_from_db()
    assert draft.status in ("public_notice", "returned")
    assert history_for(draft).exclude(to_status__in=["submitted", "under_review"]).count() == 1
    decided = ["catalog.dataresource.public_notice", "catalog.dataresource.returned"]
    assert events(draft, *decided) == 1


def test_two_objections_at_once_send_the_agreement_back_once(
    profile, resources, operator_admin, regulator, merchant, outsider
):
    agreement = operators.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    operators.agreement_submit(agreement=signed(agreement, operator_admin), user=operator_admin)
    operators.agreement_approve(agreement=agreement, reviewer=regulator)
    results, errors = race(
        lambda: operators.agreement_object(agreement=agreement, user=merchant, reason="一"),
        lambda: operators.agreement_object(agreement=agreement, user=outsider, reason="二"),
    )
    assert len(results) == 1 and len(errors) == 1
    assert history_for(agreement).filter(to_status="under_review").count() == 2  # submit + 1
    assert notice.objections_for(agreement).count() == 1
    assert events(agreement, "operators.authorizationagreement.under_review") == 2
    assert ReviewStep.objects.filter(decision=Decision.PENDING).count() == 1


def test_the_compare_and_swap_alone_gives_one_decision(draft, regulator, second_regulator):
    """No row lock held: the UPDATE ... WHERE decision = 'pending' decides alone."""
    review.step_open(draft, stage="race")
    results, errors = race(
        *(
            (
                lambda user=user: review.step_decide(
                    draft, stage="race", decision=Decision.APPROVED, user=user
                )
            )
            for user in (regulator, second_regulator, regulator, second_regulator)
        )
    )
    assert len(results) == 1 and len(errors) == 3
    assert {e.code for e in errors} == {"already_decided"}
    assert ReviewStep.objects.get(stage="race").decided_by == results[0].decided_by


def test_two_regulators_approving_one_agreement_give_one_decision(
    profile, resources, operator_admin, regulator, second_regulator
):
    agreement = operators.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    operators.agreement_submit(agreement=signed(agreement, operator_admin), user=operator_admin)
    results, errors = race(
        lambda: operators.agreement_approve(agreement=agreement, reviewer=regulator),
        lambda: operators.agreement_approve(agreement=agreement, reviewer=second_regulator),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["already_decided"]
    assert history_for(agreement).filter(to_status="public_notice").count() == 1
    assert events(agreement, "operators.authorizationagreement.public_notice") == 1


def test_two_regulators_qualifying_one_operator_give_one_decision(
    operator_admin, regulator, second_regulator
):
    from tests.operators.conftest import pdf, profile_data

    profile = operators.profile_save(user=operator_admin, data=profile_data())
    operators.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    operators.qualification_apply(profile=profile, user=operator_admin)
    operators.qualification_start_review(profile=profile, reviewer=regulator)
    results, errors = race(
        lambda: operators.qualification_approve(profile=profile, reviewer=regulator),
        lambda: operators.qualification_return(
            profile=profile, reviewer=second_regulator, reason="补件"
        ),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["already_decided"]
    assert history_for(profile).filter(to_status__in=["qualified", "returned"]).count() == 1
    assert (
        events(profile, "operators.operatorprofile.qualified", "operators.operatorprofile.returned")
        == 1
    )


def test_a_notice_closing_while_the_operator_is_suspended_does_not_take_effect(
    profile, resources, operator_admin, regulator
):
    """Closing a notice takes the operator's profile lock first, as suspension does: a
    suspension still open when the notice closes makes it wait, then it sees the operator
    suspended and sends the agreement back to review instead of putting it in force."""
    agreement = operators.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    operators.agreement_submit(agreement=signed(agreement, operator_admin), user=operator_admin)
    operators.agreement_approve(agreement=agreement, reviewer=regulator)
    later = timezone.now() + timedelta(days=60)
    suspended, release, closed = threading.Event(), threading.Event(), []

    def suspend():
        try:
            with transaction.atomic():
                operators.qualification_suspend(profile=profile, reviewer=regulator, reason="查")
                suspended.set()
                release.wait(10)
        finally:
            connection.close()

    def close():
        try:
            closed.append(operators.agreement_close_notice(agreement_id=agreement.pk, now=later))
        finally:
            connection.close()

    suspender = threading.Thread(target=suspend)
    suspender.start()
    assert suspended.wait(10)
    closer = threading.Thread(target=close)
    closer.start()
    closer.join(1.0)
    assert closer.is_alive(), "closing the notice must wait for the operator's lock"
    release.set()
    suspender.join(10)
    closer.join(10)
    agreement.refresh_from_db()
    assert agreement.status == "under_review"
    assert not history_for(agreement).filter(to_status="effective").exists()
