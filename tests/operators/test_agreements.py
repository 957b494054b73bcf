from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from apps.catalog import services as catalog
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import services
from apps.operators.choices import AgreementStatus as A
from apps.operators.diff import agreement_diff
from apps.operators.models import AuthorizationAgreement
from tests.operators.conftest import agreement_data, make_effective, pdf, signed


def test_agreement_goes_through_review_and_notice_to_effective(effective):
    assert effective.status == A.EFFECTIVE and effective.effective_at
    moves = [e.to_status for e in effective.history.all()]
    assert moves == ["under_review", "public_notice", "effective"]
    assert effective.number.startswith("SQYY-")


def test_term_over_five_years_is_refused(profile, operator_admin, regulator, resources):
    start = timezone.localdate()
    end = start.replace(year=start.year + 5)
    with pytest.raises(InvalidInput) as error:
        services.agreement_create(
            user=operator_admin, data=agreement_data(regulator, resources, term_end=end)
        )
    assert error.value.code == "term_too_long"
    ok = end - timedelta(days=1)
    services.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources, term_end=ok)
    )


def test_term_ending_before_start_is_refused(profile, operator_admin, regulator, resources):
    start = timezone.localdate()
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=operator_admin,
            data=agreement_data(regulator, resources, term_end=start - timedelta(days=1)),
        )


def test_core_or_prohibited_data_cannot_enter_scope(
    profile, operator_admin, regulator, resources, core_resource
):
    data = agreement_data(regulator, resources, scope=[{"resource": core_resource.pk}])
    with pytest.raises(InvalidInput) as error:
        services.agreement_create(user=operator_admin, data=data)
    assert error.value.code == "scope_not_authorizable"
    assert str(core_resource.pk) in error.value.details["scope"]


def test_unregistered_resource_or_unknown_field_cannot_enter_scope(
    profile, operator_admin, regulator, resources, provider
):
    from tests.catalog.conftest import payload

    draft = catalog.resource_create(user=provider, data=payload(name="未登记"))
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=operator_admin,
            data=agreement_data(regulator, resources, scope=[{"resource": draft.pk}]),
        )
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=operator_admin,
            data=agreement_data(
                regulator, resources, scope=[{"resource": resources[0].pk, "fields": ["nope"]}]
            ),
        )


def test_mode_needs_its_domain_or_scenarios(profile, operator_admin, regulator, resources):
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=operator_admin, data=agreement_data(regulator, resources, domain="")
        )
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=operator_admin,
            data=agreement_data(regulator, resources, mode="scenario", allowed_scenarios=[]),
        )


def test_unqualified_operator_cannot_submit(operator_admin, regulator, resources):
    from tests.operators.conftest import profile_data

    services.profile_save(user=operator_admin, data=profile_data())
    agreement = services.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    with pytest.raises(TransitionNotAllowed) as error:
        services.agreement_submit(agreement=agreement, user=operator_admin)
    assert error.value.code == "operator_not_qualified"


def test_regulator_may_draft_for_an_operator(profile, regulator, resources):
    data = agreement_data(regulator, resources, operator=profile.organization_id)
    agreement = services.agreement_create(user=regulator, data=data)
    assert agreement.operator_id == profile.organization_id
    assert agreement.authority_id == regulator.organization_id


def test_wrong_organization_cannot_edit_or_submit(draft_agreement, outsider):
    with pytest.raises(PermissionDeniedError):
        services.agreement_update(agreement=draft_agreement, user=outsider, data={"title": "x"})
    with pytest.raises(PermissionDeniedError):
        services.agreement_submit(agreement=draft_agreement, user=outsider)


def test_an_agreement_is_reviewed_only_with_its_signed_document(
    profile, operator_admin, regulator, resources
):
    """Submitting asks for the document; a version that reached review without one (from
    before the rule) is not approved either, and its state does not move."""
    data = agreement_data(regulator, resources)
    draft = services.agreement_create(user=operator_admin, data=data)
    with pytest.raises(InvalidInput) as missing:
        services.agreement_submit(agreement=draft, user=operator_admin)
    assert missing.value.code == "document_missing"
    draft.refresh_from_db()
    assert draft.status == A.DRAFT
    submitted = services.agreement_submit(
        agreement=signed(draft, operator_admin), user=operator_admin
    )
    AuthorizationAgreement.objects.filter(pk=submitted.pk).update(document_path="")
    with pytest.raises(InvalidInput) as missing:
        services.agreement_approve(agreement=submitted, reviewer=regulator)
    assert missing.value.code == "document_missing"
    submitted.refresh_from_db()
    assert submitted.status == A.UNDER_REVIEW


def test_only_regulator_approves(draft_agreement, operator_admin):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    with pytest.raises(PermissionDeniedError):
        services.agreement_approve(agreement=draft_agreement, reviewer=operator_admin)


def test_return_needs_a_reason_and_allows_resubmission(draft_agreement, operator_admin, regulator):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    with pytest.raises(InvalidInput):
        services.agreement_return(agreement=draft_agreement, reviewer=regulator, reason="")
    agreement = services.agreement_return(
        agreement=draft_agreement, reviewer=regulator, reason="补充"
    )
    agreement = services.agreement_update(
        agreement=agreement, user=operator_admin, data={"title": "修订后"}
    )
    assert services.agreement_submit(agreement=agreement, user=operator_admin).status == (
        A.UNDER_REVIEW
    )


