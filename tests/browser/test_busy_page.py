"""A link opened while another process holds the database waits on that page, then draws it."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.support.browser import ConnectionLog, start_server, wait_for_page
from tests.support.locks import hold_database
from vmdash.ui.common import BUSY_TEXT

pytestmark = pytest.mark.browser


def test_a_page_opened_while_the_database_is_held_keeps_its_page_and_link(browser, tmp_path, sample_db_file):
    db = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, db)
    server = start_server(db)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        connection = ConnectionLog(page)
        page.goto(f"{server.url}/completion?by=length")
        wait_for_page(page)
        holder = hold_database(db, 12)
        try:
            page.goto(f"{server.url}/completion?by=length")
            expect(page.get_by_text(BUSY_TEXT)).to_have_count(1, timeout=60_000)
            # Titled as the page asked for while it waits, not as the default page.
            expect(page.get_by_role("heading", name="Completion")).to_have_count(1, timeout=60_000)
        finally:
            holder.wait()
        # Free again: the page's own timed check draws it, on the same link.
        expect(page.get_by_text(BUSY_TEXT)).to_have_count(0, timeout=60_000)
        wait_for_page(page)
        expect(page.get_by_role("heading", name="Completion", exact=True)).to_have_count(1, timeout=60_000)
        expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=60_000)
        assert page.url.startswith(f"{server.url}/completion?") and "by=length" in page.url, (
            f"{page.url}\n{connection.describe(page)}"
        )
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=20)
