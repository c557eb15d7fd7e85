"""Shared links and roles in a real browser: round trip, viewer lock-out, analyst upload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import sample_server, settled_view, wait_for_app
from vmdash import demo
from vmdash.store import Store

pytestmark = pytest.mark.browser
KEY = "browser-analyst-key-93d2"


@pytest.fixture(scope="module")
def analyst_server(tmp_path_factory, sample_db_file):
    """The app on the sample data, on a server with an analyst key."""
    with sample_server(tmp_path_factory.mktemp("sharing"), {"VMDASH_ANALYST_KEY": KEY}, source=sample_db_file) as srv:
        yield srv


def _metrics(page) -> dict[str, str]:
    return dict(settled_view(page)[1])


def _chips(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stSidebar'] [data-tag]").all_inner_texts()]


def _settle(page) -> None:
    page.wait_for_timeout(400)
    wait_for_app(page)


def _choose(page, label: str, option: str, tries: int = 3) -> None:
    """Pick an option in a sidebar multiselect until its chip shows.

    A rerun that lands between opening the list and clicking the option redraws the widget and
    swallows the click, so the pick is retried rather than assumed.
    """
    chip = page.locator("[data-testid='stSidebar'] [data-tag]").filter(has_text=option)
    for _ in range(tries):
        _settle(page)
        page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=label).first.click()
        page.get_by_role("option", name=option, exact=True).click()
        page.keyboard.press("Escape")
        try:
            expect(chip).to_have_count(1, timeout=15_000)
            return
        except AssertionError:
            continue
    expect(chip).to_have_count(1)


def test_a_copied_link_reopens_the_same_view_in_a_fresh_browser(analyst_server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    first.set_default_timeout(120_000)
    page = first.new_page()
    page.goto(analyst_server.url)
    wait_for_app(page)
    _choose(page, "Platform", "TikTok")
    expect(page.locator("[data-testid='stSidebar'] [data-tag]")).to_have_count(1, timeout=30_000)
    _choose(page, "Objective", "awareness")
    expect(page.locator("[data-testid='stSidebar'] [data-tag]")).to_have_count(2, timeout=30_000)
    _settle(page)
    numbers = _metrics(page)
    chips = _chips(page)
    page.get_by_role("button", name="Show link").click()
    link = page.locator("[data-testid='stPopoverBody'] code").inner_text().strip()
    assert link.startswith(analyst_server.url) and "platform=TikTok" in link and "objective=awareness" in link
    first.close()

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})

    fresh.set_default_timeout(120_000)
    other = fresh.new_page()
    other.goto(link)
    wait_for_app(other)
    expect(other.locator("[data-testid='stSidebar'] [data-tag]")).to_have_count(2, timeout=30_000)
    assert _chips(other) == chips
    assert _metrics(other) == numbers
    assert other.locator("[data-testid='stException']").count() == 0
    fresh.close()


def test_copy_link_puts_the_link_on_the_clipboard_in_one_click(analyst_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(120_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=analyst_server.url)
    page = context.new_page()
    page.goto(f"{analyst_server.url}/?platform=youtube")
    wait_for_app(page)
    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    button = page.locator("[data-testid='stSidebar']").get_by_role("button", name="Copy link")
    button.click()
    expect(page.locator("[data-testid='stSidebar']").get_by_text("Link copied")).to_be_visible(timeout=10_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{analyst_server.url}/?platform=YouTube"
    context.close()


def test_a_stale_link_value_is_dropped_with_a_note_and_stays_inert(analyst_server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{analyst_server.url}/retention?unit=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&platform=myspace")
    page.get_by_text("it was dropped").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    notes = page.locator("[data-testid='stAlert']").all_inner_texts()
    text = "\n".join(notes)
    assert "position unit" in text and "myspace" in text
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_viewer_opening_the_upload_page_is_told_to_sign_in(analyst_server, page):
    # An analyst may follow a link to /data before signing in: the page says so, uploads nothing,
    # and the viewer's menu never offers it.
    page.goto(f"{analyst_server.url}/data")
    page.get_by_text("Only analysts can upload, map or undo").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert page.get_by_role("link", name="Upload & data").count() == 0
    page.goto(analyst_server.url)
    wait_for_app(page)
    assert page.get_by_role("link", name="Upload & data").count() == 0
    alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("bundled sample data" in a for a in alerts), alerts
    assert all("Upload & data" not in a for a in alerts), alerts


def test_an_analyst_imports_a_file_through_the_upload_widget(analyst_server, page, tmp_path):
    export = demo.write_synthetic_csv(tmp_path / "campaign_export.csv", rows=40, seed=99)
    page.goto(analyst_server.url)
    wait_for_app(page)
    page.get_by_text("Analyst sign-in").click()
    key_box = page.locator("input[type='password']")
    key_box.fill(KEY)
    key_box.press("Enter")
    page.get_by_role("link", name="Upload & data").click()
    page.get_by_role("heading", name="Upload & data").first.wait_for(timeout=60_000)
    assert KEY not in page.content() and KEY not in page.url
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(export))
    button = page.get_by_role("button", name="Import 1 file(s)")
    button.wait_for(timeout=60_000)
    button.click()
    page.get_by_text("These files are imported").or_(page.get_by_text("rows loaded")).first.wait_for(timeout=60_000)
    s = Store(analyst_server.db, idle_release_s=0)
    names = [r[0] for r in s.rows("SELECT file_name FROM imports WHERE status = 'active'")]
    s.close()
    assert "campaign_export.csv" in names
