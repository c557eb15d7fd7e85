"""The browser benchmark (bench/browser.py) runs: every figure it prints is read off a real page.

Its timings are not asserted (speed lives in bench/run.py): only that each page and the
upload were timed, against the bare page of the same run. It runs in the session's browser.
"""

from __future__ import annotations

import pytest

from bench import browser as bench_browser
from bench import run

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROWS = 1000


def test_browser_section_times_every_page_and_the_upload(browser, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "OUT", tmp_path)
    db = run.build_db(ROWS)
    report = run.Report()
    # Two pages stand for all (each is a few more sessions): the bench's own run times every page.
    bench_browser.bench_browser(report, ROWS, db, repeat=1, only={"overview", "funnel"}, browser=browser)
    figures = report.raw["browser"][run.n_rows(ROWS)]
    bare = {f["session"]: f for f in figures if f.get("page") == "bare page (baseline)"}
    assert set(bare) == {"fresh", "returning"} and all(f["first"] > 0 for f in bare.values())
    # Every page is timed in fresh browsers and in one that has opened it before.
    timed = {(f["page"], f["session"]) for f in figures if "page" in f}
    assert timed == {(page, s) for page in ("bare page (baseline)", "overview", "funnel") for s in bare}
    assert {"overview", "funnel", "retention", "video", "test & learn"} <= set(bench_browser.pages(db))
    for f in figures:
        if "page" in f and not f["page"].startswith("bare"):
            assert 0 < f["rest"] < 300, f
            assert f["vs_bare_rest"] == pytest.approx(f["rest"] / bare[f["session"]]["rest"])
    assert [f["upload"] for f in figures if "upload" in f] == ["preview", "import"]
    assert all(0 < f["value"] < 300 for f in figures if "upload" in f)
    # Every page that draws a chart on the 1k-row data is timed to it.
    assert all(f["first"] is not None for f in figures if f.get("page") in {"funnel", "overview"})
    # Each page's visits split at the server's last message: it comes before the page rests.
    for f in figures:
        if "page" in f:
            assert f["served"] is not None and 0 < f["served"] < f["rest"], f
    # The table rows name the bare page as their baseline, and when both servers were done.
    paged = [r for r in report.rows if "upload" not in r.measure]
    assert paged and all("bare page" in r.baseline for r in paged)
    assert all("server's last message" in r.measure and "server's last message" in r.baseline for r in paged)
