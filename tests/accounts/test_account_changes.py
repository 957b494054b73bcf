"""Every change to organizations, users, memberships, roles, second-factor devices and
API keys is an audit event, whether a service, a web form or Django admin makes it."""

import json

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import otp, services
from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.audit.models import AuditEvent
from apps.audit.services import REDACTED
from tests.conftest import login_web
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, totp_device

pytestmark = pytest.mark.django_db


def changes(event) -> dict:
    return json.loads(event.changes)


def data(event) -> dict:
    return json.loads(event.data)


def events(action: str, target=None):
    found = AuditEvent.objects.filter(action=action)
    if target is not None:
        found = found.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return found


@pytest.fixture
def admin_web(web):
    """The Django admin, signed in as a superuser who passed TOTP."""
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    totp_device(root)
    login_web(web, User.objects.get(pk=root.pk))
    web.root = root
    return web


def test_creating_an_organization_is_recorded_in_its_own_trail():
    org = services.organization_create(
        name="新机构", kind=OrganizationKind.MERCHANT, code="new-org", name_en="New"
    )
    event = events("organization.create", org).get()
    assert event.target_org_id == org.pk
    assert changes(event)["kind"] == [None, OrganizationKind.MERCHANT]


def test_creating_a_user_records_the_user_and_the_membership_without_the_password(provider):
    user = services.user_create(
        username="newbie", password=PASSWORD, organization=provider.organization, actor=provider
    )
    created = events("user.create", user).get()
    assert created.actor_label == provider.username
    assert changes(created)["password"] == [REDACTED, REDACTED]
    assert PASSWORD not in created.changes and user.password not in created.changes
    joined = events("membership.create", user.membership).get()
    assert joined.target_org_id == provider.organization_id
    assert changes(joined)["role"] == [None, Role.MEMBER]


def test_a_role_change_is_recorded_with_before_and_after(provider):
    user = services.user_create(
        username="promoted", password=None, organization=provider.organization
    )
    membership = user.membership
    membership.role = Role.ADMIN
    services.membership_save(membership=membership, actor=provider)
    event = events("membership.update", membership).get()
    assert changes(event) == {"role": [Role.MEMBER, Role.ADMIN]}
    assert User.objects.get(pk=user.pk).is_org_admin


def test_moving_a_user_to_the_regulator_names_the_organization_it_left(provider, regulator):
    left = provider.organization_id
    membership = Membership.objects.get(user=provider)
    membership.organization = regulator.organization
    services.membership_save(membership=membership, actor=regulator)
    event = events("membership.update", membership).get()
    assert event.target_org_id == regulator.organization_id
    assert data(event)["from_organization"] == left


def test_saving_without_a_change_records_nothing():
    org = OrganizationFactory()
    services.organization_save(organization=org)
    assert not events("organization.update", org).exists()


def test_changing_ones_own_password_is_recorded(web, merchant):
    login_web(web, merchant)
    response = web.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-2026",
            "new_password2": "a-new-pass-2026",
        },
    )
    assert response.status_code == 302
    event = events("user.update", merchant).get()
    assert event.actor_label == merchant.username
    assert changes(event) == {"password": [REDACTED, REDACTED]}


def test_enrolling_an_authenticator_is_recorded_when_it_starts_and_when_it_is_confirmed(
    web, regulator
):
    regulator.totpdevice_set.all().delete()
    web.post("/accounts/login/", {"username": regulator.username, "password": PASSWORD})
    web.get("/accounts/otp/")
    device = regulator.totpdevice_set.get(confirmed=False)
    started = events("otp_device.create", device).get()
    assert started.target_org_id == regulator.organization_id
    assert "key" not in started.data and device.key not in started.changes
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert web.post("/accounts/otp/", {"token": code}).status_code == 302
    confirmed = events("otp_device.confirm", device).get()
    assert changes(confirmed) == {"confirmed": [False, True]}
    assert confirmed.actor_label == regulator.username


def test_otp_services_record_deleting_a_device(regulator):
    device = regulator.totpdevice_set.get()
    target = AuditEvent.objects.filter(target_type="otp_totp.totpdevice", target_id=str(device.pk))
    otp.otp_device_delete(device=device, actor=regulator)
    assert target.get(action="otp_device.delete").target_org_id == regulator.organization_id


