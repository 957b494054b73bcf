import pytest

from apps.accounts import services
from apps.accounts.models import ApiKey
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(web):
    for url in ["/portal/", "/portal/api-keys/", "/console/", "/console/organizations/"]:
        response = web.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_the_portal_shows_the_users_organization_and_role(web, operator_admin):
    login_web(web, operator_admin)
    page = web.get("/portal/").content.decode()
    assert operator_admin.organization.name in page
    assert "管理员" in page


def test_navigation_depends_on_the_role(web, operator_admin):
    login_web(web, operator_admin)
    page = web.get("/portal/").content.decode()
    assert 'href="/portal/api-keys/"' in page
    assert 'href="/console/"' not in page


def test_an_admin_creates_a_key_and_sees_the_secret_exactly_once(web, merchant):
    login_web(web, merchant)
    response = web.post(
        "/portal/api-keys/",
        {"name": "nightly", "expires_in_days": 30, "allowed_ips": "203.0.113.7"},
    )
    key = ApiKey.objects.get(name="nightly")
    page = response.content.decode()
    assert f"pdp_{key.prefix}_" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert f"pdp_{key.prefix}_" not in web.get("/portal/api-keys/").content.decode()
    assert key.allowed_ips == ["203.0.113.7/32"]


def test_bad_key_input_gets_form_errors_and_creates_nothing(web, merchant, settings):
    login_web(web, merchant)
    too_long = web.post(
        "/portal/api-keys/", {"name": "x", "expires_in_days": settings.API_KEY_MAX_DAYS + 1}
    )
    assert "expires_in_days" in too_long.context["form"].errors
    bad_ip = web.post(
        "/portal/api-keys/", {"name": "x", "expires_in_days": 5, "allowed_ips": "999.1.1.1"}
    )
    assert "allowed_ips" in bad_ip.context["form"].errors
    assert not ApiKey.objects.exists()


def test_a_member_sees_keys_but_cannot_create_or_revoke(web, operator_admin, operator_member):
    key, _ = services.api_key_create(
        organization=operator_admin.organization, created_by=operator_admin, name="shared"
    )
    login_web(web, operator_member)
    page = web.get("/portal/api-keys/").content.decode()
    assert "shared" in page and "Create key" not in page and "创建密钥" not in page
    response = web.post("/portal/api-keys/", {"name": "sneaky", "expires_in_days": 5})
    assert response.context["form"].errors
    assert web.post(f"/portal/api-keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_an_admin_revokes_a_key_from_the_portal(web, merchant):
    key, _ = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    login_web(web, merchant)
    web.post(f"/portal/api-keys/{key.pk}/revoke/", {"reason": "rotation"})
    key.refresh_from_db()
    assert key.status == "revoked" and key.revoke_reason == "rotation"


def test_an_outsider_cannot_see_or_revoke_another_organizations_key(web, merchant, outsider):
    key, _ = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="secret-name"
    )
    login_web(web, outsider)
    assert "secret-name" not in web.get("/portal/api-keys/").content.decode()
    assert web.post(f"/portal/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_only_the_current_section_is_marked_in_the_navigation(web, provider):
    login_web(web, provider)
    page = web.get("/portal/resources/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/portal/resources/" aria-current="page"' in page
