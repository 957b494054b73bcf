"""Organizations and their people, managed by the regulator's admins in the console:
every change is an audit event; other regulators read; everyone else is refused."""

import re

import pytest

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import Organization, User
from apps.audit.models import AuditEvent
from apps.workflow.models import OutboxItem
from tests.conftest import login_web
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web(web, regulator):
    return login_web(web, regulator)


def events(action: str):
    return AuditEvent.objects.filter(action=action)


def test_the_list_filters_by_kind_and_status_searches_and_counts(
    admin_web, regulator, merchant, provider, outsider
):
    Organization.objects.filter(pk=outsider.organization_id).update(is_active=False)
    page = admin_web.get("/console/organizations/?kind=merchant").content.decode()
    assert merchant.organization.name in page and provider.organization.name not in page
    page = admin_web.get("/console/organizations/?kind=merchant&active=0").content.decode()
    assert outsider.organization.name in page and merchant.organization.name not in page
    page = admin_web.get(f"/console/organizations/?q={provider.organization.code}").content.decode()
    assert provider.organization.name in page and merchant.organization.name not in page
    assert re.search(r'id="result-count">[^<]*\b1\b', page)


def test_the_list_pages(admin_web, regulator, settings):
    for n in range(30):
        Organization.objects.create(name=f"机构{n:02d}", code=f"org-{n:02d}", kind="merchant")
    first = admin_web.get("/console/organizations/?kind=merchant").content.decode()
    assert "机构00" in first and "机构29" not in first
    second = admin_web.get("/console/organizations/?kind=merchant&page=2").content.decode()
    assert "机构29" in second and 'rel="prev"' in second


def test_an_admin_creates_and_edits_an_organization_and_both_are_audited(admin_web, regulator):
    response = admin_web.post(
        "/console/organizations/new/",
        {"name": "新数据商", "name_en": "New Merchant", "code": "new-merchant", "kind": "merchant"},
    )
    organization = Organization.objects.get(code="new-merchant")
    assert response.status_code == 302
    assert response["Location"] == f"/console/organizations/{organization.pk}/"
    created = events("organization.create").get(target_id=str(organization.pk))
    assert created.actor_id == str(regulator.pk)
    admin_web.post(
        f"/console/organizations/{organization.pk}/edit/",
        {"name": "新数据商有限公司", "name_en": "New Merchant", "code": "new-merchant",
         "kind": "merchant"},
    )  # fmt: skip
    organization.refresh_from_db()
    assert organization.name == "新数据商有限公司"
    assert events("organization.update").filter(target_id=str(organization.pk)).exists()


