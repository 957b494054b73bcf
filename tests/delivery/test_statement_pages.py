"""Statements and usage as each party reads them: the API (GET /api/v1/statements/,
/api/v1/grants/{id}/usage/) and the portal and console pages; outsiders get nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.delivery.models import Statement, UsageDay
from apps.delivery.statements import statements_refresh_current
from tests.conftest import api_for, login_web
from tests.delivery.billing import use

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(grant):
    """The merchant's grant (0.50 per call) with 6 calls today, and 4 two days ago."""
    use(grant, calls=6, rows_each=10)
    UsageDay.objects.create(
        grant=grant, day=timezone.localdate() - timedelta(days=2), calls=4, rows=8, bytes=9
    )
    statements_refresh_current()
    return grant


def web_for(user) -> Client:
    return login_web(Client(), user)


def test_the_merchant_lists_its_statements_through_the_api(billed, merchant):
    body = api_for(merchant).get("/api/v1/statements/").json()
    (statement,) = body["results"]
    assert statement["product"] == billed.product_id
    assert statement["month"] == timezone.localdate().strftime("%Y-%m")
    # 10 calls, or 6 on the 1st and 2nd of a month (the other 4 were last month's)
    assert statement["calls"] == billed_calls(billed) and statement["status"] == "provisional"
    assert Decimal(statement["amount"]) == Decimal("0.50") * statement["calls"]
    assert statement["lines"][0]["grant"] == billed.pk


def test_another_merchant_sees_no_statement_and_not_this_one(billed, outsider):
    client = api_for(outsider)
    assert client.get("/api/v1/statements/").json()["results"] == []
    statement = Statement.objects.get()
    response = client.get(f"/api/v1/statements/{statement.pk}/")
    assert response.status_code == 404


def test_anonymous_callers_get_401(billed):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/statements/").status_code == 401
    assert APIClient().get(f"/api/v1/grants/{billed.pk}/usage/").status_code == 401


def test_the_operator_and_the_regulator_read_the_statements_of_the_product(
    billed, operator_admin, regulator, provider
):
    assert len(api_for(operator_admin).get("/api/v1/statements/").json()["results"]) == 1
    assert len(api_for(regulator).get("/api/v1/statements/").json()["results"]) == 1
    assert api_for(provider).get("/api/v1/statements/").json()["results"] == []


def test_a_bad_month_or_window_is_a_400_with_a_code(billed, merchant):
    client = api_for(merchant)
    response = client.get("/api/v1/statements/?month=2026-13")
    assert response.status_code == 400 and "code" in response.json()
    response = client.get(f"/api/v1/grants/{billed.pk}/usage/?days=0")
    assert response.status_code == 400 and "code" in response.json()
    assert client.get("/api/v1/statements/?month=2001-01").json()["results"] == []
    for hostile in ("product=abc", "product=99999999999999999999999", "cursor=%00junk"):
        response = client.get(f"/api/v1/statements/?{hostile}")
        assert response.status_code == 400 and response.json()["code"], hostile
    assert client.get("/api/v1/grants/99999999999999999999/usage/").status_code == 404


def test_the_usage_series_has_every_day_of_the_window_with_the_quota(billed, merchant):
    body = api_for(merchant).get(f"/api/v1/grants/{billed.pk}/usage/?days=7").json()
    assert body["calls_per_day"] == billed.calls_per_day
    assert [d["calls"] for d in body["days"]] == [0, 0, 0, 0, 4, 0, 6]
    assert body["days"][-1]["day"] == timezone.localdate().isoformat()


def test_usage_is_hidden_from_outsiders_and_refused_to_the_provider(billed, outsider, provider):
    assert api_for(outsider).get(f"/api/v1/grants/{billed.pk}/usage/").status_code == 404
    assert api_for(provider).get(f"/api/v1/grants/{billed.pk}/usage/").status_code == 403


def test_the_list_answers_in_few_queries(billed, merchant, django_assert_max_num_queries):
    client = api_for(merchant)
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/statements/").status_code == 200


def test_the_merchants_usage_page_has_the_chart_data_and_the_table(billed, merchant):
    page = web_for(merchant).get(f"/portal/grants/{billed.pk}/usage/?days=7")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="usage-chart"' in html and "usage-chart.js" in html
    assert 'id="usage-days"' in html and "<script>" not in html  # CSP: no inline script
    detail = web_for(merchant).get(f"/portal/grants/{billed.pk}/").content.decode()
    assert f"/portal/grants/{billed.pk}/usage/" in detail


