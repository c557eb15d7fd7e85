"""The Video page's summaries (first days, funnel steps, traffic sources) read as the query layer sums them.

They are static tables (ui.table): a few rows each, no grid on the page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import videos
from tests.support.apps import ROOT, shown_table
from vmdash import metrics
from vmdash.ingest import Upload, import_files
from vmdash.store import Store


@pytest.fixture(scope="module")
def videos_db(tmp_path_factory, empty_db_file) -> Path:
    folder = tmp_path_factory.mktemp("video_tables")
    path = folder / "vmdash.duckdb"
    shutil.copyfile(empty_db_file, path)
    s = Store(path, idle_release_s=None)
    try:
        export = videos.write_export(folder)
        import_files(s, [Upload(export, export.name)])
    finally:
        s.close()
    return path


def _open(db: Path, monkeypatch, key: str) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["video"] = [key]
    app.switch_page("pages/video.py")
    app.run()
    assert not app.exception, app.exception
    return app


def _number(value: float) -> str:
    return metrics.format_value(value, "number")


def _tables(app: AppTest) -> dict[str, object]:
    """The page's static tables by their first heading."""
    return {str(t.columns[0]): t for t in (shown_table(app, i) for i in range(len(app.table)))}


def test_first_days_and_funnel_steps_of_a_video(videos_db, monkeypatch):
    app = _open(videos_db, monkeypatch, "A")
    assert not app.dataframe  # every summary on this page is a static table
    tables = _tables(app)
    # Day 1 from each publish date: A 100; peers B 200 and C 300. Seven days: A 400; B 1,400, C 2,100.
    first = tables["Views in"].set_index("Views in")
    columns = ["This video", "Typical video", "Videos compared"]
    assert first.loc["First day", columns].tolist() == [_number(100), _number(250), "2"]
    assert first.loc["First 7 days", columns].tolist() == [_number(400), _number(1750), "2"]
    assert first.loc["First 28 days", ["This video", "Typical video"]].tolist() == ["not reported"] * 2
    steps = tables["Step"].set_index("Step")
    assert steps.loc["Impressions", "Volume"] == _number(7000)
    assert steps.loc["Views", "Volume"] == _number(400)
    assert steps.loc["Views", "Rate"] == "5.7 %"  # 400 views of 7,000 impressions


def test_traffic_sources_of_a_video(videos_db, monkeypatch):
    app = _open(videos_db, monkeypatch, "D")
    sources = _tables(app)["Source"]
    assert sources["Views"].tolist() == [_number(70), _number(30)]
    assert sources["Share of views"].tolist() == ["70.0 %", "30.0 %"]
