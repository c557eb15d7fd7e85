"""The Overview as a person sees it, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_app

pytestmark = pytest.mark.browser


def test_overview_shows_kpis_and_charts_without_errors(server, page, tmp_path):
    page.goto(server.url)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("View rate").first.is_visible()
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=30_000
    )
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)


def test_url_filters_reach_the_widgets(server, page):
    page.goto(f"{server.url}/?platform=tiktok&objective=awareness")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    chips = sidebar.locator("[data-tag]")
    expect(chips).to_have_count(2, timeout=30_000)
    assert [t.strip() for t in chips.all_inner_texts()] == ["TikTok", "awareness"]
    assert page.locator("[data-testid='stException']").count() == 0
