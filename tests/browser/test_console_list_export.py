"""A console list in the browser on the demo data: the regulator filters the access
applications, sorts them by a column header (the URL keeps both), and the CSV export
downloaded from the page holds exactly the rows on screen, in their order."""

import codecs
import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest

from apps.accounts.models import User
from apps.grants import applications, facts
from apps.grants.models import AccessApplication
from apps.products.choices import ProductStatus, UseType
from apps.products.models import DataProduct
from tests.browser.demo import overflow, screenshot, sign_in_demo
from tests.grants.conftest import application_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown_ids(page) -> list[str]:
    return [
        row.locator("td").first.inner_text().strip()
        for row in page.locator(".table-scroll table tbody tr").all()
    ]


def test_the_regulator_filters_sorts_and_exports_the_applications(page, demo):
    # one more application of merchant-a, submitted (the demo has its approved ones)
    merchant = User.objects.get(username="merchant-a")
    product = DataProduct.objects.get(status=ProductStatus.LISTED, use_type=UseType.INDUSTRIAL)
    fields = [i for i, f in facts.product_fields(product).items() if f.personal_info == "none"]
    data = application_data(product, scenario=product.scenarios[0], fields=fields[:1])
    draft = applications.application_create(user=merchant, data=data)
    applications.application_submit(application=draft, user=merchant)
    total = AccessApplication.objects.exclude(status="draft").count()
    mine = AccessApplication.objects.filter(merchant=merchant.organization)
    assert mine.count() >= 2 and total > mine.count()  # the filter leaves something out

    sign_in_demo(page, "regulator")
    page.goto("/console/applications/list/")
    assert len(shown_ids(page)) == total
    # filter by the merchant's name
    page.fill("#q", "星图")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert sorted(shown_ids(page)) == sorted(str(a.pk) for a in mine)
    # sort by status, then the other way round; the search stays in the URL
    for direction in ("status", "-status"):
        with page.expect_navigation():
            page.click("thead th:nth-child(5) a.sort")
        query = parse_qs(urlparse(page.url).query)
        assert query == {"q": ["星图"], "ordering": [direction]}, page.url
    expected = [str(a.pk) for a in mine.order_by("-status", "-pk")]
    assert shown_ids(page) == expected
    assert page.locator("thead th:nth-child(5)").get_attribute("aria-sort") == "descending"
    page.set_viewport_size({"width": 390, "height": 844})
    assert overflow(page) is None, overflow(page)
    screenshot(page, "console-applications-filtered-phone")

    # the CSV export from the page: the header, then exactly these rows in this order
    with page.expect_download() as download:
        page.click("a.export-csv")
    raw = download.value.path().read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)  # so that Excel reads the Chinese as UTF-8
    text = raw.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "#" and len(table[0]) == 7
    assert [row[0] for row in table[1:]] == expected
    names = {row[2] for row in table[1:]}
    assert names == {merchant.organization.name}
    assert download.value.suggested_filename.endswith(".csv")
