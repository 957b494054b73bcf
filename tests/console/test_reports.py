"""Supervision reports: a regulator asks for a month or a year, a worker writes the XLSX
and the PDF from the database's figures, the page shows progress and then the report;
only regulators reach any of it, and requests and downloads are audited."""

import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.audit.models import AuditEvent
from apps.delivery.models import UsageDay
from apps.grants.models import AccessApplication, Grant
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_run
from tests.conftest import login_web
from tests.grants.conftest import grant  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the files of these tests go with them


def _this_month() -> dict:
    today = timezone.localdate()
    return {"kind": "monthly", "year": today.year, "month": today.month}


def _request(web, **data):
    response = web.post("/console/reports/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return OutboxItem.objects.filter(topic="console.report").latest("pk")


def _sheet(book, key: str):
    return next(book[name] for name in book.sheetnames if name.endswith(f" {key}"))


def _values(sheet) -> dict:
    return {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_a_monthly_report_is_written_from_the_databases_figures(web, regulator, grant):  # noqa: F811
    # given deliveries on the grant this month, and one in an earlier year
    today = timezone.localdate()
    UsageDay.objects.create(grant=grant, day=today.replace(day=1), calls=7, rows=70, bytes=700)
    UsageDay.objects.create(grant=grant, day=today, calls=5, rows=50, bytes=500)
    UsageDay.objects.create(grant=grant, day=date(2001, 1, 1), calls=1000, rows=1, bytes=1)
    login_web(web, regulator)

    # when the regulator asks for this month's report and a worker writes it
    item = _request(web, **_this_month())
    assert web.get(f"/console/reports/{item.pk}/").status_code == 200  # the progress page
    outbox_run(item.pk)
    item.refresh_from_db()
    assert item.status == "done" and item.progress == 1.0

    # then the workbook holds the figures of the database
    response = web.get(f"/console/reports/{item.pk}/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    deliveries = _values(_sheet(book, "deliveries"))
    assert deliveries["全部数据产品"] == (12, 120, 1200)
    assert deliveries[grant.product.name] == (12, 120, 1200)
    grants = _values(_sheet(book, "grants"))
    assert grants["期内有效"] == (Grant.objects.count(),)
    assert grants["新签发"] == (1,)
    applications = _values(_sheet(book, "applications"))
    approved = AccessApplication.objects.filter(status="approved").count()
    assert applications["通过"] == (approved,)
    assert "核心数据" in _values(_sheet(book, "resources"))

    # and the PDF is a PDF whose text is the report, in Chinese
    pdf = web.get(f"/console/reports/{item.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"月度监管报告 {today.year}-{today.month:02d}" in text
    assert "审计链" in text

    # and the page shows the report; requests and downloads are audited
    page = web.get(f"/console/reports/{item.pk}/").content.decode()
    assert "report-deliveries" in page and "1,200" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"console.report.request", "console.report.generate"} <= actions
    downloads = AuditEvent.objects.filter(action="console.report.download")
    assert downloads.count() == 2


def test_an_annual_report_counts_only_its_year(web, regulator, grant):  # noqa: F811
    UsageDay.objects.create(grant=grant, day=date(2001, 3, 1), calls=9, rows=9, bytes=9)
    UsageDay.objects.create(grant=grant, day=timezone.localdate(), calls=5, rows=5, bytes=5)
    login_web(web, regulator)
    item = _request(web, kind="annual", year=2001)
    outbox_run(item.pk)
    book = load_workbook(io.BytesIO(web.get(f"/console/reports/{item.pk}/xlsx/").content))
    assert _values(_sheet(book, "deliveries"))["全部数据产品"] == (9, 9, 9)
    assert _values(_sheet(book, "grants"))["新签发"] == (0,)


def test_a_monthly_report_needs_its_month_and_a_sane_year(web, regulator):
    login_web(web, regulator)
    for data in (
        {"kind": "monthly", "year": 2026},
        {"kind": "monthly", "year": 2026, "month": 13},
        {"kind": "annual", "year": 99999},
        {"kind": "annual", "year": "二〇二六"},
        {"kind": "weekly", "year": 2026},
    ):
        response = web.post("/console/reports/", data)
        assert response.status_code == 200
        assert "has-error" in response.content.decode()
    assert not OutboxItem.objects.filter(topic="console.report").exists()


@pytest.mark.parametrize("persona", ["provider", "operator_admin", "merchant", "outsider"])
def test_only_regulators_reach_reports(web, regulator, persona, request):
    login_web(web, regulator)
    item = _request(web, kind="annual", year=2001)
    outbox_run(item.pk)
    web.logout()
    login_web(web, request.getfixturevalue(persona))
    for url in (
        "/console/reports/",
        f"/console/reports/{item.pk}/",
        f"/console/reports/{item.pk}/xlsx/",
        f"/console/reports/{item.pk}/pdf/",
    ):
        assert web.get(url).status_code == 403, url
    assert web.post("/console/reports/", {"kind": "annual", "year": 2001}).status_code == 403
    assert OutboxItem.objects.filter(topic="console.report").count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(web):
    assert web.get("/console/reports/").status_code == 302
    assert web.get("/console/reports/1/pdf/").status_code == 302


def test_an_unknown_format_or_job_is_not_found(web, regulator):
    login_web(web, regulator)
    item = _request(web, kind="annual", year=2001)
    assert web.get(f"/console/reports/{item.pk}/pdf/").status_code == 404  # not written yet
    outbox_run(item.pk)
    assert web.get(f"/console/reports/{item.pk}/docx/").status_code == 404
    assert web.get("/console/reports/999999/pdf/").status_code == 404
