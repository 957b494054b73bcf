"""One page in both languages at desktop and phone width: a screenshot of each under
`folder`, and a failure when the page is wider than the window."""

from pathlib import Path

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def shoot(page, live_server, name: str, folder: Path) -> None:
    for language in ("zh-hans", "en"):
        page.context.add_cookies(
            [{"name": "pdp_language", "value": language, "url": live_server.url}]
        )
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.reload()
            page.screenshot(path=folder / f"{name}-{language}-{width_name}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name} ({language}, {width_name}) is {overflow}px too wide"