def test_the_portal_statement_pages(billed, merchant, outsider):
    statement = Statement.objects.get()
    client = web_for(merchant)
    listing = client.get("/portal/statements/").content.decode()
    assert f"/portal/statements/{statement.pk}/" in listing
    detail = client.get(f"/portal/statements/{statement.pk}/")
    assert detail.status_code == 200 and billed.number in detail.content.decode()
    assert web_for(outsider).get(f"/portal/statements/{statement.pk}/").status_code == 404
    assert web_for(outsider).get(f"/portal/grants/{billed.pk}/usage/").status_code == 404


def test_the_operator_sees_its_revenue_against_the_cap(billed, operator_admin):
    html = web_for(operator_admin).get("/portal/statements/").content.decode()
    assert 'id="revenue"' in html and billed.product.agreement.number in html


def test_the_console_shows_every_statement_and_recomputes_on_demand(billed, regulator, merchant):
    client = web_for(regulator)
    assert client.get("/console/statements/").status_code == 200
    use(billed, calls=2)
    assert client.post("/console/statements/refresh/").status_code == 302
    assert Statement.objects.get().calls == billed_calls(billed)
    assert web_for(merchant).get("/console/statements/").status_code == 403


def billed_calls(grant) -> int:
    month = timezone.localdate().replace(day=1)
    return sum(u.calls for u in UsageDay.objects.filter(grant=grant, day__gte=month))


def test_the_console_leak_page_is_the_regulators_and_refuses_a_big_file(
    billed, regulator, merchant, settings
):
    settings.DELIVERY_LEAK_MAX_BYTES = 100
    client = web_for(regulator)
    assert client.get("/console/leaks/").status_code == 200
    big = SimpleUploadedFile("leak.csv", b"credit_code\n" + b"x\n" * 200)
    page = client.post("/console/leaks/", {"file": big})
    assert page.status_code == 200 and 'id="ranking"' not in page.content.decode()
    assert web_for(merchant).get("/console/leaks/").status_code == 403


def test_the_regulator_uploads_a_leaked_csv_and_sees_the_grant_named(key_client, grant, regulator):
    # given a page the grant's key was served as CSV, leaked as it was downloaded
    served = key_client.get(
        f"/api/v1/grants/{grant.pk}/records/?page_size=1000", HTTP_ACCEPT="text/csv"
    )
    assert served.status_code == 200
    # when the regulator uploads it
    leaked = SimpleUploadedFile("leak.csv", served.content, content_type="text/csv")
    page = web_for(regulator).post("/console/leaks/", {"file": leaked})
    # then the grant is named, and the trace is audited
    html = page.content.decode()
    assert page.status_code == 200 and 'id="ranking"' in html
    assert grant.number in html.split('id="verdict"')[1].split("</p>")[0]
    assert AuditEvent.objects.filter(action="delivery.leak.trace", actor_id=str(regulator.pk))


def test_a_damaged_upload_is_a_form_error_not_a_crash(grant, regulator):
    leaked = SimpleUploadedFile("leak.parquet", b"PAR1 broken")
    page = web_for(regulator).post("/console/leaks/", {"file": leaked})
    assert page.status_code == 200
    assert "Parquet" in page.content.decode() or "Parquet" in str(page.context["form"].errors)


def test_the_beat_tasks_close_the_previous_month_and_refresh_the_current_one(billed):
    from apps.delivery import tasks
    from apps.delivery.statements import next_month, previous_month

    assert tasks.statements_refresh() == {"statements": 1}
    last_month = previous_month(timezone.localdate())
    UsageDay.objects.create(grant=billed, day=last_month, calls=3)  # its 1st
    assert tasks.statements_close() == {"statements": 1}
    closed = Statement.objects.get(status="final")
    assert closed.month == last_month
    in_month = UsageDay.objects.filter(
        grant=billed, day__gte=last_month, day__lt=next_month(last_month)
    )
    assert closed.calls == sum(u.calls for u in in_month)  # 3, and 4 when 2 days ago was in it


def test_the_demo_grant_has_use_and_a_statement_and_seeding_twice_adds_nothing(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.OPERATORS_FILES_DIR = tmp_path
    for _ in range(2):
        call_command("seed_demo", force=True, stdout=StringIO())
    (day,) = UsageDay.objects.all()
    assert (day.calls, day.rows) == (12, 480)
    (statement,) = Statement.objects.all()
    assert statement.calls == 12 and statement.merchant_id == day.grant.merchant_id
