"""The Discovery page: views by traffic source and search share on seeded data; the export to get when there are none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def sourced_db(tmp_path_factory, sample_db_file) -> Path:
    """The samples plus a daily Traffic source export and two videos broken down by source."""
    folder = tmp_path_factory.mktemp("discovery")
    db = folder / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, db)
    rows = folder / "by_video.csv"
    rows.write_text(
        "date,platform,video_id,video_title,traffic_source,views\n"
        "2026-02-01,youtube,v1,Serum,YouTube search,100\n"
        "2026-02-01,youtube,v1,Serum,Suggested videos,300\n"
        "2026-02-01,youtube,v2,Retinol,External,40\n",
        encoding="utf-8",
    )
    s = Store(db, idle_release_s=None)
    for path in (DATA / "youtube" / "traffic_source_chart.csv", rows):
        import_files(s, [Upload(path, path.name)])
    s.close()
    return db


def _discovery(db: Path, monkeypatch, **params: list[str]) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/discovery.py").run()
    assert not at.exception, at.exception
    return at


def test_discovery_shows_search_share_the_chart_and_the_table(sourced_db, monkeypatch):
    at = _discovery(sourced_db, monkeypatch)
    assert at.title[0].value == "Discovery"
    # Search: 5,223 (samples) + 6,042 (chart export) + 100, of 26,800 + 24,159 + 440 views with a source.
    want = (5223 + 6042 + 100) / (26800 + 24159 + 440)
    assert [m.value for m in at.metric if m.label == "Search share"] == [f"{want * 100:.1f} %"]
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    titles = [c["title"]["text"] for c in charts]
    assert titles == ["Where views come from", "Views by source over time"]
    table = at.dataframe[0].value.set_index("Video")
    assert list(table.index) == [
        "Whole channel (no video named)",
        "Shorts: serum drop test",
        "5 mistakes with retinol",
        "Customer story: Claire, 42",
        "Serum",
        "Retinol",
    ]
    assert table.loc["Serum", "Views with a source"] == "400" and table.loc["Serum", "Search share"] == "25.0 %"
    assert table.loc["Retinol", "Search share"] == "0.0 %"


def test_discovery_honours_the_filters(sourced_db, monkeypatch):
    at = _discovery(sourced_db, monkeypatch, dates=["2026-03-01", "2026-03-01"])
    assert [m.value for m in at.metric if m.label == "Search share"] == [f"{1014 / 4053 * 100:.1f} %"]
    assert list(at.dataframe[0].value["Video"]) == ["Whole channel (no video named)"]


def test_without_traffic_sources_the_page_names_the_export(app_db, monkeypatch):
    # The samples' sources are YouTube's: a TikTok selection holds none.
    at = _discovery(app_db, monkeypatch, platform=["tiktok"])
    assert not at.get("vega_lite_chart") and not at.dataframe
    (note,) = [i.value for i in at.info if "traffic source" in i.value]
    assert "YouTube Studio → Analytics → Advanced mode → Traffic source → export" in note
