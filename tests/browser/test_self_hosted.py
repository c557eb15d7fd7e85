"""A self-hosted install's pages ask nothing of any other host: no usage statistics, no icon from a font server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.browser import wait_for_app
from vmdash.ui import navigation

pytestmark = pytest.mark.browser


def _host(url: str) -> str:
    """The host a request goes to; a blob: URL names the page's own origin after its scheme, a data: URL none."""
    if url.startswith("data:"):
        return ""
    return urlsplit(url.removeprefix("blob:")).netloc


def test_no_page_asks_another_host(server, page):
    # The server runs with the repository's .streamlit/config.toml, as `streamlit run app.py` does.
    home = urlsplit(server.url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda request: _host(request.url) not in (home, "") and elsewhere.append(request.url))
    page.goto(server.url)
    wait_for_app(page)
    for path in navigation.URL_PATHS:
        page.goto(f"{server.url}/{path}")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'"
            " && document.querySelector('h1, [data-testid=\"stAlert\"]')"
        )
        # The tab's icon is the app's own, whichever page's menu icon is current.
        icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=\"icon\"]')].map(l => l.href)")
        assert icons and all(_host(icon) in (home, "") for icon in icons), (path, icons)
    # Requests a page starts late (the tab's icon after the last message) are in by now.
    page.wait_for_timeout(1500)
    assert elsewhere == [], elsewhere
