"""The portal home of each role shows that person's to-dos, counted from what they may
see and linked to the list behind each, and the facts they come back for."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from apps.catalog.choices import IngestStatus
from apps.catalog.models import DatasetUpload
from apps.delivery.models import UsageDay
from apps.grants import applications as apps_services
from tests.grants.conftest import application_data, issued

pytestmark = pytest.mark.django_db


def home(client, user) -> BeautifulSoup:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def todo(page, key) -> tuple[int, str | None]:
    item = page.select_one(f"#todo-{key}")
    link = item.find("a")
    return int(item.select_one(".todo-count").text), link["href"] if link else None


def test_merchant_sees_open_applications_grants_and_todays_use(
    client, listed, merchant, operator_admin, outsider
):
    grant = issued(listed, merchant, operator_admin)
    apps_services.application_create(user=merchant, data=application_data(listed))
    UsageDay.objects.create(grant=grant, day=timezone.localdate(), calls=7, rows=1234)

    page = home(client, merchant)
    count, url = todo(page, "drafts")
    assert count == 1 and url == reverse("portal:applications") + "?status=draft"
    assert todo(page, "changes_requested")[0] == 0
    usage = page.select_one("#home-usage").get_text(" ", strip=True)
    assert grant.number in usage
    assert f"7 / {grant.calls_per_day:,}" in usage and f"1,234 / {grant.rows_per_day:,}" in usage
    assert page.select_one("#home-applications a")["href"].startswith("/portal/applications/")

    # Another merchant sees none of it.
    other = home(client, outsider)
    assert todo(other, "drafts")[0] == 0
    assert grant.number not in other.get_text()


def test_merchant_grant_ending_soon_is_an_urgent_todo(client, listed, merchant, operator_admin):
    grant = issued(listed, merchant, operator_admin)
    grant.ends_at = timezone.now() + timedelta(days=5)
    grant.save(update_fields=["ends_at"])
    page = home(client, merchant)
    assert todo(page, "grants_ending")[0] == 1
    assert "urgent" in page.select_one("#todo-grants_ending")["class"]


def test_provider_sees_drafts_expiring_registrations_and_failed_uploads(
    client, resources, provider, outsider
):
    first = resources[0]
    first.expires_at = timezone.now() + timedelta(days=10)
    first.save(update_fields=["expires_at"])
    DatasetUpload.objects.create(
        resource=first,
        file_path="x.csv",
        original_name="企业名录.csv",
        size_bytes=10,
        status=IngestStatus.FAILED,
        uploaded_by=provider,
    )

    page = home(client, provider)
    assert todo(page, "expiring")[0] == 1
    assert todo(page, "uploads_failed")[0] == 1
    assert "企业名录.csv" in page.select_one("#failed-uploads").get_text()
    count, url = todo(page, "drafts")
    assert count == 0 and "status=draft" in url and "status=returned" in url

    # The link filters the provider's list.
    client.force_login(provider)
    listing = client.get(reverse("portal:resources"), {"status": "registered"})
    assert listing.status_code == 200 and first.name in listing.content.decode()
    listing = client.get(reverse("portal:resources"), {"status": "draft"})
    assert first.name not in listing.content.decode()
    # A value that is no status filters nothing and breaks nothing.
    listing = client.get(reverse("portal:resources"), {"status": "<script>"})
    assert listing.status_code == 200 and first.name in listing.content.decode()


def test_operator_sees_agreements_products_and_waiting_reviews(
    client, listed, merchant, operator_admin
):
    from tests.grants.conftest import run_checks, submitted

    application = submitted(listed, merchant)
    run_checks(application)
    page = home(client, operator_admin)
    assert todo(page, "my_reviews")[0] == 1
    agreements = page.select_one("#home-agreements").get_text(" ", strip=True)
    assert listed.agreement.get_status_display() in agreements
    products = page.select_one("#home-products").get_text(" ", strip=True)
    assert "1 " in products


def test_the_operators_applications_in_progress_lead_to_exactly_those(
    client, listed, merchant, operator_admin
):
    from tests.grants.conftest import run_checks, submitted

    approved = issued(listed, merchant, operator_admin).application
    waiting = submitted(listed, merchant)
    run_checks(waiting)
    count, url = todo(home(client, operator_admin), "changes")
    assert count == 1 and "status=in_review" in url and "status=changes_requested" in url
    listing = BeautifulSoup(client.get(url).content, "html.parser")
    links = {a["href"] for a in listing.select("#applications tbody a")}
    assert links == {reverse("portal:application_detail", args=[waiting.pk])}
    assert approved.pk != waiting.pk
    assert listing.select_one("#status-filter") is not None
    # one status still goes through the form; junk is ignored
    one = client.get(reverse("portal:applications"), {"status": ["approved", "<x>"]})
    assert f"/portal/applications/{approved.pk}/" in one.content.decode()


def test_the_operators_product_counts_lead_to_the_products_in_that_status(
    client, listed, operator_admin
):
    page = home(client, operator_admin)
    link = page.select_one("#home-products a[href$='?status=listed']")
    assert link.select_one(".headline-value").text == "1"
    listing = client.get(link["href"]).content.decode()
    assert listed.name in listing and 'id="status-filter"' in listing
    assert (
        listed.name
        not in client.get(reverse("portal:products"), {"status": "draft"}).content.decode()
    )
    everything = client.get(reverse("portal:products"), {"status": "<x>"})
    assert everything.status_code == 200 and listed.name in everything.content.decode()


def test_operator_home_shows_revenue_against_the_cap_and_merchant_home_its_statements(
    client, listed, merchant, operator_admin
):
    from decimal import Decimal

    from apps.delivery.statements import statements_refresh_current
    from apps.operators.models import AuthorizationAgreement
    from tests.delivery.billing import use

    agreement = listed.agreement
    AuthorizationAgreement.objects.filter(pk=agreement.pk).update(max_revenue=Decimal("20.00"))
    use(issued(listed, merchant, operator_admin), calls=34)  # 34 x 0.50 = 17.00: 85 %
    statements_refresh_current()

    revenue = home(client, operator_admin).select_one(f"#revenue-{agreement.pk}")
    text = revenue.get_text(" ", strip=True)
    assert "17" in text and "20" in text and "85%" in text
    assert "revenue-warning" in str(revenue)

    statements = home(client, merchant).select_one("#home-statements")
    assert listed.name in statements.get_text() and "17" in statements.get_text()
    assert statements.select_one("a")["href"].startswith("/portal/statements/")
