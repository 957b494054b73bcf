"""The product life cycle on the workflow kernel: each move, its history and audit
event, the authority's review step, and the moves the table refuses."""

import pytest

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.products import services
from apps.products.choices import PRODUCT_TRANSITIONS
from apps.products.choices import ProductStatus as P
from apps.workflow.history import history_for
from apps.workflow.models import Decision
from apps.workflow.review import steps_for

pytestmark = pytest.mark.django_db


def test_the_table_names_every_status_and_ends_in_delisted():
    assert set(PRODUCT_TRANSITIONS) == set(P.values)
    assert PRODUCT_TRANSITIONS[P.DELISTED] == set()
    assert P.SUSPENDED not in PRODUCT_TRANSITIONS[P.DRAFT] | PRODUCT_TRANSITIONS[P.IN_REVIEW]


def test_a_new_product_is_a_draft_with_its_first_terms_version(draft_product, operator_admin):
    assert draft_product.status == P.DRAFT
    assert draft_product.operator_id == operator_admin.organization_id
    assert draft_product.current_terms.version == 1
    source = draft_product.sources.get()
    # legal_rep is personal information: masked by default (partial).
    assert {f["name"]: f["masking"] for f in source.fields} == {
        "credit_code": "none",
        "legal_rep": "partial",
    }


def test_submission_opens_a_review_step_for_the_agreement_authority(in_review, effective):
    assert in_review.status == P.IN_REVIEW
    step = steps_for(in_review).get()
    assert step.assignee_organization_id == effective.authority_id
    assert step.decision == Decision.PENDING


def test_approval_lists_the_product_and_records_history(listed, regulator):
    assert listed.status == P.LISTED
    assert listed.listed_at is not None
    moves = [(h.from_status, h.to_status) for h in history_for(listed)]
    assert moves == [(P.DRAFT, P.IN_REVIEW), (P.IN_REVIEW, P.LISTED)]
    assert steps_for(listed).get().decision == Decision.APPROVED


def test_return_sends_it_back_to_draft_with_the_reason(in_review, regulator, operator_admin):
    product = services.product_return(product=in_review, reviewer=regulator, reason="价格过高")
    assert product.status == P.DRAFT
    assert product.return_reason == "价格过高"
    assert history_for(product).last().note == "价格过高"
    # and it can be edited and submitted again
    services.product_update(product=product, user=operator_admin, data={"price": "0.30"})
    assert services.product_submit(product=product, user=operator_admin).status == P.IN_REVIEW


def test_return_needs_a_reason(in_review, regulator):
    with pytest.raises(InvalidInput) as refused:
        services.product_return(product=in_review, reviewer=regulator, reason=" ")
    assert refused.value.code == "reason_required"


def test_the_operator_withdraws_from_review(in_review, operator_admin):
    product = services.product_withdraw(product=in_review, user=operator_admin)
    assert product.status == P.DRAFT
    assert steps_for(product).get().decision == Decision.CANCELLED


def test_delisting_is_final(listed, operator_admin, regulator):
    product = services.product_delist(product=listed, user=operator_admin, reason="停止服务")
    assert product.status == P.DELISTED
    with pytest.raises(TransitionNotAllowed):
        services.product_delist(product=product, user=regulator, reason="again")


def test_deciding_twice_is_refused(in_review, regulator):
    services.product_approve(product=in_review, reviewer=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.product_approve(product=in_review, reviewer=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.product_return(product=in_review, reviewer=regulator, reason="late")


def test_stale_transitions_are_refused(draft_product, regulator, operator_admin, listed):
    with pytest.raises(TransitionNotAllowed):
        services.product_approve(product=draft_product, reviewer=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.product_withdraw(product=draft_product, user=operator_admin)
    with pytest.raises(TransitionNotAllowed):
        services.product_submit(product=listed, user=operator_admin)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.product_update(product=listed, user=operator_admin, data={"price": "1"})
    assert refused.value.code == "not_editable"


def test_only_the_regulator_decides_and_only_the_operator_submits(
    in_review, draft_product, operator_admin, merchant, provider
):
    with pytest.raises(PermissionDeniedError):
        services.product_approve(product=in_review, reviewer=operator_admin)
    with pytest.raises(PermissionDeniedError):
        services.product_submit(product=draft_product, user=merchant)
    with pytest.raises(PermissionDeniedError):
        services.product_create(user=provider, data={})


def test_a_regulator_member_may_not_decide(in_review, regulator):
    from apps.accounts.choices import Role
    from tests.workflow.conftest import colleague

    member = colleague(regulator, Role.MEMBER, "regulator_member")
    with pytest.raises(PermissionDeniedError):
        services.product_approve(product=in_review, reviewer=member)


def test_every_move_is_an_audit_event(listed, operator_admin):
    from apps.audit.models import AuditEvent

    actions = set(
        AuditEvent.objects.filter(
            target_id=str(listed.pk), action__startswith="products."
        ).values_list("action", flat=True)
    )
    assert {
        "products.dataproduct.create",
        "products.dataproduct.in_review",
        "products.dataproduct.listed",
    } <= actions


def test_a_never_submitted_draft_can_be_deleted_and_nothing_else(
    draft_product, operator_admin, regulator
):
    services.product_delete(product=draft_product, user=operator_admin)
    assert not type(draft_product).objects.filter(pk=draft_product.pk).exists()


def test_a_product_with_a_history_cannot_be_deleted(in_review, operator_admin, regulator):
    services.product_return(product=in_review, reviewer=regulator, reason="补充")
    with pytest.raises(TransitionNotAllowed) as refused:
        services.product_delete(product=in_review, user=operator_admin)
    assert refused.value.code == "not_deletable"
