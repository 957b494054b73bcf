"""One format per kind of figure on the delivery pages (usage, statements, exports, the
grant, revenue): counts and quotas grouped by thousands (`thousands`), money to the fen
(`yuan`), byte sizes as sizes (`filesizeformat`), on the merchant's, the operator's and
the regulator's pages alike."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone

from apps.core.templatetags.names import thousands, yuan
from apps.delivery.models import Statement, UsageDay
from apps.delivery.statements import statements_refresh_current
from apps.grants.models import Grant
from tests.conftest import login_web

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CALLS, ROWS, BYTES = 12_345, 1_234_567, 5_000_000


def test_each_filter_writes_its_kind_of_figure():
    assert thousands(1234567) == "1,234,567" and thousands(Decimal("1234.5")) == "1,234.5"
    assert yuan(Decimal("6172.5")) == "6,172.50" and yuan(0) == "0.00" and yuan("x") == "x"
    assert yuan(None) is None and thousands(None) is None


@pytest.fixture
def used(grant):
    """A day of 12,345 calls, 1,234,567 rows and 5,000,000 bytes, and its statement."""
    Grant.objects.filter(pk=grant.pk).update(calls_per_day=20_000, rows_per_day=2_000_000)
    grant.refresh_from_db()
    UsageDay.objects.create(
        grant=grant, day=timezone.localdate(), calls=CALLS, rows=ROWS, bytes=BYTES
    )
    statements_refresh_current()
    return grant


def text_of(client: Client, path: str) -> str:
    """The page as people read it (a chart's JSON block holds the plain numbers)."""
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"<script[^>]*>.*?</script>", "", response.content.decode(), flags=re.S)


def test_usage_statements_and_the_grant_show_grouped_counts_money_and_sizes(
    used, merchant, operator_admin, regulator
):
    statement = Statement.objects.get()
    # one session each: a regulator's second sign-in would replay its TOTP code
    shop, operator, console = (
        login_web(Client(), user) for user in (merchant, operator_admin, regulator)
    )
    size, amount = filesizeformat(BYTES), yuan(statement.amount)
    assert amount == "6,172.50"  # 12,345 calls at 0.50
    pages = {
        "usage": (shop, f"/portal/grants/{used.pk}/usage/"),
        "console usage": (console, f"/console/grants/{used.pk}/usage/"),
        "statement": (shop, f"/portal/statements/{statement.pk}/"),
        "console statement": (console, f"/console/statements/{statement.pk}/"),
        "statements": (operator, "/portal/statements/"),
        "console statements": (console, "/console/statements/"),
    }
    for name, (client, path) in pages.items():
        page = text_of(client, path)
        assert "12,345" in page and str(CALLS) not in page, name
        if "usage" in name or name.endswith("statement"):
            assert "1,234,567" in page and size in page and str(BYTES) not in page, name
        if "statement" in name:
            assert amount in page, name
    usage = text_of(shop, f"/portal/grants/{used.pk}/usage/")
    assert "20,000" in usage and "2,000,000" in usage  # the quotas
    grant = text_of(shop, f"/portal/grants/{used.pk}/")
    assert "<dd>20,000</dd>" in grant and "<dd>2,000,000</dd>" in grant


# A figure printed bare (no filter) on a delivery page: `{{ x.calls }}`, `{{ x.bytes }}`...
BARE = re.compile(
    r"\{\{ ?[\w.]*\.(calls|rows|bytes|amount|price|revenue|max_revenue|calls_per_day|"
    r"rows_per_day|rate_per_minute|size_bytes|rows_processed) ?\}\}"
)
PAGES = [
    "delivery/usage.html",
    "delivery/statement_list.html",
    "delivery/statement_detail.html",
    "delivery/revenue_table.html",
    "delivery/sandbox.html",
    "portal/delivery/exports.html",
    "portal/home_operator.html",
    "portal/home_merchant.html",
    "grants/grant_detail.html",
    "alerts/alert_detail.html",
    "console/uploads.html",
]


def test_no_delivery_page_prints_a_figure_bare():
    bare = {name: BARE.findall((TEMPLATES / name).read_text()) for name in PAGES}
    assert {name: found for name, found in bare.items() if found} == {}
