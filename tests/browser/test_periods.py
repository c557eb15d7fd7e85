"""A date preset in a real browser: a `?period=` link reopens the same view in a fresh browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import sample_server, settled_view, wait_for_app
from vmdash import periods

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dated_server(tmp_path_factory, sample_db_file):
    """The app on the sample data (Q1 2026), counting presets from 29 March 2026."""
    with sample_server(
        tmp_path_factory.mktemp("periods"), {periods.TODAY_ENV: "2026-03-29"}, source=sample_db_file
    ) as srv:
        yield srv


def test_a_period_link_reopens_the_same_view_in_a_fresh_browser(dated_server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    first.set_default_timeout(120_000)
    page = first.new_page()
    page.goto(dated_server.url)
    wait_for_app(page)
    all_data = settled_view(page)
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Period").first.click()
    page.get_by_role("option", name="last-28-days", exact=True).click()
    page.locator("[data-testid='stSidebar']").get_by_text("1–28 Mar 2026").wait_for(timeout=60_000)
    # The sidebar can show the new dates before the cards are drawn again: wait for the cards.
    for _ in range(120):
        wait_for_app(page)
        caption, numbers = settled_view(page)
        if numbers != all_data[1]:
            break
        page.wait_for_timeout(500)
    assert numbers != all_data[1]  # the preset really narrowed the view
    chips = page.locator("[data-testid='stMetricDelta']").all_inner_texts()
    named = page.locator("[data-testid='stMetricDeltaDescription']").all_inner_texts()
    assert chips and named == ["vs 1–28 Feb 2026"] * len(chips)
    page.get_by_role("button", name="Show link").click()
    link = page.locator("[data-testid='stPopoverBody'] code").inner_text().strip()
    assert "period=last-28-days" in link and "dates=" not in link
    first.close()

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    fresh.set_default_timeout(120_000)
    other = fresh.new_page()
    other.goto(link)
    wait_for_app(other)
    expect(other.locator("[data-testid='stSidebar']").get_by_text("1–28 Mar 2026")).to_have_count(1, timeout=60_000)
    assert settled_view(other)[1] == numbers
    assert other.locator("[data-testid='stMetricDelta']").all_inner_texts() == chips
    assert other.locator("[data-testid='stMetricDeltaDescription']").all_inner_texts() == named
    period_box = other.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Period").first
    assert period_box.input_value() == "last-28-days"
    assert other.locator("[data-testid='stException']").count() == 0
    fresh.close()
