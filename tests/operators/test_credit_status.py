"""The regulator records an operator's credit standing; a dishonest listing blocks new
agreements from taking effect."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import services
from tests.conftest import api_for, login_web
from tests.operators.conftest import agreement_data

pytestmark = pytest.mark.django_db


def test_the_regulator_records_credit_status_with_a_reason(profile, regulator):
    with pytest.raises(InvalidInput):
        services.qualification_set_credit_status(
            profile=profile, reviewer=regulator, credit_status="watch", reason=" "
        )
    updated = services.qualification_set_credit_status(
        profile=profile, reviewer=regulator, credit_status="watch", reason="多次投诉"
    )
    assert updated.credit_status == "watch"
    event = AuditEvent.objects.filter(action="operators.operatorprofile.credit_status").latest("id")
    assert "watch" in event.changes and event.reason == "多次投诉"


def test_the_operator_cannot_set_its_own_credit_status(profile, operator_admin):
    with pytest.raises(PermissionDeniedError):
        services.qualification_set_credit_status(
            profile=profile, reviewer=operator_admin, credit_status="good", reason="x"
        )


def test_a_dishonest_operator_cannot_bring_a_new_agreement_into_force(
    profile, operator_admin, regulator, resources
):
    services.qualification_set_credit_status(
        profile=profile, reviewer=regulator, credit_status="dishonest", reason="失信名单"
    )
    draft = services.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    with pytest.raises(TransitionNotAllowed) as error:
        services.agreement_submit(agreement=draft, user=operator_admin)
        services.agreement_approve(agreement=draft, reviewer=regulator)
    assert error.value.code == "operator_dishonest"


def test_credit_status_through_the_api_and_the_console(profile, regulator, operator_admin):
    url = f"/api/v1/operators/profiles/{profile.pk}/credit-status/"
    refused = api_for(operator_admin).post(
        url, {"credit_status": "good", "reason": "x"}, format="json"
    )
    assert refused.status_code == 403
    bad = api_for(regulator).post(url, {"credit_status": "saint", "reason": "x"}, format="json")
    assert bad.status_code == 400
    ok = api_for(regulator).post(url, {"credit_status": "watch", "reason": "抽查"}, format="json")
    assert ok.json()["credit_status"] == "watch"
    console = login_web(Client(), regulator)
    console.post(
        f"/console/operators/{profile.pk}/credit/", {"credit_status": "good", "reason": "整改完成"}
    )
    profile.refresh_from_db()
    assert profile.credit_status == "good"


def test_an_outsider_cannot_touch_credit_status(profile, outsider):
    url = f"/api/v1/operators/profiles/{profile.pk}/credit-status/"
    response = api_for(outsider).post(url, {"credit_status": "good", "reason": "x"}, format="json")
    assert response.status_code == 404
