"""The Overview sets organic and paid of one platform side by side, and a link keeps that split."""

from __future__ import annotations

import pytest

from tests.support.apps import shown_table
from vmdash import queries
from vmdash.store import Store
from vmdash.ui.common import side_by_side_table


def _side_by_side(app):
    tables = [shown_table(app, i) for i in range(len(app.table))]
    tables = [t for t in tables if "Channel" in t.columns and "Platform" in t.columns]
    assert len(tables) == 1, [t.columns for t in tables]
    return tables[0]


def test_the_overview_shows_organic_and_paid_facebook_and_tiktok(app, app_db):
    app.run()
    assert not app.exception
    assert any(h.value == "Organic and paid, platform by platform" for h in app.subheader)
    shown = _side_by_side(app)
    s = Store(app_db, idle_release_s=None)
    want = side_by_side_table(queries.channels_side_by_side(s), queries.currency(s))
    s.close()
    assert shown.reset_index(drop=True).equals(want.reset_index(drop=True))
    assert list(zip(shown["Platform"], shown["Channel"], strict=True)) == [
        ("Facebook", "organic"),
        ("Facebook", "paid"),
        ("TikTok", "organic"),
        ("TikTok", "paid"),
    ]


def test_a_link_can_split_the_trend_by_platform_and_channel(app):
    app.query_params["split"] = ["platform and channel"]
    app.query_params["kpi"] = ["Average view duration"]
    app.run()
    assert not app.exception
    assert app.selectbox(key="split").value == "platform and channel"
    assert not [n for n in app.warning if "dropped" in n.value]


def test_one_channel_selected_leaves_nothing_to_set_side_by_side(app):
    app.query_params["channel"] = ["ads"]
    app.run()
    assert not app.exception
    assert not any(h.value == "Organic and paid, platform by platform" for h in app.subheader)


@pytest.mark.slow
def test_account_totals_summed_with_per_video_rows_are_called_out(tmp_path, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from vmdash import demo
    from vmdash.ingest import Options, Upload, import_files

    db = tmp_path / "overlap.duckdb"
    s = Store(db, idle_release_s=None)
    demo.load_samples(s)
    overview = Path(__file__).resolve().parents[1] / "data" / "social" / "Overview.csv"
    import_files(s, [Upload(overview, overview.name)], Options(year=2026))
    s.close()
    monkeypatch.setenv("VMDASH_DB", str(db))
    app = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    notes = [w.value for w in app.warning if "count the same views twice" in w.value]
    assert len(notes) == 1 and notes[0].startswith("TikTok organic: ") and "12,501 views" in notes[0]
