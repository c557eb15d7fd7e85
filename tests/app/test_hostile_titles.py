"""Titles and campaigns carrying HTML, script and Markdown are shown as text, never run or linked.

A file whose video titles and campaigns hold `<script>`, an `<img onerror>` and
Markdown links is imported like any export; every analysis page then opens
without an exception, and no Markdown or HTML element carries the payload
unescaped. Chart exports escape it in SVG and neutralise formulas in CSV.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.support import store_checks
from tests.support.apps import ROOT
from vmdash import charts, demo, export, metrics, model
from vmdash.errors import ImportRejected
from vmdash.ingest import Upload, import_files
from vmdash.store import Store, refresh_rollup

# Left out of the fast loop: every page through AppTest, once per hostile title and date.
pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MDLINK = "[click me](https://evil.example/login)"
JSLINK = "[x](javascript:alert(1))"
FORMULA = '=HYPERLINK("https://evil.example","y")'
# What must never reach a Markdown or HTML element as is.
RAW = ("<script", "<img", "](https://evil", "](javascript")
PAGES = [None, "pages/retention.py", "pages/completion.py", "pages/funnel.py", "pages/test-learn.py", "pages/video.py"]
HEADER = "date,platform,video_id,video_title,video_duration_s,campaign,impressions,views,video_starts,plays_p25,plays_p50,plays_p75,plays_p100,clicks,spend\n"


def _hostile_csv(path: Path) -> Path:
    rows = []
    titles = [SCRIPT, IMG, MDLINK, JSLINK, FORMULA]
    for day in range(1, 15):
        for n, title in enumerate(titles):
            quoted = '"' + title.replace('"', '""') + '"'
            rows.append(
                f"2026-03-{day:02d},{'youtube' if n % 2 == 0 else 'tiktok'},hostile{n},{quoted},45,{quoted},"
                f"{1000 + 10 * day},{400 + day},{500 + n},{300},{200},{120},{80 + n},{12},{9.5}\n"
            )
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile_app")
    path = folder / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    csv = _hostile_csv(folder / "hostile titles.csv")
    # Retention curves for two of them, so the Retention page writes their titles out.
    curves = folder / "youtube_api_audience_retention.csv"
    points = [f"hostile{n},{k / 100:.2f},{1 - k / 150:.4f},0.5\n" for n in (0, 2) for k in range(1, 101)]
    curves.write_text("video,elapsedVideoTimeRatio,audienceWatchRatio,relativeRetentionPerformance\n" + "".join(points))
    report, retention = import_files(s, [Upload(csv, csv.name), Upload(curves, curves.name)])
    assert (report.rows_loaded, retention.rows_loaded) == (70, 200)
    s.close()
    return path


def _shown(app: AppTest) -> list[str]:
    """Every element whose text is rendered as Markdown or HTML."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "latex"):
        texts += [str(getattr(e, "value", "")) for e in getattr(app, kind)]
    for metric in app.metric:
        texts += [str(metric.label), str(metric.value), str(getattr(metric, "help", "") or "")]
    # A static table's headings and cells are Markdown too.
    for table in app.table:
        texts += [str(c) for c in table.value.columns]
        texts += [str(v) for column in table.value.columns for v in table.value[column]]
    return texts


def _open(db: Path, monkeypatch, page: str | None, video: str | None = None) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if video:
        app.query_params["video"] = [video]
    if page:
        app.switch_page(page)
    return app.run()


@pytest.mark.parametrize("page", PAGES, ids=["overview", "retention", "completion", "funnel", "test_learn", "video"])
def test_pages_show_hostile_titles_inertly(hostile_db, monkeypatch, page):
    app = _open(hostile_db, monkeypatch, page)
    assert not app.exception, [e.value for e in app.exception]
    # The payload is in the data the page can offer (the video filter lists every title) ...
    if page is None:  # AppTest keeps the sidebar of the entry page only
        options = app.multiselect(key="video").options
        assert any(SCRIPT in o for o in options) and any(MDLINK in o for o in options)
    # ... and never reaches Markdown or HTML as is.
    for text in _shown(app):
        for fragment in RAW:
            assert fragment not in text, f"{fragment!r} rendered in {text[:200]!r}"


@pytest.mark.parametrize("title", [SCRIPT, MDLINK], ids=["script", "mdlink"])
def test_a_hostile_video_selected_by_link_is_shown_inertly(hostile_db, monkeypatch, title):
    label = f"{title} · YouTube"
    for page in PAGES:
        app = _open(hostile_db, monkeypatch, page, video=label)
        assert not app.exception, [e.value for e in app.exception]
        if page is None:
            assert app.multiselect(key="video").value == [label]
        for text in _shown(app):
            for fragment in RAW:
                assert fragment not in text, f"{page}: {fragment!r} rendered in {text[:200]!r}"


def test_chart_exports_escape_titles_and_neutralise_formulas():
    data = pd.DataFrame(
        {
            "video": [SCRIPT, IMG, MDLINK, FORMULA],
            "platform": ["youtube", "tiktok", "youtube", "meta"],
            "value": [0.4, 0.3, 0.2, 0.1],
            "volume": [1000, 900, 800, 700],
        }
    )
    chart = charts.ranked_bars(data, metrics.get("view_rate"), title=SCRIPT)
    svg = export.svg_bytes(chart).decode("utf-8")
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # shown, as text
    assert "onerror=alert(1)" not in svg.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    rows = pd.read_csv(io.StringIO(export.csv_bytes(data).decode("utf-8-sig")), dtype=str)
    assert rows["video"].tolist() == [SCRIPT, IMG, MDLINK, "'" + FORMULA]
    assert export.file_stem(SCRIPT) == "script_alert_1_script"


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "99999-01-01", "1899-12-31"])
def test_an_out_of_range_date_is_refused_in_its_row(tmp_path, date):
    s = Store(tmp_path / "vmdash.duckdb", idle_release_s=None)
    demo.load_samples(s)
    before = store_checks.fingerprint(s)
    csv = tmp_path / "odd date.csv"
    csv.write_text(HEADER + f"{date},youtube,odd,Odd,45,Odd,10,5,5,4,3,2,1,1,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        import_files(s, [Upload(csv, csv.name)])
    assert "'date' is not a date from 1990 to 2099" in str(refused.value)
    assert store_checks.fingerprint(s) == before
    s.close()


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "99999-01-01"])
def test_a_stored_out_of_range_date_never_breaks_the_app(tmp_path, monkeypatch, date):
    # A database written before imports checked the span may hold such a date already.
    path = tmp_path / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    with s.transaction() as con:
        con.execute(
            "UPDATE facts SET date = CAST($d AS DATE) WHERE rowid = (SELECT min(rowid) FROM facts)", {"d": date}
        )
        # (Opening such a database sums its facts into the rollup, as the migration that adds it does.)
        refresh_rollup(con, [r[0] for r in con.execute("SELECT import_id FROM imports").fetchall()])
    s.close()
    app = _open(path, monkeypatch, None)
    assert not app.exception, [e.value[:200] for e in app.exception]
    first, last = app.date_input(key="dates").value
    assert model.FIRST_DATE <= first <= last <= model.LAST_DATE


def test_safe_text_escapes_html():
    from vmdash.ui.common import safe_text

    for payload in (SCRIPT, IMG):
        assert "<" not in safe_text(payload) and ">" not in safe_text(payload)


@pytest.mark.parametrize("payload", [MDLINK, JSLINK], ids=["https", "javascript"])
def test_safe_text_leaves_no_markdown_link(payload):
    from vmdash.ui.common import safe_text

    assert "](" not in safe_text(payload)
