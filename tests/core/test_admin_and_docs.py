import re

import pytest

from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def test_staff_who_are_not_superusers_cannot_use_django_admin(web, operator_admin):
    operator_admin.is_staff = True
    operator_admin.save()
    login_web(web, operator_admin)
    response = web.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/api-keys/" in schema["paths"]


def test_the_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page[:300]
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets


def test_the_seed_is_idempotent(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from apps.accounts.models import ApiKey, Organization, User
    from apps.catalog.models import DataResource

    call_command("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), ApiKey.objects.count())
    call_command("seed_demo")
    assert (Organization.objects.count(), User.objects.count(), ApiKey.objects.count()) == counts
    assert counts[0] == 8
    assert (
        DataResource.objects.filter(status="registered", current_version__isnull=False).count() == 4
    )
    assert set(Organization.objects.values_list("kind", flat=True)) == {
        "regulator",
        "provider",
        "operator",
        "merchant",
    }


def test_the_openapi_schema_is_valid_and_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
