"""A shared link is the first thing a freshly started server is asked for.

Streamlit runs a `pages/` script on its own until a session has run app.py once, so
this needs its own server: the session-wide one has long been warmed up.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import start_server
from vmdash import demo
from vmdash.store import Store

pytestmark = pytest.mark.browser


def test_a_page_link_opened_on_a_fresh_server_shows_the_whole_view(browser, tmp_path):
    db = tmp_path / "vmdash.duckdb"
    s = Store(db, idle_release_s=None)
    demo.load_samples(s)
    s.close()
    server = start_server(db)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/funnel?funnel_by=platform&platform=tiktok&platform=linkedin")
        # The app's own menu and filter bar, not a bare page with a file-name menu.
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_text("Funnel impact")).to_have_count(1, timeout=120_000)
        expect(sidebar.get_by_text("Filters")).to_have_count(1, timeout=120_000)
        expect(sidebar.locator("[data-tag]")).to_have_count(2, timeout=120_000)
        chosen = sidebar.locator("[data-tag]").all_inner_texts()
        assert sorted(t.strip() for t in chosen) == ["LinkedIn", "TikTok"]
        expect(page.get_by_text("Showing platform TikTok, LinkedIn")).to_have_count(1, timeout=120_000)
        expect(page.get_by_role("heading", name="Funnel impact")).to_have_count(1, timeout=120_000)
        assert "platform=TikTok" in page.url and "funnel_by=platform" in page.url
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=20)
