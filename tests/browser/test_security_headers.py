"""The API docs render under their own CSP and fetch nothing from another origin.

The main journeys fail on any CSP violation through the `page` fixture (conftest)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_origins(page, live_server) -> list[str]:
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http://", "https://"))
            and not request.url.startswith(live_server.url)
            and foreign.append(request.url)
        ),
    )
    return foreign


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_the_api_docs_render_under_their_policy_without_a_cdn(page, live_server, path):
    foreign = _watch_origins(page, live_server)
    response = page.goto(path)
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    selector = ".swagger-ui .info" if path == "/api/docs/" else ".api-content"
    page.wait_for_selector(selector, timeout=20_000)
    assert not foreign, foreign
    assert not page.csp_violations