def test_objection_during_notice_sends_it_back(
    draft_agreement, operator_admin, regulator, merchant
):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    agreement = services.agreement_approve(agreement=draft_agreement, reviewer=regulator)
    services.agreement_object(agreement=agreement, user=merchant, reason="范围过宽")
    agreement.refresh_from_db()
    assert agreement.status == A.UNDER_REVIEW and agreement.notice_ends_at is None
    assert services.agreement_close_notice(agreement_id=agreement.pk) is None
    with pytest.raises(TransitionNotAllowed):
        services.agreement_object(agreement=agreement, user=merchant, reason="again")


def test_notice_does_not_close_early(draft_agreement, operator_admin, regulator):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    agreement = services.agreement_approve(agreement=draft_agreement, reviewer=regulator)
    assert services.agreement_close_notice(agreement_id=agreement.pk) is None


def test_signed_document_keeps_its_hash(draft_agreement, operator_admin):
    agreement = services.agreement_attach_document(
        agreement=draft_agreement, user=operator_admin, upload=pdf("signed.pdf")
    )
    assert agreement.document_name == "signed.pdf" and len(agreement.document_sha256) == 64


def test_amendment_is_version_two_with_a_diff(effective, operator_admin, regulator, resources):
    new = services.agreement_amend(
        agreement=effective,
        user=operator_admin,
        data={
            "price_cap": "4000.00",
            "allowed_scenarios": ["credit"],
            "scope": [{"resource": resources[0].pk, "fields": None}],
        },
    )
    assert (new.number, new.version, new.amends_id) == (effective.number, 2, effective.pk)
    diff = {row["field"]: row for row in agreement_diff(effective, new)}
    assert diff["price_cap"]["before"] == "5000.00" and diff["price_cap"]["after"] == "4000.00"
    assert diff["allowed_scenarios"]["after"] == "credit"
    assert diff[f"scope.{resources[0].pk}"]["before"] == "credit_code、reg_capital"
    assert diff[f"scope.{resources[0].pk}"]["after"] == "*"
    assert diff[f"scope.{resources[1].pk}"]["after"] == "—"
    # The old version stays effective until the new one is, which signs its own document.
    with pytest.raises(InvalidInput) as missing:
        services.agreement_submit(agreement=new, user=operator_admin)
    assert missing.value.code == "document_missing"
    services.agreement_submit(agreement=signed(new, operator_admin), user=operator_admin)
    effective.refresh_from_db()
    assert effective.status == A.EFFECTIVE
    new = services.agreement_approve(agreement=new, reviewer=regulator)
    new = services.agreement_close_notice(agreement_id=new.pk, now=new.notice_ends_at)
    effective.refresh_from_db()
    assert (effective.status, new.status) == (A.SUPERSEDED, A.EFFECTIVE)


def test_overlapping_versions_are_refused(effective, operator_admin):
    services.agreement_amend(agreement=effective, user=operator_admin)
    with pytest.raises(TransitionNotAllowed) as error:
        services.agreement_amend(agreement=effective, user=operator_admin)
    assert error.value.code == "overlapping_version"


def test_database_refuses_two_versions_in_force(effective):
    clone = AuthorizationAgreement.objects.get(pk=effective.pk)
    clone.pk, clone.version = None, 2
    with pytest.raises(IntegrityError):
        clone.save()


def test_second_agreement_over_the_same_resources_is_refused(
    effective, operator_admin, regulator, resources
):
    scope = [{"resource": resources[0].pk}]
    other = services.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources, scope=scope)
    )
    with pytest.raises(TransitionNotAllowed) as error:
        services.agreement_submit(agreement=other, user=operator_admin)
    assert error.value.code == "overlapping_agreement"


def test_suspending_twice_is_refused_and_resume_restores(effective, regulator):
    services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    with pytest.raises(TransitionNotAllowed) as error:
        services.agreement_suspend(agreement=effective, reviewer=regulator, reason="again")
    assert error.value.code == "already_suspended"
    agreement = services.agreement_resume(agreement=effective, reviewer=regulator)
    assert agreement.status == A.EFFECTIVE
    with pytest.raises(TransitionNotAllowed):
        services.agreement_resume(agreement=effective, reviewer=regulator)


def test_revoke_and_terminate_are_final(effective, regulator, operator_admin):
    with pytest.raises(PermissionDeniedError):
        services.agreement_terminate(agreement=effective, user=operator_admin, reason="不做了")
    agreement = services.agreement_revoke(agreement=effective, reviewer=regulator, reason="违约")
    assert agreement.status == A.REVOKED and agreement.ended_at
    with pytest.raises(TransitionNotAllowed):
        services.agreement_terminate(agreement=agreement, user=regulator, reason="x")


def test_operator_may_withdraw_its_draft(draft_agreement, operator_admin):
    agreement = services.agreement_terminate(
        agreement=draft_agreement, user=operator_admin, reason="撤回"
    )
    assert agreement.status == A.TERMINATED


def test_notice_closing_rechecks_the_guards(draft_agreement, operator_admin, regulator, profile):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    agreement = services.agreement_approve(agreement=draft_agreement, reviewer=regulator)
    services.qualification_suspend(profile=profile, reviewer=regulator, reason="检查")
    agreement = services.agreement_close_notice(
        agreement_id=agreement.pk, now=agreement.notice_ends_at
    )
    assert agreement.status == A.UNDER_REVIEW


def test_make_effective_helper_is_idempotent(effective, operator_admin, regulator):
    assert services.agreement_close_notice(agreement_id=effective.pk) is None
    assert make_effective  # used by fixtures
