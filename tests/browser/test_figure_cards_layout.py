"""Cards whose figures or labels are long, at a desktop width and a phone's (390 px), in
Chinese and English: the operator home's agreement and revenue cards and the sandbox's
view columns show every figure and label whole, wrapped inside the card (no scroll
inside it, nothing cut at its edge). Screenshots go to SHOTS_DIR (default
/tmp/shots-figures)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from apps.delivery.statements import statements_refresh_current
from apps.operators.models import AuthorizationAgreement
from tests.browser.shots import shoot, views
from tests.browser.test_grant_journeys import sign_in_as
from tests.delivery.billing import grant_on, priced_product, use
from tests.delivery.sandbox import conftest as sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

draft_product = sandbox.draft_product
sandbox_grant = sandbox.sandbox_grant
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-figures"))
# How far a card's content runs past its right edge (0 when it all fits inside it).
RUNS_PAST = """selector => [...document.querySelectorAll(selector)].map(card => {
  const edge = card.getBoundingClientRect().right;
  const widest = Math.max(...[...card.querySelectorAll('*')]
      .map(e => e.getBoundingClientRect().right));
  return Math.max(card.scrollWidth - card.clientWidth, Math.ceil(widest - edge));
})"""


def fits(page, live_server, name: str, selector: str) -> None:
    """The page shot in both languages and widths; `selector`'s cards hold their content."""
    shoot(page, live_server, name, SHOTS)
    for language, _name, width in views(page, live_server):
        past = page.evaluate(RUNS_PAST, selector)
        assert past and max(past) <= 1, f"{name} ({language}, {width}px): {past}"


def test_the_operator_home_revenue_card_holds_its_figures(
    page, live_server, effective, resources, operator_admin, regulator, merchant
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # given an agreement with a large cap, most of it earned
    AuthorizationAgreement.objects.filter(pk=effective.pk).update(
        max_revenue=Decimal("123456789.00")
    )
    paid = priced_product(
        effective, resources, operator_admin, regulator, pricing_model="per_1000_rows", price="4999"
    )
    use(grant_on(paid, merchant, operator_admin), calls=10, rows_each=2_000_000)
    statements_refresh_current()
    # when the operator opens the home, then the revenue card shows every figure whole
    sign_in_as(page, operator_admin)
    page.goto("/portal/")
    assert "99,980,000" in page.locator("#revenue").inner_text()
    fits(page, live_server, "operator-home-revenue", "#revenue, #home-agreements")


def test_the_sandbox_view_columns_wrap_long_masking_labels(
    page, live_server, sandbox_grant, merchant
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # given the longest masking label on the grant's masked column
    sandbox_grant.scope["sources"][0]["fields"][0]["masking"] = "email"
    sandbox_grant.save(update_fields=["scope"])
    sign_in_as(page, merchant)
    page.goto(f"/portal/grants/{sandbox_grant.pk}/sandbox/")
    assert page.locator("#sandbox-columns").inner_text().count("E-mail") <= 1
    fits(page, live_server, "sandbox-view-columns", "#sandbox-editor")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(WORDS_CUT) == []


# Cells of the view's columns whose name or type is cut inside a word: a new line that
# starts neither after an underscore nor at a parenthesis ("VARCHA|R").
WORDS_CUT = """() => [...document.querySelectorAll('#sandbox-columns td:nth-child(-n+2)')]
  .filter(td => {
    const range = document.createRange();
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    let previous = null, top = null, node;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const y = Math.round(range.getBoundingClientRect().top);
        if (top !== null && y > top && previous !== '_' && node.data[i] !== '(') return true;
        top = y; previous = node.data[i];
      }
    }
    return false;
  })
  .map(td => td.textContent)"""
