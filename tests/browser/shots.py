"""One page in both languages at desktop and phone width: a screenshot of each under
`folder`, and a failure when the page is wider than the window or when a style meant
for something else takes a table apart (its body laid out beside its head)."""

from pathlib import Path

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Each table part that is not displayed as what it is, e.g. a table caught by a grid rule.
BROKEN_TABLES = """() => [...document.querySelectorAll('table, thead, tbody, tfoot, tr')]
  .map(e => [e, getComputedStyle(e).display])
  .filter(([e, d]) => d !== 'none' && !(e.tagName === 'TABLE' ? ['table', 'block'].includes(d)
      : e.tagName === 'TR' ? d === 'table-row'
      : d === 'table-' + {THEAD: 'header', TBODY: 'row', TFOOT: 'footer'}[e.tagName] + '-group'))
  .map(([e, d]) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}: ${d}`)"""


def views(page, live_server):
    """The page reloaded as each language and width shows it: yields (language, width)."""
    for language in ("zh-hans", "en"):
        page.context.add_cookies(
            [{"name": "pdp_language", "value": language, "url": live_server.url}]
        )
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.reload()
            yield language, width_name, width


def shoot(page, live_server, name: str, folder: Path) -> None:
    for language, width_name, _width in views(page, live_server):
        page.screenshot(path=folder / f"{name}-{language}-{width_name}.png", full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} ({language}, {width_name}) is {overflow}px too wide"
        broken = page.evaluate(BROKEN_TABLES)
        assert not broken, f"{name} ({language}, {width_name}): tables taken apart {broken}"
