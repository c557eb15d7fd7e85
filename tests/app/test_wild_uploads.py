"""Wild Meta, TikTok, LinkedIn and Google Ads exports through the Upload page's flow (AppTest).

The page's own upload_flow runs with the fixture files handed over as st.file_uploader
hands them; totals are summed from the raw files by tests/support/wild_exports.py's
helpers, and a second press of Import changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import store_checks
from tests.support.wild_exports import CASES, DATA, SOCIAL, raw, total
from vmdash.store import Store

# Left out of the fast loop: every wild fixture uploaded through AppTest.
pytestmark = pytest.mark.slow


def _upload_script(db_path: str, paths: list[str], year: int | None) -> None:
    """The Upload page's flow for these files, in an analyst's session."""
    from pathlib import Path

    from vmdash import ui
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)

    class Uploaded:  # what st.file_uploader hands the page
        def __init__(self, path: str):
            self.name = Path(path).name
            self.file_id = path
            self._path = path

        def getbuffer(self) -> bytes:
            return Path(self._path).read_bytes()

    ui.upload_flow(s, [Uploaded(p) for p in paths], None, None, year)
    s.close()


def _app(db: Path, paths: list[Path], year: int | None = None) -> AppTest:
    app = AppTest.from_function(_upload_script, args=(str(db), [str(p) for p in paths], year), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    return app.run()


def _facts(db: Path, sql: str) -> list[tuple]:
    s = Store(db, idle_release_s=None)
    try:
        return s.rows(sql)
    finally:
        s.close()


def _fingerprint(db: Path) -> dict:
    s = Store(db, idle_release_s=None)
    try:
        return store_checks.fingerprint(s)
    finally:
        s.close()


def test_every_wild_fixture_uploads_with_exact_totals_and_a_second_import_changes_nothing(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    names = sorted(CASES)
    # One file per natural key and period: the three Google reports describe the same campaigns.
    names = [n for n in names if "google_ads_campaign_report_excel" not in n and "relatorio" not in n]
    app = _app(db, [DATA / n for n in names])
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    # As a person reads them: data text in captions is Markdown-escaped.
    captions = re.sub(r"\\(.)", r"\1", " ".join(c.value for c in app.caption))
    assert "2 row(s) left out (posts that are not videos: IG carousel 1, IG image 1)" in captions
    [button] = [b for b in app.button if b.label.startswith("Import ")]
    button.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    wants = [CASES[n]() for n in names]
    assert _facts(db, "SELECT count(*) FROM active_facts")[0][0] == sum(w["rows"] for w in wants)
    for column in ("views", "spend", "impressions"):
        expected = [w["totals"][column] for w in wants if w["totals"].get(column) is not None]
        got = _facts(db, f"SELECT sum({column}) FROM active_facts")[0][0]
        assert got == pytest.approx(sum(expected), abs=1e-6), column
    before = _fingerprint(db)
    again = _app(db, [DATA / n for n in names])
    assert all("Already imported" in i.value for i in again.info)
    [button] = [b for b in again.button if b.label.startswith("Import ")]
    button.click().run()
    assert _fingerprint(db) == before


def test_the_upload_page_asks_for_the_year_of_yearless_dates(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    path = SOCIAL / "Overview.csv"
    app = _app(db, [path])
    assert not app.exception
    [error] = app.error
    assert "no year" in error.value and "choose the year on the Upload page" in error.value
    assert not [b for b in app.button if b.label.startswith("Import ")]
    app = _app(db, [path], year=2026)
    assert not app.error, [e.value for e in app.error]
    [button] = [b for b in app.button if b.label.startswith("Import ")]
    button.click().run()
    rows = raw(path)
    got = _facts(db, "SELECT count(*), sum(views), min(date) FROM active_facts")[0]
    assert got[0] == len(rows) and got[1] == total(rows, "Video Views")
    assert str(got[2]) == "2026-02-26"


def test_the_upload_page_offers_the_year(analyst_app):
    analyst_app.switch_page("pages/data.py").run()
    assert not analyst_app.exception
    assert [n for n in analyst_app.number_input if n.label == "Year of dates written without one"]
