"""The Plans page: an analyst plans a video before its data exists, imports it and reads its scorecard; a viewer only reads."""

from __future__ import annotations

import csv
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ANALYST_KEY, ROOT, shown_table
from vmdash import plans, roles
from vmdash.ingest import Upload, import_files
from vmdash.store import Store


@pytest.fixture
def fresh(tmp_path, sample_db_file, monkeypatch):
    path = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    monkeypatch.setenv("VMDASH_DB", str(path))
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    return path


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.success, *app.info, *app.error, *app.caption, *app.markdown)]
    return "\n".join(str(p) for p in parts)


def _plans_script(db_path: str) -> None:
    """The Plans page's analyst controls (a click on a page reached by switch_page is lost in AppTest)."""
    from vmdash import ui
    from vmdash.queries import scorecards
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)
    data = scorecards.load(s)
    ui.unplanned_note(data)
    ui.saved_note()
    ui.plan_form(s, data)
    ui.plans_editor(s, data)
    s.close()


def test_analyst_plans_a_video_imports_it_and_sees_its_scorecard(fresh, tmp_path):
    app = AppTest.from_function(_plans_script, args=(str(fresh),), default_timeout=90)
    app.session_state["_vmdash_role"] = "analyst"
    app.run()
    assert not app.exception, app.exception
    assert "have no plan" in _texts(app)
    app.text_input(key="plan_form_key").input("vid_launch")
    app.selectbox(key="plan_form_objective").set_value("awareness")
    app.selectbox(key="plan_form_kpi").set_value("view_rate")
    app.number_input(key="plan_form_target").set_value(30.0)
    next(b for b in app.button if b.label == "Save plan").click().run()
    assert not app.exception, app.exception
    assert "Plans: 1 added." in _texts(app)

    store = Store(fresh, idle_release_s=None)
    assert [p.plan_id for p in plans.plans(store)] == ["video:vid_launch"]
    export = tmp_path / "launch.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "video_id", "video_title", "impressions", "views"])
        out.writerows([["2026-03-01", "youtube", "vid_launch", "Launch film", 1000, 400]])
    import_files(store, [Upload(export, export.name)])
    store.close()

    app = _app()
    app.run()
    app.text_input(key="_analyst_key").input(ANALYST_KEY).run()
    app.switch_page("pages/plans.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Plans"
    table = app.dataframe[0].value
    row = table[table["Video or campaign"] == "Launch film"].iloc[0]
    # 400 / 1,000 views per impression: Wilson 37.0 % to 43.1 %, wholly above 30 %.
    assert row["Target"] == "View rate ≥ 30 %"
    assert row["Verdict"] == "met"


def test_a_viewer_reads_plans_and_gets_no_editor(fresh):
    store = Store(fresh, idle_release_s=None)
    plans.save(store, roles.ANALYST, plans.clean({"key": "vid_x", "objective": "loyalty", "kpi": "ctr", "target": 1}))
    store.close()
    app = _app()
    app.run()
    app.switch_page("pages/plans.py").run()
    assert not app.exception, app.exception
    assert not [b for b in app.button if b.label in ("Save plan", "Save plans")]
    assert any("vid_x" in str(df.value.to_string()) for df in app.dataframe)


def _one_video_script(db_path: str, key: str) -> None:
    """What the video page draws for its plan: `ui.plan_scorecard`."""
    from vmdash import ui
    from vmdash.filters import FilterState
    from vmdash.queries.scorecards import video_card
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)
    ui.plan_scorecard(video_card(s, FilterState(), key))
    s.close()


def test_one_videos_plan_and_scorecard(fresh):
    store = Store(fresh, idle_release_s=None)
    key = store.scalar(
        "SELECT video_id FROM active_facts WHERE platform = 'youtube' AND video_id IS NOT NULL "
        "GROUP BY 1 ORDER BY sum(impressions) DESC NULLS LAST LIMIT 1"
    )
    plan = {"key": key, "objective": "awareness", "channels": "social", "kpi": "view_rate", "target": 0.5}
    plans.save(store, roles.ANALYST, plans.clean({**plan, "owner": "Léa", "note": "Spring launch *hero*"}))
    store.close()
    app = AppTest.from_function(_one_video_script, args=(str(fresh), key), default_timeout=60).run()
    assert not app.exception, app.exception
    text = _texts(app)
    assert "Objective awareness · channels social · target View rate ≥ 0.5 % · owner Léa" in text
    assert "Spring launch \\*hero\\*" in text  # shown as typed, not as Markdown
    assert shown_table(app).iloc[0]["Target"] == "View rate ≥ 0.5 %"
    other = AppTest.from_function(_one_video_script, args=(str(fresh), "not-planned"), default_timeout=60).run()
    assert "This video has no plan" in _texts(other)


def test_a_video_without_its_own_plan_shows_its_campaigns(fresh):
    store = Store(fresh, idle_release_s=None)
    key, campaign = store.rows(
        "SELECT coalesce(video_id, ad), any_value(campaign) FROM active_facts "
        "WHERE coalesce(video_id, ad) IS NOT NULL AND campaign IS NOT NULL "
        "GROUP BY 1 HAVING count(DISTINCT campaign) = 1 ORDER BY 1 LIMIT 1"
    )[0]
    plans.save(
        store,
        roles.ANALYST,
        plans.clean({"kind": "campaign", "key": campaign, "objective": "conversion", "kpi": "cpa", "target": 12}),
    )
    store.close()
    app = AppTest.from_function(_one_video_script, args=(str(fresh), key), default_timeout=60).run()
    assert not app.exception, app.exception
    assert f"Campaign {campaign}'s plan · Objective conversion" in _texts(app).replace("\\", "")
    assert shown_table(app).iloc[0]["Target"] == "CPA ≤ 12"
