"""An agreement's revenue against its max_revenue: a warning to the operator and the
regulator at 80 % (once), and at 100 % no new paid grant on its products (checks reject,
a final approval is refused with `revenue_cap_reached`, both audited), while free and
public-welfare grants are still issued."""

from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import TransitionNotAllowed
from apps.delivery import revenue
from apps.delivery.statements import statements_refresh_current
from apps.grants import approval
from apps.grants.models import Grant
from apps.operators.models import AuthorizationAgreement
from apps.workflow import review
from apps.workflow.models import Notification, OutboxItem
from tests.delivery.billing import grant_on, priced_product, use
from tests.grants import conftest as grants

pytestmark = pytest.mark.django_db


@pytest.fixture
def capped(effective, resources, operator_admin, regulator, merchant):
    """A paid (0.50 per call) and a public-welfare product on an agreement capped at 10
    yuan, and the merchant's grant on the paid one."""
    AuthorizationAgreement.objects.filter(pk=effective.pk).update(max_revenue=Decimal("10.00"))
    effective.refresh_from_db()
    paid = priced_product(
        effective, resources, operator_admin, regulator, pricing_model="per_call", price="0.50"
    )
    free = priced_product(
        effective,
        resources,
        operator_admin,
        regulator,
        use_type="public_welfare",
        pricing_model="free",
        price="0",
    )
    return {
        "agreement": effective,
        "paid": paid,
        "free": free,
        "grant": grant_on(paid, merchant, operator_admin),
    }


def notices(agreement, threshold: str):
    return Notification.objects.filter(
        key__startswith=f"revenue-cap-{agreement.number}-{threshold}-"
    )


def test_at_80_percent_the_operator_and_the_regulator_are_warned_once(
    capped, operator_admin, regulator
):
    use(capped["grant"], calls=17)  # 8.50 of 10.00
    statements_refresh_current()
    statements_refresh_current()
    use(capped["grant"], calls=1)  # 9.00: still the same threshold
    statements_refresh_current()

    state = revenue.revenue_state(capped["agreement"])
    assert (state.revenue, state.level, state.percent) == (Decimal("9.00"), "warning", 90)
    warned = notices(capped["agreement"], "80")
    assert sorted(n.recipient_id for n in warned) == sorted([operator_admin.pk, regulator.pk])
    assert all(n.category == "alert" for n in warned)
    mails = OutboxItem.objects.filter(topic="mail.send", key__contains="-80-")
    assert sorted(m.payload["to"][0] for m in mails) == sorted(
        [operator_admin.email, regulator.email]
    )
    assert not notices(capped["agreement"], "100").exists()


def test_below_80_percent_nobody_is_warned(capped):
    use(capped["grant"], calls=15)  # 7.50
    statements_refresh_current()
    assert revenue.revenue_state(capped["agreement"]).level == "ok"
    assert not Notification.objects.filter(verb="delivery.revenue_cap").exists()


def test_at_the_cap_a_new_paid_grant_is_refused_and_a_free_one_still_issued(
    capped, operator_admin, outsider
):
    use(capped["grant"], calls=20)  # 10.00: the cap
    statements_refresh_current()
    assert revenue.revenue_state(capped["agreement"]).level == "reached"
    assert notices(capped["agreement"], "100").count() == 2

    paid = grants.submitted(capped["paid"], outsider)
    grants.run_checks(paid)
    paid.refresh_from_db()
    assert paid.status == "rejected"
    failed = [c for c in paid.checks if not c["ok"]]
    assert [c["check"] for c in failed] == ["revenue_cap_reached"]
    assert not Grant.objects.filter(application=paid).exists()
    denial = AuditEvent.objects.get(action="grants.grant.issue", outcome="denied")
    assert denial.reason == "revenue_cap_reached" and denial.target_id == str(paid.pk)

    free = grant_on(capped["free"], outsider, operator_admin)
    assert free is not None and free.status == "active"


@pytest.mark.django_db(transaction=True)
def test_a_final_approval_after_the_cap_was_reached_is_refused(
    settings, capped, operator_admin, outsider
):
    # The denial is written on its own connection: it outlives the approval's rollback.
    settings.AUDIT_DENIALS_OUT_OF_BAND = True
    application = grants.submitted(capped["paid"], outsider)
    grants.run_checks(application)
    application.refresh_from_db()
    assert application.status == "in_review"
    use(capped["grant"], calls=25)
    statements_refresh_current()

    step = review.steps_for(application).get(decision="pending")
    with pytest.raises(TransitionNotAllowed) as refused:
        approval.application_decide(
            application=application,
            user=operator_admin,
            step_id=step.pk,
            decision="approved",
            comment="同意",
        )
    assert refused.value.code == "revenue_cap_reached"
    application.refresh_from_db()
    assert application.status == "in_review"
    assert not Grant.objects.filter(application=application).exists()
    assert AuditEvent.objects.filter(
        action="grants.grant.issue", outcome="denied", reason="revenue_cap_reached"
    ).exists()


def test_an_agreement_without_a_cap_never_refuses(capped, outsider, operator_admin):
    AuthorizationAgreement.objects.filter(pk=capped["agreement"].pk).update(max_revenue=None)
    capped["agreement"].refresh_from_db()
    use(capped["grant"], calls=100)
    statements_refresh_current()
    assert revenue.revenue_state(capped["agreement"]).level == "uncapped"
    assert grant_on(capped["paid"], outsider, operator_admin).status == "active"
