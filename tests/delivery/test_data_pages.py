"""The portal's data pages of a grant: the data browser (the record API as a table, with
its filters, order and next page, without JavaScript) and the exports page (request,
progress, download); the operator reads the export history only."""

import re

import pytest
from django.test import Client

from apps.delivery.models import Export
from tests.conftest import login_web
from tests.delivery.exporting import draft_product, run_export  # noqa: F401

pytestmark = pytest.mark.django_db


def rows_in(page: str) -> int:
    """Rows of the records table (its header row included)."""
    return page.split('id="records"')[1].split("</table>")[0].count("<tr>")


def web(user) -> Client:
    return login_web(Client(), user)


def test_the_grant_page_links_its_holder_to_the_data_and_the_exports(grant, merchant):
    page = web(merchant).get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f"/portal/grants/{grant.pk}/data/" in page
    assert f"/portal/grants/{grant.pk}/exports/" in page


def test_the_browser_shows_masked_rows_filters_and_a_next_page(grant, merchant):
    client = web(merchant)
    page = client.get(f"/portal/grants/{grant.pk}/data/", {"page_size": 20}).content.decode()
    assert rows_in(page) == 21  # header + 20 rows
    assert "张三某" not in page and 'name="filter[credit_code][eq]"' in page
    assert 'name="filter[legal_rep][eq]"' not in page  # masked: not filterable
    next_url = re.search(r'href="(\?[^"]+)" id="next-page"', page).group(1).replace("&amp;", "&")
    second = client.get(f"/portal/grants/{grant.pk}/data/{next_url}").content.decode()
    assert rows_in(second) == 21 and second != page


def test_the_rows_page_is_never_kept_by_a_browser_or_a_proxy(grant, merchant):
    """The grant's rows, as on the record API's pages (Cache-Control: private, no-store):
    a shared computer's browser cache or a proxy must not keep them after sign-out."""
    response = web(merchant).get(f"/portal/grants/{grant.pk}/data/")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_the_browser_filters_and_orders(grant, merchant):
    client = web(merchant)
    url = f"/portal/grants/{grant.pk}/data/"
    page = client.get(url, {"filter[credit_code][prefix]": "91450100MA0000001"}).content.decode()
    assert rows_in(page) == 1 + 10  # 10..19
    page = client.get(url, {"order": "-credit_code", "page_size": "20"}).content.decode()
    rows = page.split('id="records"')[1].split("<tbody>")[1].split("<tr>")
    assert "=HYPERLINK(1)" in rows[1] and "91450100MA00000100" in rows[2]  # "=" sorts after "9"


def test_a_bad_filter_shows_its_code_with_a_4xx(grant, merchant):
    response = web(merchant).get(f"/portal/grants/{grant.pk}/data/", {"page_size": "x"})
    assert response.status_code == 400 and b"page_size_invalid" in response.content


def test_the_merchant_requests_an_export_and_downloads_it(grant, merchant):
    client = web(merchant)
    url = f"/portal/grants/{grant.pk}/exports/"
    assert client.post(url, {"format": "jsonl", "fields": ["credit_code"]}).status_code == 302
    export = Export.objects.get(grant=grant)
    running = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' in running and "<progress" in running
    run_export(export.pk)
    page = client.get(url).content.decode()
    link = re.search(r'href="([^"]+)" class="button download-export"', page).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).count(b"\n") == 101


def test_the_operator_sees_the_history_without_form_or_download(grant, merchant, operator_admin):
    web(merchant).post(f"/portal/grants/{grant.pk}/exports/", {"format": "csv"})
    run_export(Export.objects.get(grant=grant).pk)
    page = web(operator_admin).get(f"/portal/grants/{grant.pk}/exports/").content.decode()
    assert 'id="export-' in page and "download-export" not in page
    assert 'id="request-export"' not in page
    assert web(operator_admin).get(f"/portal/grants/{grant.pk}/data/").status_code == 403
    response = web(operator_admin).post(f"/portal/grants/{grant.pk}/exports/", {"format": "csv"})
    assert response.status_code == 403


def test_the_provider_sees_the_grant_but_no_data_page_nor_export_history(grant, merchant, provider):
    web(merchant).post(f"/portal/grants/{grant.pk}/exports/", {"format": "csv"})
    run_export(Export.objects.get(grant=grant).pk)
    page = web(provider).get(f"/portal/grants/{grant.pk}/")
    assert page.status_code == 200
    assert f"/portal/grants/{grant.pk}/exports/" not in page.content.decode()
    assert f"/portal/grants/{grant.pk}/data/" not in page.content.decode()
    for path in ("data/", "exports/"):
        assert web(provider).get(f"/portal/grants/{grant.pk}/{path}").status_code == 403


def test_outsiders_get_404_on_every_data_page(grant, outsider):
    for path in ("data/", "exports/", "exports/1/download/?token=x"):
        assert web(outsider).get(f"/portal/grants/{grant.pk}/{path}").status_code == 404
        assert Client().get(f"/portal/grants/{grant.pk}/{path}").status_code == 302


def test_the_regulator_reads_the_export_history_in_the_console(grant, merchant, regulator):
    """Who exported what and when, read-only: a leak's first question."""
    web(merchant).post(f"/portal/grants/{grant.pk}/exports/", {"format": "csv"})
    run_export(Export.objects.get(grant=grant).pk)
    console = web(regulator)
    grant_page = console.get(f"/console/grants/{grant.pk}/").content.decode()
    assert f'href="/console/grants/{grant.pk}/exports/"' in grant_page
    page = console.get(f"/console/grants/{grant.pk}/exports/").content.decode()
    assert 'id="export-' in page and "download-export" not in page
    assert 'id="request-export"' not in page and merchant.username in page
    # finished, not "ready to download": the regulator has no download
    assert "已完成" in page and "可下载" not in page
    assert "可下载" in web(merchant).get(f"/portal/grants/{grant.pk}/exports/").content.decode()
    assert f'href="/console/grants/{grant.pk}/"' in page  # back to the console's grant page
    assert console.post(f"/console/grants/{grant.pk}/exports/").status_code == 405


def test_a_failed_export_says_why_in_the_readers_language(grant, merchant):
    client = web(merchant)
    url = f"/portal/grants/{grant.pk}/exports/"
    client.post(url, {"format": "csv"})
    Export.objects.filter(grant=grant).update(status="failed", error_code="export_error")
    client.cookies["pdp_language"] = "en"
    page = client.get(url).content.decode()
    assert "The export could not be written." in page and "<code>export_error</code>" in page
    client.cookies["pdp_language"] = "zh-hans"
    assert "导出文件未能生成。" in client.get(url).content.decode()
