"""Issue 8 §3 defects of agreements (2: term across versions, 4: notice is public) and
expiry as of now (§1)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core.exceptions import InvalidInput
from apps.operators import scope, selectors, services
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import AuthorizationAgreement
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def _years(day, n):
    return day.replace(year=day.year + n)


def test_an_amendment_cannot_stretch_the_agreement_past_five_years_from_its_first_day(
    effective, operator_admin
):
    first_day = effective.term_start
    late_start = effective.term_end - timedelta(days=10)
    with pytest.raises(InvalidInput) as error:
        services.agreement_amend(
            agreement=effective,
            user=operator_admin,
            data={"term_start": late_start, "term_end": _years(late_start, 4)},
        )
    assert error.value.code == "term_too_long"
    ok_end = _years(first_day, 5) - timedelta(days=1)
    new = services.agreement_amend(
        agreement=effective, user=operator_admin, data={"term_end": ok_end}
    )
    assert new.term_end == ok_end


def test_an_amendment_cannot_leave_a_gap_after_the_version_in_force(effective, operator_admin):
    gap_start = effective.term_end + timedelta(days=2)
    with pytest.raises(InvalidInput) as error:
        services.agreement_amend(
            agreement=effective,
            user=operator_admin,
            data={"term_start": gap_start, "term_end": gap_start + timedelta(days=30)},
        )
    assert error.value.code == "version_gap"


def test_a_draft_amendment_edited_later_keeps_to_the_same_rules(effective, operator_admin):
    new = services.agreement_amend(agreement=effective, user=operator_admin)
    with pytest.raises(InvalidInput) as error:
        services.agreement_update(
            agreement=new,
            user=operator_admin,
            data={"term_end": _years(effective.term_start, 5) + timedelta(days=20)},
        )
    assert error.value.code == "term_too_long"


@pytest.fixture
def under_notice(draft_agreement, operator_admin, regulator):
    agreement = services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    return services.agreement_approve(agreement=agreement, reviewer=regulator)


def test_anyone_may_read_an_agreement_under_public_notice_through_the_api(under_notice):
    anonymous = APIClient()
    response = anonymous.get(f"/api/v1/operators/agreements/{under_notice.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == A.PUBLIC_NOTICE and body["number"] == under_notice.number
    assert "security_obligations" not in body and "document_sha256" not in body
    listed = anonymous.get("/api/v1/operators/agreements/?status=public_notice").json()
    assert [row["id"] for row in listed["results"]] == [under_notice.pk]


def test_anonymous_visitors_cannot_read_drafts_or_act(draft_agreement):
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/operators/agreements/{draft_agreement.pk}/").status_code == 404
    response = anonymous.post(
        f"/api/v1/operators/agreements/{draft_agreement.pk}/object/", {"reason": "x"}
    )
    assert response.status_code in (401, 403)


def test_the_public_notice_page_shows_the_agreement_and_the_objection_form_to_members(
    under_notice, client, merchant
):
    url = reverse("agreement_notice", args=[under_notice.pk])
    page = client.get(url)
    assert page.status_code == 200 and under_notice.number in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert under_notice.number in client.get(reverse("disclosure")).content.decode()
    login_web(client, merchant)
    page = client.get(url).content.decode()
    assert 'name="reason"' in page
    client.post(
        reverse("portal:agreement_action", args=[under_notice.pk, "object"]),
        {"reason": "范围过宽"},
    )
    under_notice.refresh_from_db()
    assert under_notice.status == A.UNDER_REVIEW


def test_an_agreement_past_its_term_is_not_in_force_before_the_timer_runs(
    effective, resources, merchant
):
    after = effective.term_end + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        decision = scope.agreement_scope_check(agreement=effective, resource=resources[1])
        assert not decision and decision.reason_code == "term_ended"
        assert effective not in selectors.disclosed_agreements()
        visible = AuthorizationAgreement.objects.restrict(merchant, "view")
        assert not visible.filter(pk=effective.pk).exists()
        assert not AuthorizationAgreement.objects.in_force().filter(pk=effective.pk).exists()


def test_a_resource_past_its_registration_is_refused_by_the_scope_check_at_once(
    effective, resources
):
    resource = resources[1]
    with time_machine.travel(resource.expires_at + timedelta(seconds=1), tick=False):
        decision = scope.agreement_scope_check(
            agreement=effective, resource=resource, on=effective.term_start
        )
    assert not decision and decision.reason_code == "resource_not_registered"