def test_a_taken_code_is_shown_on_the_form_and_nothing_is_written(admin_web, merchant):
    response = admin_web.post(
        "/console/organizations/new/",
        {"name": "重复", "code": merchant.organization.code, "kind": "merchant"},
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Organization.objects.filter(name="重复").exists()


def test_deactivating_an_organization_signs_its_people_out_and_is_audited(admin_web, merchant, web):
    from django.test import Client

    merchant_web = login_web(Client(), merchant)
    admin_web.post(f"/console/organizations/{merchant.organization_id}/active/", {"active": "0"})
    assert not Organization.objects.get(pk=merchant.organization_id).is_active
    assert events("organization.update").filter(target_id=str(merchant.organization_id)).exists()
    # the open session no longer counts, and signing in again is refused
    assert merchant_web.get("/portal/").status_code == 302
    refused = Client().post("/accounts/login/", {"username": "merchant", "password": PASSWORD})
    assert refused.status_code == 200
    # reactivation lets them back in
    admin_web.post(f"/console/organizations/{merchant.organization_id}/active/", {"active": "1"})
    login_web(Client(), merchant)


def test_an_admin_cannot_deactivate_their_own_organization(admin_web, regulator):
    admin_web.post(f"/console/organizations/{regulator.organization_id}/active/", {"active": "0"})
    assert Organization.objects.get(pk=regulator.organization_id).is_active
    assert AuditEvent.objects.filter(outcome="denied", reason="own_organization").exists()


def test_an_admin_adds_a_user_with_a_role_who_is_mailed_a_set_password_link(
    admin_web, regulator, merchant
):
    response = admin_web.post(
        f"/console/organizations/{merchant.organization_id}/users/",
        {"username": "new-reviewer", "email": "rev@merchant.example.com", "role": "reviewer"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new-reviewer")
    assert user.organization_id == merchant.organization_id and user.role == Role.REVIEWER
    assert not user.has_usable_password()
    assert events("user.create").filter(target_id=str(user.pk)).exists()
    assert events("membership.create").filter(actor_id=str(regulator.pk)).exists()
    mail = OutboxItem.objects.get(topic="mail.send")
    assert mail.payload["to"] == ["rev@merchant.example.com"]
    # in both languages, whatever the admin's pages were in
    assert mail.payload["subject"].endswith(" / Your account")
    assert "Choose your password here" in mail.payload["body"]
    assert mail.payload["body"].startswith("已在")
    link = re.search(r"/accounts/password/reset/\S+", mail.payload["body"]).group(0)
    # the link lets them choose a password
    from django.test import Client

    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Xy7!long-pass", "new_password2": "Xy7!long-pass"},
    )
    user.refresh_from_db()
    assert user.check_password("Xy7!long-pass")


@pytest.mark.parametrize("email", ["a@\u00ad.com", "a@\u3002x.com"])
def test_an_address_the_mail_cannot_be_written_to_is_refused_on_the_form(
    admin_web, merchant, email
):
    """Django's EmailValidator takes these, whose domain IDNA cannot encode (an empty
    label): the invitation failed in the worker at each attempt (UnicodeError)."""
    response = admin_web.post(
        f"/console/organizations/{merchant.organization_id}/users/",
        {"username": "bad-mail", "email": email, "role": "member"},
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert not User.objects.filter(username="bad-mail").exists()
    assert not OutboxItem.objects.filter(topic="mail.send").exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="email_invalid").exists()


def test_a_taken_username_is_refused_on_the_form(admin_web, merchant):
    response = admin_web.post(
        f"/console/organizations/{merchant.organization_id}/users/",
        {"username": "merchant", "email": "x@example.com", "role": "member"},
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_an_admin_changes_a_role_and_deactivates_a_user(admin_web, merchant):
    admin_web.post(f"/console/users/{merchant.pk}/role/", {"role": "member"})
    merchant.refresh_from_db()
    assert User.objects.get(pk=merchant.pk).role == Role.MEMBER
    change = events("membership.update").get()
    assert '"role"' in change.changes
    admin_web.post(f"/console/users/{merchant.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=merchant.pk).is_active
    assert events("user.update").filter(target_id=str(merchant.pk)).exists()


def test_an_admin_cannot_lock_themselves_out(admin_web, regulator):
    admin_web.post(f"/console/users/{regulator.pk}/role/", {"role": "member"})
    admin_web.post(f"/console/users/{regulator.pk}/active/", {"active": "0"})
    me = User.objects.get(pk=regulator.pk)
    assert me.role == Role.ADMIN and me.is_active


@pytest.fixture
def regulator_reviewer(regulator):
    return member(
        OrganizationKind.REGULATOR,
        role=Role.REVIEWER,
        organization=regulator.organization,
        username="regulator_reviewer",
    )


def test_other_regulators_read_but_may_not_change(web, regulator_reviewer, merchant):
    from tests.factories import totp_device

    totp_device(regulator_reviewer)
    login_web(web, regulator_reviewer)
    org = merchant.organization_id
    assert web.get("/console/organizations/").status_code == 200
    page = web.get(f"/console/organizations/{org}/").content.decode()
    assert "merchant" in page and 'id="member-create"' not in page
    assert web.get("/console/organizations/new/").status_code == 403
    assert web.post(f"/console/organizations/{org}/active/", {"active": "0"}).status_code == 403
    assert web.post(f"/console/users/{merchant.pk}/role/", {"role": "member"}).status_code == 403
    assert web.post(f"/console/users/{merchant.pk}/active/", {"active": "0"}).status_code == 403
    assert Organization.objects.get(pk=org).is_active
    assert AuditEvent.objects.filter(outcome="denied", actor_id=str(regulator_reviewer.pk)).exists()


@pytest.mark.parametrize("persona", ["operator_admin", "merchant", "outsider"])
def test_outsiders_are_refused_every_organization_page(web, request, persona, merchant):
    user = request.getfixturevalue(persona)
    login_web(web, user)
    org = user.organization_id
    assert web.get("/console/organizations/").status_code == 403
    assert web.get(f"/console/organizations/{org}/").status_code == 403
    assert web.post("/console/organizations/new/", {"name": "x"}).status_code == 403
    assert web.post(f"/console/organizations/{org}/users/", {"username": "x"}).status_code == 403
    assert web.post(f"/console/users/{user.pk}/role/", {"role": "member"}).status_code == 403
    assert web.post(f"/console/users/{merchant.pk}/active/", {"active": "0"}).status_code == 403
    assert User.objects.get(pk=merchant.pk).is_active
    assert not User.objects.filter(username="x").exists()


def test_anonymous_visitors_are_sent_to_sign_in(web):
    assert web.get("/console/organizations/").status_code == 302
    assert web.post("/console/users/1/active/", {"active": "0"}).status_code == 302
