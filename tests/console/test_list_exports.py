"""Console lists sort by their column headers and export what they show: the same
filters and order, as CSV (formulas neutralized) or XLSX, capped, each export audited;
only regulators export."""

import codecs
import csv
import io
import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from openpyxl import load_workbook

from apps.accounts.models import Organization
from apps.audit.models import AuditEvent
from tests.conftest import login_web
from tests.grants.conftest import grant  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

LISTS = [
    "/console/organizations/",
    "/console/operators/",
    "/console/agreements/",
    "/console/registrations/",
    "/console/applications/list/",
    "/console/applications/?queue=all",
    "/console/grants/",
    "/console/audit/",
    "/console/uploads/",
    "/console/alerts/",
]


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    # A download for people: the BOM makes Excel read the Chinese as UTF-8.
    assert body.startswith(codecs.BOM_UTF8) and not body.startswith(codecs.BOM_UTF8 * 2)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def orgs(regulator):
    for name, code in (("乙公司", "b-co"), ("甲公司", "a-co"), ("=HYPERLINK(1)", "evil")):
        Organization.objects.create(name=name, code=code, kind="merchant")


def test_an_export_keeps_the_filters_and_the_order(web, regulator, orgs):
    login_web(web, regulator)
    response = web.get("/console/organizations/?kind=merchant&q=公司&ordering=-code&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows[0]) == 6  # the header: the list's columns
    assert [row[2] for row in rows[1:]] == ["b-co", "a-co"]
    ascending = _csv(
        web.get("/console/organizations/?kind=merchant&q=公司&ordering=code&export=csv")
    )
    assert [row[2] for row in ascending[1:]] == ["a-co", "b-co"]


def test_a_formula_in_a_cell_is_neutralized_in_csv_and_xlsx(web, regulator, orgs):
    login_web(web, regulator)
    rows = _csv(web.get("/console/organizations/?q=HYPERLINK&export=csv"))
    assert rows[1][0] == "'=HYPERLINK(1)"
    response = web.get("/console/organizations/?q=HYPERLINK&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "'=HYPERLINK(1)" and cell.data_type == "s"


def test_a_control_character_in_a_cell_is_written_to_xlsx_not_a_500(web, regulator):
    """A name holding a control character (stored before the forms refused them:
    apps.core.controls) is text a worksheet cannot hold: openpyxl raised
    IllegalCharacterError, and every XLSX export of the list was a 500. It is written as
    `?`; the CSV keeps it."""
    login_web(web, regulator)
    form = {"name": "控制\x1b[31m公司\x07", "name_en": "", "code": "ctl-co", "kind": "merchant"}
    assert web.post("/console/organizations/new/", form).status_code == 200  # refused
    Organization.objects.create(**form)
    response = web.get("/console/organizations/?q=控制&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "控制?[31m公司?"
    assert _csv(web.get("/console/organizations/?q=控制&export=csv"))[1][0] == form["name"]


def test_an_export_is_audited_with_its_filters(web, regulator, orgs):
    login_web(web, regulator)
    web.get("/console/organizations/?kind=merchant&ordering=name&export=xlsx")
    event = AuditEvent.objects.get(action="console.export")
    assert event.actor_id == str(regulator.pk)
    assert '"list":"organizations"' in event.data.replace(" ", "")
    assert "kind=merchant" in event.data and "ordering=name" in event.data


@pytest.mark.parametrize("url", LISTS)
def test_a_head_request_exports_nothing_and_records_no_export(web, regulator, url):
    login_web(web, regulator)
    joiner = "&" if "?" in url else "?"
    assert web.head(f"{url}{joiner}export=csv").status_code == 405
    assert web.head(url).status_code == 200  # the list itself still answers a HEAD
    assert not AuditEvent.objects.filter(action="console.export").exists()


def test_an_export_is_capped(web, regulator, orgs, settings):
    settings.EXPORT_LIMIT = 2
    login_web(web, regulator)
    rows = _csv(web.get("/console/organizations/?ordering=code&export=csv"))
    assert len(rows) == 3  # the header and two rows
    assert '"truncated":true' in AuditEvent.objects.get(action="console.export").data.replace(
        " ", ""
    )


def test_headers_sort_and_keep_the_filters(web, regulator, orgs):
    login_web(web, regulator)
    page = web.get("/console/organizations/?kind=merchant&ordering=code").content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?kind=merchant&amp;ordering=-code" in page  # the header turns the order round
    assert page.index("<td>a-co</td>") < page.index("<td>b-co</td>")
    assert 'name="ordering" value="code"' in page  # the filter form keeps the order
    assert "?kind=merchant&amp;ordering=code&amp;export=csv" in page
    page = web.get("/console/organizations/?kind=merchant&ordering=-code").content.decode()
    assert page.index("<td>b-co</td>") < page.index("<td>a-co</td>")


def test_an_unknown_ordering_falls_back_to_the_default(web, regulator, orgs):
    login_web(web, regulator)
    for bad in ("password", "-members__x", "';drop", "name,code"):
        assert web.get(f"/console/organizations/?ordering={bad}").status_code == 200


def test_the_grant_list_exports_the_grants_of_its_filter(web, regulator, grant):  # noqa: F811
    login_web(web, regulator)
    rows = _csv(web.get("/console/grants/?status=active&ordering=number&export=csv"))
    assert [row[0] for row in rows[1:]] == [grant.number]
    rows = _csv(web.get("/console/grants/?status=revoked&export=csv"))
    assert rows[1:] == []


@pytest.mark.parametrize("url", LISTS)
def test_every_console_list_sorts_and_exports(web, regulator, grant, url):  # noqa: F811
    login_web(web, regulator)
    page = web.get(url).content.decode()
    assert 'class="sort' in page and "export=xlsx" in page, url
    join = "&" if "?" in url else "?"
    response = web.get(f"{url}{join}export=csv")
    assert response.status_code == 200 and len(_csv(response)) >= 1
    xlsx = web.get(f"{url}{join}export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("persona", ["provider", "operator_admin", "merchant", "outsider"])
def test_only_regulators_export_console_lists(web, persona, request):
    login_web(web, request.getfixturevalue(persona))
    for url in LISTS:
        join = "&" if "?" in url else "?"
        assert web.get(f"{url}{join}export=csv").status_code == 403, url
    assert not AuditEvent.objects.filter(action="console.export").exists()


def test_anonymous_visitors_cannot_export(web):
    assert web.get("/console/organizations/?export=csv").status_code == 302


def test_the_upload_list_filters_sorts_and_exports(web, regulator, provider, resources):
    from apps.catalog.models import DatasetUpload

    for name, status, size in (("a.csv", "failed", 30), ("b.csv", "succeeded", 10)):
        DatasetUpload.objects.create(
            resource=resources[0], file_path="/x", original_name=name, size_bytes=size,
            status=status, uploaded_by=provider,
        )  # fmt: skip
    DatasetUpload.objects.create(
        resource=resources[1], file_path="/x", original_name="c.csv", size_bytes=20,
        status="failed", uploaded_by=provider,
    )  # fmt: skip
    login_web(web, regulator)
    rows = _csv(web.get("/console/uploads/?status=failed&ordering=-size&export=csv"))
    assert [row[1] for row in rows[1:]] == ["a.csv", "c.csv"]
    rows = _csv(web.get(f"/console/uploads/?q={resources[1].name}&export=csv"))
    assert [row[1] for row in rows[1:]] == ["c.csv"]
    page = web.get("/console/uploads/?ordering=size").content.decode()
    assert page.index("b.csv") < page.index("c.csv") < page.index("a.csv")


def test_the_audit_log_sorts_by_action_on_numbered_pages(web, regulator, orgs):
    login_web(web, regulator)
    web.get("/console/organizations/?export=csv")  # one console.export event
    page = web.get("/console/audit/?ordering=action").content.decode()
    assert 'aria-sort="ascending"' in page and "console.export" in page
    rows = _csv(web.get("/console/audit/?action=console.export&export=csv"))
    # the earlier export, and this one (recorded before its rows stream)
    assert [row[4] for row in rows[1:]] == ["console.export", "console.export"]


def test_an_export_reads_a_constant_number_of_queries(
    web, regulator, django_assert_max_num_queries
):
    login_web(web, regulator)
    for n in range(40):
        Organization.objects.create(name=f"导出{n}", code=f"export-{n}", kind="merchant")
    with django_assert_max_num_queries(15):
        rows = _csv(web.get("/console/organizations/?export=csv"))
    assert len(rows) > 40


def test_the_alert_list_filters_sorts_and_exports(web, regulator, grant):  # noqa: F811
    from apps.delivery.models import Alert

    def alert(n, rule, severity):
        return Alert.objects.create(
            rule=rule, grant=grant, severity=severity, window=f"w{n}", dedupe_key=f"k{n}"
        )

    low, _other, high = (
        alert(1, "volume", "low"),
        alert(2, "off_hours", "high"),
        alert(3, "volume", "high"),
    )
    login_web(web, regulator)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = _csv(web.get("/console/alerts/?rule=volume&ordering=severity&export=csv"))
    assert [r[0] for r in rows[1:]] == [str(high.pk), str(low.pk)]  # "high" < "low"
    rows = _csv(web.get("/console/alerts/?rule=volume&ordering=-severity&export=csv"))
    assert [r[0] for r in rows[1:]] == [str(low.pk), str(high.pk)]
    page = web.get("/console/alerts/?rule=volume&ordering=severity").content.decode()
    assert "ordering=-severity" in page and "export=csv" in page
    exports = AuditEvent.objects.filter(action="console.export", id__gt=last)
    assert exports.count() == 2


def _names(response) -> tuple[str, str | None]:
    """The ASCII `filename` and the decoded `filename*` (None without one)."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ") and disposition.isascii(), disposition
    plain = re.search(r'filename="([^"]+)"', disposition)[1]
    local = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    return plain, unquote(local[1]) if local else None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_named_in_the_readers_language(web, regulator, fmt):
    login_web(web, regulator)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    plain, local = _names(web.get(f"/console/audit/?export={fmt}"))
    assert re.fullmatch(rf"audit-log-\d{{8}}-\d{{4}}\.{fmt}", plain), plain
    assert local is None  # an English name needs no second spelling
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = web.get(f"/console/audit/?export={fmt}")
    plain, local = _names(response)
    # a client that reads only `filename` still gets a name it can save
    assert re.fullmatch(rf"audit-events-\d{{8}}-\d{{4}}\.{fmt}", plain), plain
    assert re.fullmatch(rf"审计日志-\d{{8}}-\d{{4}}\.{fmt}", local), local
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(response.content)).sheetnames == ["审计日志"]
