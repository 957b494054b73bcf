"""A qualified operator keeping its profile current: a change of what the regulator
reviewed flags a re-review and tells the regulator; its credit code does not change."""

import pytest
from django.test import Client
from django.utils import translation

from apps.operators import services
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import OperatorProfile
from apps.workflow.models import Notification
from apps.workflow.system_notes import system_note
from tests.conftest import api_for, login_web
from tests.operators.conftest import credit_code, profile_data

BASE = "/api/v1/operators/profiles"


def test_a_qualified_operator_changing_a_reviewed_fact_is_flagged_for_re_review(
    profile, operator_admin, regulator
):
    profile = services.profile_save(
        user=operator_admin, data={"registered_address": "南宁市良庆区1号"}
    )
    assert profile.status == Q.QUALIFIED and profile.rereview_due
    last = profile.history.order_by("pk").last()
    assert (last.from_status, last.to_status) == (Q.QUALIFIED, Q.QUALIFIED)
    with translation.override("en"):
        assert system_note(last.note) == "Reviewed facts changed: re-review due."
    told = Notification.objects.filter(verb="operators.qualification.facts_changed")
    assert regulator in [n.recipient for n in told]
    body = told.get(recipient=regulator)
    assert "注册地址" in body.body and "registered address" in body.body_en
    assert not told.filter(recipient=operator_admin).exists()


def test_resaving_the_same_facts_or_changing_the_officer_flags_nothing(profile, operator_admin):
    same = profile_data()  # what the profile was qualified with
    profile = services.profile_save(user=operator_admin, data=same)
    assert not profile.rereview_due
    profile = services.profile_save(
        user=operator_admin, data={"security_officer_contact": "0771-7654321"}
    )
    assert not profile.rereview_due
    assert not Notification.objects.filter(verb="operators.qualification.facts_changed").exists()


def test_a_qualified_operator_cannot_change_its_credit_code(profile, operator_admin):
    response = api_for(operator_admin).patch(
        f"{BASE}/{profile.pk}/", {"credit_code": credit_code(9)}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "credit_code_locked"
    profile.refresh_from_db()
    assert profile.credit_code == credit_code() and not profile.rereview_due


def test_before_qualification_every_fact_may_change_freely(operator_admin):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    profile = services.profile_save(
        user=operator_admin, data={"credit_code": credit_code(3), "legal_representative": "王五"}
    )
    assert profile.credit_code == credit_code(3) and not profile.rereview_due
    assert profile.history.count() == 0


def test_the_api_patch_flags_the_re_review(profile, operator_admin):
    response = api_for(operator_admin).patch(
        f"{BASE}/{profile.pk}/", {"protection_level": "2"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert OperatorProfile.objects.get(pk=profile.pk).rereview_due


def test_the_portal_form_refuses_a_new_credit_code_on_the_field(profile, operator_admin):
    client = login_web(Client(), operator_admin)
    data = {k: v for k, v in profile_data(credit_code=credit_code(12)).items() if v is not None}
    data["crypto_assessed"] = "on"
    assert b'id="reviewed-facts"' in client.get("/portal/operator/profile/").content
    response = client.post("/portal/operator/profile/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert OperatorProfile.objects.get(pk=profile.pk).credit_code == credit_code()


def test_a_new_document_of_a_qualified_operator_flags_a_re_review(profile, operator_admin):
    from tests.operators.conftest import pdf

    services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    assert OperatorProfile.objects.get(pk=profile.pk).rereview_due
    assert Notification.objects.filter(verb="operators.qualification.facts_changed").exists()


def test_a_suspended_operator_uploads_no_document(profile, operator_admin, regulator):
    from apps.core.exceptions import TransitionNotAllowed
    from apps.operators.models import QualificationDocument
    from tests.operators.conftest import pdf

    services.qualification_suspend(profile=profile, reviewer=regulator, reason="安全事件")
    before = QualificationDocument.objects.count()
    with pytest.raises(TransitionNotAllowed):
        services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    assert QualificationDocument.objects.count() == before


def test_the_lock_answers_before_the_duplicate_check_so_no_code_is_confirmed(
    profile, operator_admin
):
    """Any other code gets credit_code_locked: a registered one is not told apart."""
    other = services.profile_save(
        user=_second_operator(), data=profile_data(credit_code=credit_code(4))
    )
    response = api_for(operator_admin).patch(
        f"{BASE}/{profile.pk}/", {"credit_code": other.credit_code}, format="json"
    )
    assert response.json()["code"] == "credit_code_locked"


def _second_operator():
    from apps.accounts.choices import OrganizationKind
    from tests.factories import member

    return member(OrganizationKind.OPERATOR)
