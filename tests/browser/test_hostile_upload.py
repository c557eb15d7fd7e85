"""One hostile spreadsheet uploaded by an analyst never takes the server down: other sessions keep their pages.

A 2 KB .xlsx with one cell at XFD1048576 used to make the reader allocate 512 GiB and
abort the server process during the automatic preview. Here an analyst uploads it (and
its siblings: a forged shared-string count, a reader panic) on a real server, sees one
error line per file, and a second browser session then opens its pages as usual. The
second server lifts the XML pre-check, so only the bounded child process stands between
the bomb and the server.
"""

from __future__ import annotations

import pytest

from tests.support import store_checks
from tests.support.browser import sample_server, wait_for_app
from tests.support.workbooks import MAIN, far_cell, xlsx_bytes, zipped
from vmdash.store import Store

pytestmark = pytest.mark.browser
KEY = "browser-hostile-key-5e1a"
BOMBS = {
    # Named like a web address too: the file name shown on the page must not become a link.
    "www.evil.example cell bomb.xlsx": lambda: xlsx_bytes(raw=far_cell("XFD1048576")),
    "strings bomb.xlsx": lambda: xlsx_bytes(
        sst=f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="4294967295"><si><t>a</t></si></sst>'
    ),
    "panic.xlsx": lambda: xlsx_bytes(raw='<row r="2"><c r="A2" s="1"><v>-1e15</v></c></row>'),
    "bomb in a zip.zip": lambda: zipped("report.xlsx", xlsx_bytes(raw=far_cell("ZZ300000"))),
}


@pytest.fixture(scope="module", params=["xml check", "child process only"])
def bomb_server(request, tmp_path_factory, sample_db_file):
    """The app on the sample data with an analyst key; the second lifts the XML pre-check."""
    env = {"VMDASH_ANALYST_KEY": KEY}
    if request.param == "child process only":
        env["VMDASH_MAX_SHEET_CELLS"] = str(10**15)
    with sample_server(tmp_path_factory.mktemp("hostile_upload"), env, source=sample_db_file) as srv:
        yield srv


def _sign_in(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_text("Analyst sign-in").click()
    key_box = page.locator("input[type='password']")
    key_box.fill(KEY)
    key_box.press("Enter")
    page.get_by_role("link", name="Upload & data").click()
    page.get_by_role("heading", name="Upload & data").first.wait_for(timeout=60_000)


def test_a_cell_bomb_upload_leaves_the_server_serving_other_sessions(bomb_server, browser, tmp_path):
    before = _fingerprint(bomb_server.db)
    files = []
    for name, build in BOMBS.items():
        path = tmp_path / name
        path.write_bytes(build())
        files.append(path)
    analyst = browser.new_context(viewport={"width": 1400, "height": 1000})
    analyst.set_default_timeout(120_000)
    page = analyst.new_page()
    _sign_in(page, bomb_server.url)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files([str(f) for f in files])
    # The automatic preview: one error per file, each one line, and nothing to import.
    errors = page.locator("[data-testid='stExpander'] [data-testid='stAlertContentError']")
    errors.nth(len(files) - 1).wait_for(timeout=120_000)
    texts = errors.all_inner_texts()
    assert len(texts) == len(files), texts
    for text in texts:
        # The alert's icon is a ligature ('error') on a line of its own; the message is one line.
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines[0] == "error" and len(lines) == 2, text
        assert "Traceback" not in text and "/tmp" not in text, text
    assert any("cell bomb.xlsx" in t for t in texts)
    assert page.get_by_role("button", name="Import 4 file(s)").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    assert bomb_server.process.poll() is None, "the server process died"

    # A second session, in its own browser context, still gets its pages.
    viewer = browser.new_context(viewport={"width": 1400, "height": 1000})
    viewer.set_default_timeout(120_000)
    other = viewer.new_page()
    other.goto(bomb_server.url)
    wait_for_app(other)
    assert other.locator("[data-testid='stMetric']").count() > 0
    other.get_by_role("link", name="Funnel impact").click()
    # The first visit's stand-in title may still be drawn for a moment beside the page's own.
    other.get_by_role("heading", name="Funnel impact").first.wait_for(timeout=60_000)
    assert other.locator("[data-testid='stException']").count() == 0
    # The analyst's session is alive too: its next rerun answers.
    page.get_by_role("link", name="Overview").click()
    wait_for_app(page)
    analyst.close()
    viewer.close()
    assert bomb_server.process.poll() is None
    assert _fingerprint(bomb_server.db) == before


def _fingerprint(db) -> dict:
    s = Store(db, idle_release_s=0)
    try:
        return {k: v for k, v in store_checks.fingerprint(s).items() if k in ("facts", "retention", "imports")}
    finally:
        s.close()
