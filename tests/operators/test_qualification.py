import pytest

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import services
from apps.operators.choices import QualificationStatus as Q
from tests.operators.conftest import PNG, credit_code, pdf, profile_data


def test_operator_goes_from_draft_to_qualified_with_history(profile):
    assert profile.status == Q.QUALIFIED
    assert profile.qualified_at and profile.last_reviewed_at
    moves = [(e.from_status, e.to_status) for e in profile.history.all()]
    assert moves == [
        ("draft", "applied"),
        ("applied", "under_review"),
        ("under_review", "qualified"),
    ]


def test_invalid_credit_code_is_refused(operator_admin):
    with pytest.raises(InvalidInput) as error:
        services.profile_save(
            user=operator_admin, data=profile_data(credit_code="91350100M000100Y44")
        )
    assert error.value.code == "invalid_credit_code"


def test_credit_code_is_normalized(operator_admin):
    code = credit_code(7)
    profile = services.profile_save(
        user=operator_admin, data=profile_data(credit_code=f" {code.lower()} ")
    )
    assert profile.credit_code == code


def test_non_operator_cannot_keep_a_profile(merchant):
    with pytest.raises(PermissionDeniedError):
        services.profile_save(user=merchant, data=profile_data())


def test_applying_needs_a_document(operator_admin):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    with pytest.raises(InvalidInput) as error:
        services.qualification_apply(profile=profile, user=operator_admin)
    assert error.value.code == "documents_missing"


def test_documents_are_sniffed_and_hashed(operator_admin, settings):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    doc = services.document_upload(
        profile=profile, user=operator_admin, kind="licence", upload=pdf("x.png", PNG)
    )
    assert doc.content_type == "image/png" and len(doc.sha256) == 64
    assert (settings.OPERATORS_FILES_DIR / doc.file_path).read_bytes() == PNG
    with pytest.raises(InvalidInput) as error:
        services.document_upload(
            profile=profile, user=operator_admin, kind="licence", upload=pdf("a.pdf", b"MZ\x90")
        )
    assert error.value.code == "unsupported_file_type"
    settings.OPERATORS_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as error:
        services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    assert error.value.code == "file_too_large"


def test_only_the_regulator_reviews(operator_admin, regulator):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    services.qualification_apply(profile=profile, user=operator_admin)
    with pytest.raises(PermissionDeniedError):
        services.qualification_start_review(profile=profile, reviewer=operator_admin)
    services.qualification_start_review(profile=profile, reviewer=regulator)
    with pytest.raises(InvalidInput):
        services.qualification_return(profile=profile, reviewer=regulator, reason=" ")
    profile = services.qualification_return(profile=profile, reviewer=regulator, reason="缺少证明")
    assert profile.status == Q.RETURNED
    assert services.qualification_apply(profile=profile, user=operator_admin).status == Q.APPLIED


def test_wrong_organization_cannot_apply(profile, outsider):
    with pytest.raises(PermissionDeniedError):
        services.qualification_apply(profile=profile, user=outsider)


def test_suspend_needs_a_reason_and_cannot_repeat(profile, regulator):
    with pytest.raises(InvalidInput):
        services.qualification_suspend(profile=profile, reviewer=regulator, reason="")
    services.qualification_suspend(profile=profile, reviewer=regulator, reason="安全事件")
    with pytest.raises(TransitionNotAllowed):
        services.qualification_suspend(profile=profile, reviewer=regulator, reason="again")
    profile = services.qualification_reinstate(profile=profile, reviewer=regulator)
    assert profile.status == Q.QUALIFIED


def test_revoked_and_exited_are_final(profile, regulator, operator_admin):
    with pytest.raises(InvalidInput):
        services.qualification_revoke(profile=profile, reviewer=regulator, reason="")
    profile = services.qualification_revoke(profile=profile, reviewer=regulator, reason="违规")
    assert profile.status == Q.REVOKED
    with pytest.raises(TransitionNotAllowed):
        services.qualification_reinstate(profile=profile, reviewer=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.qualification_exit(profile=profile, user=operator_admin, reason="退出")


def test_operator_admin_may_exit_but_a_member_may_not(profile, operator_admin, operator_member):
    with pytest.raises(PermissionDeniedError):
        services.qualification_exit(profile=profile, user=operator_member, reason="退出")
    profile = services.qualification_exit(profile=profile, user=operator_admin, reason="经营调整")
    assert profile.status == Q.EXITED


def test_profile_is_frozen_under_review(operator_admin, regulator):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    services.qualification_apply(profile=profile, user=operator_admin)
    with pytest.raises(TransitionNotAllowed):
        services.profile_save(user=operator_admin, data={"legal_representative": "王五"})


def test_rereview_clears_the_flag(profile, regulator):
    profile.rereview_due = True
    profile.save()
    profile = services.qualification_rereview(profile=profile, reviewer=regulator)
    assert not profile.rereview_due