def test_an_admin_edit_of_an_organization_is_recorded(admin_web):
    org = OrganizationFactory(kind=OrganizationKind.MERCHANT)
    response = admin_web.post(
        f"/admin/accounts/organization/{org.pk}/change/",
        {
            "name": org.name,
            "name_en": "",
            "code": org.code,
            "kind": OrganizationKind.REGULATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    event = events("organization.update", org).get()
    assert event.actor_label == "root"
    assert changes(event)["kind"] == [OrganizationKind.MERCHANT, OrganizationKind.REGULATOR]


def test_an_admin_delete_of_an_organization_is_recorded(admin_web):
    org = OrganizationFactory()
    response = admin_web.post(f"/admin/accounts/organization/{org.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert events("organization.delete", org).get().target_org_id == org.pk


def test_an_admin_bulk_delete_records_each_organization(admin_web):
    orgs = [OrganizationFactory(), OrganizationFactory()]
    response = admin_web.post(
        "/admin/accounts/organization/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in orgs], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Organization.objects.filter(pk__in=[o.pk for o in orgs]).exists()
    for org in orgs:
        assert events("organization.delete", org).exists()


def admin_user_form(user: User, **changes) -> dict:
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
        "membership-TOTAL_FORMS": "0",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
    }
    form.update(changes)
    return form


def test_an_admin_making_a_user_superuser_and_a_regulator_member_is_recorded(admin_web, regulator):
    user = UserFactory(username="climber")
    form = admin_user_form(
        user,
        is_superuser="on",
        **{
            "membership-TOTAL_FORMS": "1",
            "membership-0-organization": str(regulator.organization_id),
            "membership-0-role": Role.ADMIN,
            "membership-0-user": str(user.pk),
        },
    )
    response = admin_web.post(f"/admin/accounts/user/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    flag = events("user.update", user).get()
    assert changes(flag)["is_superuser"] == [False, True]
    assert flag.actor_label == "root"
    joined = events("membership.create").get(data__contains='"user":"climber"')
    assert joined.target_org_id == regulator.organization_id
    assert changes(joined)["role"] == [None, Role.ADMIN]


def test_an_admin_changing_a_users_password_is_recorded(admin_web, merchant):
    response = admin_web.post(
        f"/admin/accounts/user/{merchant.pk}/password/",
        {
            "password1": "another-pass-2026",
            "password2": "another-pass-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = events("user.update", merchant).get()
    assert event.actor_label == "root"
    assert changes(event) == {"password": [REDACTED, REDACTED]}


def test_an_admin_delete_of_a_user_is_recorded(admin_web):
    user = UserFactory()
    response = admin_web.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert events("user.delete", user).exists()


def test_an_admin_delete_of_an_api_key_is_recorded(admin_web, merchant):
    key = (
        ApiKey.objects.filter(organization=merchant.organization).first()
        or services.api_key_create(
            organization=merchant.organization, created_by=merchant, name="k"
        )[0]
    )
    response = admin_web.post(f"/admin/accounts/apikey/{key.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = events("api_key.delete", key).get()
    assert event.target_org_id == merchant.organization_id
    assert key.key_hash not in event.changes


def test_an_admin_adding_a_totp_device_for_someone_is_recorded(admin_web, regulator):
    response = admin_web.post(
        "/admin/otp_totp/totpdevice/add/",
        {
            "user": str(regulator.pk),
            "name": "planted",
            "confirmed": "on",
            "key": "3132333435363738393031323334353637383930",
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "throttling_failure_count": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    device = TOTPDevice.objects.get(name="planted")
    event = events("otp_device.create", device).get()
    assert event.actor_label == "root"
    assert event.target_org_id == regulator.organization_id
    assert "3132333435" not in event.changes


def test_an_admin_deleting_a_totp_device_is_recorded(admin_web, regulator):
    device = regulator.totpdevice_set.get()
    response = admin_web.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert events("otp_device.delete", device).get().actor_label == "root"


def test_an_admin_adding_backup_codes_is_recorded_without_the_codes(admin_web, regulator):
    response = admin_web.post(
        "/admin/otp_static/staticdevice/add/",
        {
            "user": str(regulator.pk),
            "name": "backup",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-MIN_NUM_FORMS": "0",
            "token_set-MAX_NUM_FORMS": "1000",
            "token_set-0-token": "letmein1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    device = StaticDevice.objects.get(name="backup")
    assert events("otp_device.create", device).exists()
    tokens = events("otp_device.tokens_change", device).get()
    assert changes(tokens) == {"tokens": [0, 1]}
    assert "letmein1" not in tokens.changes + tokens.data
