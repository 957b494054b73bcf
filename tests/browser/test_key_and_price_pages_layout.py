"""The API keys page and the public disclosure at a desktop width and a phone's (390 px),
in Chinese and English: a key's Revoke button and every product's price are on the
screen without scrolling sideways, nothing is wider than the screen, no CSP violation.
Screenshots go to SHOTS_DIR (default /tmp/shots-keys)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.models import ApiKey, User
from apps.products.selectors import disclosed_products
from tests.browser.demo import click_and_answer, sign_in_demo
from tests.browser.shots import shoot, views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-keys"))
# Each element `selector` finds, as [left, right, the right edge of what shows it]: the
# window's, or nearer the edge of a box scrolling sideways (a table that scrolls in its
# card) that would cut it off.
EDGES = """selector => [...document.querySelectorAll(selector)].map(e => {
  let edge = document.documentElement.clientWidth;
  for (let box = e.parentElement; box; box = box.parentElement) {
    if (getComputedStyle(box).overflowX !== 'visible') {
      edge = Math.min(edge, box.getBoundingClientRect().left + box.clientLeft + box.clientWidth);
    }
  }
  const r = e.getBoundingClientRect();
  return [Math.floor(r.left), Math.ceil(r.right), Math.ceil(edge)];
})"""


def in_view(page, live_server, name: str, selector: str, count: int) -> None:
    """The page shot in both languages and widths; each of `selector`'s `count` elements
    is inside the window, none cut off by a table scrolling in its card."""
    shoot(page, live_server, name, SHOTS)
    for language, _name, width in views(page, live_server):
        edges = page.evaluate(EDGES, selector)
        assert len(edges) == count, (name, language, width, edges)
        assert all(0 <= left < right <= edge for left, right, edge in edges), (
            f"{name} ({language}, {width}px): {selector} at {edges}"
        )


def test_a_merchant_revokes_a_key_on_a_phone(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # given keys with every column filled in: a long name, networks, one used, one revoked
    admin = User.objects.get(username="merchant-a")
    for name, networks in (
        ("生产环境 production server (Beijing data centre)", ["203.0.113.0/24", "198.51.100.7"]),
        ("测试 staging", ["2001:db8::/32"]),
    ):
        used, _raw = accounts.api_key_create(
            organization=admin.organization, created_by=admin, name=name, allowed_ips=networks
        )
    ApiKey.objects.filter(pk=used.pk).update(last_used_at=timezone.now())
    old, _raw = accounts.api_key_create(
        organization=admin.organization, created_by=admin, name="旧密钥 old key"
    )
    accounts.api_key_revoke(api_key=old, actor=admin, reason="轮换")
    active = admin.organization.api_keys.filter(revoked_at__isnull=True).count()
    # when the merchant opens its keys, then each active key's Revoke button is in view
    sign_in_demo(page, "merchant-a")
    page.goto("/portal/api-keys/")
    in_view(page, live_server, "api-keys", "form[action$='/revoke/'] button", active)
    # and on a phone the key is revoked from there, with a reason
    page.set_viewport_size({"width": 390, "height": 844})
    page.fill(f"#revoke-key-{used.pk}", "测试结束")
    click_and_answer(page, f"form[action='/portal/api-keys/{used.pk}/revoke/'] button", True)
    used.refresh_from_db()
    assert used.is_revoked


def test_a_visitor_reads_the_prices_on_a_phone(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    listed = disclosed_products().count()
    assert listed
    page.goto("/disclosure/")
    in_view(page, live_server, "disclosure", "#product-prices td.price", listed)
