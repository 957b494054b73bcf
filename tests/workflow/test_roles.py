"""Roles mean something, for every kind of organization: admins manage members and keys,
reviewers decide, members draft; within the regulator deciding, suspending and revoking
take a reviewer or an admin, and managing regulator users takes an admin."""

import pytest

from apps.accounts import services as accounts
from apps.accounts.models import ApiKey, Organization
from apps.audit.models import AuditEvent
from apps.catalog import services as catalog
from apps.core.exceptions import PermissionDeniedError
from apps.core.permissions import MANAGE, VIEW
from apps.operators import services as operators
from apps.workflow import policy
from tests.catalog.conftest import payload
from tests.operators.conftest import agreement_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(provider):
    resource = catalog.resource_create(user=provider, data=payload())
    return catalog.resource_submit(resource=resource, user=provider)


# Regulator


def test_a_regulator_member_cannot_start_the_review_of_a_registration(regulator_member, submitted):
    with pytest.raises(PermissionDeniedError):
        catalog.resource_start_review(resource=submitted, reviewer=regulator_member)


def test_a_regulator_reviewer_reviews_and_approves_a_registration(regulator_reviewer, submitted):
    catalog.resource_start_review(resource=submitted, reviewer=regulator_reviewer)
    resource = catalog.resource_approve(resource=submitted, reviewer=regulator_reviewer)
    assert resource.status == "public_notice"


def test_a_regulator_member_is_refused_a_decision_in_the_api_and_the_refusal_is_audited(
    api, regulator_member, submitted
):
    api.force_authenticate(regulator_member)
    response = api.post(f"/api/v1/catalog/resources/{submitted.pk}/review/")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="dataresource.decide", actor_id=str(regulator_member.pk))
    assert event.reason == "not_permitted"
    assert event.target_org_id == submitted.provider_id


def test_a_regulator_member_still_reads_every_resource(regulator_member, submitted):
    assert policy.get_object_for(regulator_member, type(submitted), submitted.pk) == submitted


def test_a_regulator_member_cannot_suspend_or_revoke_an_operator(regulator_member, profile):
    with pytest.raises(PermissionDeniedError):
        operators.qualification_suspend(profile=profile, reviewer=regulator_member, reason="x")
    with pytest.raises(PermissionDeniedError):
        operators.qualification_revoke(profile=profile, reviewer=regulator_member, reason="x")


def test_a_regulator_reviewer_suspends_an_operator(regulator_reviewer, profile):
    operators.qualification_suspend(profile=profile, reviewer=regulator_reviewer, reason="audit")
    profile.refresh_from_db()
    assert profile.status == "suspended"


def test_a_regulator_member_cannot_revoke_an_agreement_in_the_console(
    web, regulator_member, effective
):
    from tests.conftest import login_web

    login_web(web, regulator_member)
    response = web.post(f"/console/agreements/{effective.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 403
    effective.refresh_from_db()
    assert effective.status == "effective"


def test_a_security_reviewer_decides_personal_data_steps_but_not_reviews(security_reviewer):
    assert policy.may(security_reviewer, policy.DECIDE_PERSONAL)
    assert not policy.may(security_reviewer, policy.DECIDE)


def test_only_a_regulator_admin_manages_regulator_users(regulator, regulator_reviewer):
    regulator_org = Organization.objects.filter(pk=regulator.organization_id)
    assert regulator_org.restrict(regulator, MANAGE).exists()
    assert not regulator_org.restrict(regulator_reviewer, MANAGE).exists()
    assert regulator_org.restrict(regulator_reviewer, VIEW).exists()


def test_a_regulator_member_cannot_revoke_a_merchants_key(regulator_member, merchant):
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    with pytest.raises(PermissionDeniedError):
        accounts.api_key_revoke(api_key=key, actor=regulator_member)


# Provider


def test_a_provider_member_drafts_and_submits_a_resource(provider_member):
    resource = catalog.resource_create(user=provider_member, data=payload())
    assert catalog.resource_submit(resource=resource, user=provider_member).status == "submitted"


def test_a_provider_admin_cannot_decide_its_own_registration(provider, submitted):
    with pytest.raises(PermissionDeniedError):
        catalog.resource_start_review(resource=submitted, reviewer=provider)


def test_a_provider_member_cannot_create_api_keys(provider_member):
    with pytest.raises(PermissionDeniedError):
        accounts.api_key_create(
            organization=provider_member.organization, created_by=provider_member, name="k"
        )


# Operator


def test_an_operator_member_drafts_an_agreement(operator_member, profile, regulator, resources):
    data = agreement_data(regulator, resources)
    agreement = operators.agreement_create(user=operator_member, data=data)
    assert agreement.status == "draft"


def test_an_operator_member_cannot_exit_for_the_operator(operator_member, profile):
    with pytest.raises(PermissionDeniedError):
        operators.qualification_exit(profile=profile, user=operator_member, reason="x")


def test_an_operator_admin_cannot_approve_its_own_agreement(api, operator_admin, draft_agreement):
    operators.agreement_submit(agreement=draft_agreement, user=operator_admin)
    api.force_authenticate(operator_admin)
    response = api.post(f"/api/v1/operators/agreements/{draft_agreement.pk}/approve/")
    assert response.status_code == 403


# Merchant


def test_a_merchant_member_cannot_revoke_the_merchants_keys(merchant, merchant_member):
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    with pytest.raises(PermissionDeniedError):
        accounts.api_key_revoke(api_key=key, actor=merchant_member)
    accounts.api_key_revoke(api_key=key, actor=merchant)
    assert ApiKey.objects.get(pk=key.pk).is_revoked


def test_a_merchant_admin_manages_its_own_organization_not_the_outsiders(merchant, outsider):
    manageable = Organization.objects.restrict(merchant, MANAGE)
    assert list(manageable) == [merchant.organization]
    assert (
        not Organization.objects.restrict(outsider, MANAGE)
        .filter(pk=merchant.organization_id)
        .exists()
    )


def test_a_merchant_admin_decides_nothing(merchant):
    assert not policy.may(merchant, policy.DECIDE)
    assert not policy.may(merchant, policy.DECIDE, type(merchant.organization))


def test_the_console_shows_a_regulator_member_no_decision_buttons(
    web, regulator_member, regulator_reviewer, profile
):
    from tests.conftest import login_web

    login_web(web, regulator_member)
    assert 'id="suspend"' not in web.get(f"/console/operators/{profile.pk}/").content.decode()
    web.logout()
    login_web(web, regulator_reviewer)
    assert 'id="suspend"' in web.get(f"/console/operators/{profile.pk}/").content.decode()
