"""Plans: a plan's objective and channel win over the rules, exactly, through imports, removal and undo."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.support.store_checks import rollup_agrees
from vmdash import plans, roles
from vmdash.errors import PermissionDenied, VmdashError
from vmdash.ingest import Upload, import_files, undo
from vmdash.store import Store


def _export(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    """A generic export: (campaign, video id, platform, views) per row, four days each, 1000 impressions a day."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "campaign", "video_id", "video_title", "impressions", "views"])
        for campaign, video, platform, views in rows:
            for day in range(1, 5):
                out.writerow([f"2026-03-{day:02d}", platform, campaign, video, f"Title {video}", 1000, views])
    return path


ROWS = [("SPRING_AWA_2026", "vid_a", "youtube", 100), ("brand", "vid_b", "youtube", 10), ("brand", "vid_c", "vimeo", 1)]


def _totals(store: Store) -> dict[tuple[str, str], int]:
    """Views per (objective, channel) from the facts, checked against every grain of the rollup."""
    facts = dict(
        ((o, c), int(v))
        for o, c, v in store.rows("SELECT objective, channel, sum(views) FROM active_facts GROUP BY 1, 2")
    )
    for grain in ("month", "all", "day"):
        held = dict(
            ((o, c), int(v))
            for o, c, v in store.rows(
                "SELECT objective, channel, sum(views) FROM facts_summed WHERE _grain = $g GROUP BY 1, 2", {"g": grain}
            )
        )
        assert held == facts, grain
    assert rollup_agrees(store)
    return facts


def _plan(key: str, objective: str, channels: str = "", kind: str = "video", kpi: str = "view_rate") -> plans.Plan:
    return plans.clean(
        {"kind": kind, "key": key, "objective": objective, "channels": channels, "kpi": kpi, "target": 5}
    )


RULES = {("awareness", "social"): 400, ("unassigned", "social"): 40, ("unassigned", "website"): 4}


def test_plan_wins_then_removal_reimport_and_undo_restore_exactly(store, tmp_path):
    (first,) = import_files(store, [Upload(_export(tmp_path / "a.csv", ROWS), "a.csv")])
    assert _totals(store) == RULES

    plans.save(store, roles.ANALYST, _plan("vid_b", "conversion", "sales, social"), by="ana")
    # vid_b keeps its rule channel (social is listed); vid_c takes the campaign plan's first channel.
    assert _totals(store) == {("awareness", "social"): 400, ("conversion", "social"): 40, ("unassigned", "website"): 4}

    plans.save(store, roles.ANALYST, _plan("brand", "loyalty", "email", kind="campaign"))
    # The video plan beats the campaign plan for vid_b; vid_c (website, not listed) moves to email.
    assert _totals(store) == {("awareness", "social"): 400, ("conversion", "social"): 40, ("loyalty", "email"): 4}

    plans.remove(store, roles.ANALYST, "video:vid_b")
    assert _totals(store) == {("awareness", "social"): 400, ("loyalty", "email"): 44}
    plans.remove(store, roles.ANALYST, "campaign:brand")
    assert _totals(store) == RULES
    assert store.scalar("SELECT count(*) FROM facts WHERE rule_objective IS NOT NULL") == 0

    # A plan for a video not imported yet waits; the import applies it and a re-import keeps it.
    plans.save(store, roles.ANALYST, _plan("vid_new", "acquisition", "seo"))
    assert plans.table(store).set_index("key")["in_data"].to_dict() == {"vid_new": False}
    (second,) = import_files(
        store, [Upload(_export(tmp_path / "b.csv", [*ROWS, ("SPRING_AWA_2026", "vid_new", "youtube", 1000)]), "b.csv")]
    )
    planned = {**RULES, ("acquisition", "seo"): 4000}
    assert _totals(store) == planned
    assert plans.table(store).set_index("key")["in_data"].to_dict() == {"vid_new": True}

    # Undo brings back the first import's rows, which carry the plans of today.
    plans.save(store, roles.ANALYST, _plan("vid_a", "conversion", "ads"))
    moved = {("conversion", "ads"): 400, ("unassigned", "social"): 40, ("unassigned", "website"): 4}
    assert _totals(store) == {**moved, ("acquisition", "seo"): 4000}
    undo(store, second.import_id)
    assert _totals(store) == moved
    undo(store, first.import_id)
    assert _totals(store) == {}
    assert store.scalar("SELECT count(*) FROM plans") == 2  # plans outlive the data


def test_history_and_roles(store):
    with pytest.raises(PermissionDenied):
        plans.save(store, roles.VIEWER, _plan("vid_x", "awareness"))
    plans.save(store, roles.ANALYST, _plan("vid_x", "awareness"), by="ana")
    assert not plans.save(store, roles.ANALYST, _plan("vid_x", "awareness"), by="ana").any
    plans.save(store, roles.ANALYST, _plan("vid_x", "loyalty"), by="bob")
    plans.remove(store, roles.ANALYST, "video:vid_x", by="cy")
    rows = plans.history(store)
    assert list(rows["action"]) == ["removed", "changed", "added"]
    changed = rows[rows["action"] == "changed"].iloc[0]
    assert changed["changed_by"] == "bob"
    assert '"objective": "awareness"' in changed["before"] and '"objective": "loyalty"' in changed["after"]
    assert changed["changes"] == "objective: awareness → loyalty"
    assert rows.iloc[2]["changes"] == "objective: — → awareness; kpi: — → view_rate; target: — → 5"
    with pytest.raises(VmdashError):
        plans.remove(store, roles.ANALYST, "video:vid_x")


def _cli(db: Path, *args: str) -> int:
    from vmdash import cli

    return cli.main(["plan", *args, "--db", str(db)])


HEADER = "kind,key,objective,channels,format,launch_on,kpi,target,secondary,owner,note\n"


def test_cli_round_trip_changes_nothing_and_edits_apply(db_path, tmp_path, capsys):
    store = Store(db_path, idle_release_s=None)
    import_files(store, [Upload(_export(tmp_path / "a.csv", ROWS), "a.csv")])
    plans.save(store, roles.ANALYST, _plan("vid_b", "conversion", "sales, social"), by="ana")
    plans.save(store, roles.ANALYST, _plan("brand", "loyalty", "email", kind="campaign"), by="ana")
    store.close()
    exported = tmp_path / "plan.csv"
    assert _cli(db_path, "export", str(exported)) == 0
    text = exported.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert 'video,vid_b,conversion,"sales, social",,,view_rate,5,,,' in text
    assert _cli(db_path, "import", str(exported)) == 0
    assert "no plan changed" in capsys.readouterr().out
    store = Store(db_path, idle_release_s=None)
    assert store.scalar("SELECT count(*) FROM plan_history") == 2
    store.close()

    edited = text.replace("video,vid_b,conversion", "video,vid_b,awareness").replace(
        "campaign,brand,loyalty,email,,,view_rate,5", "campaign,brand,loyalty,email,,2026-03-01,cpa,12.5"
    )
    exported.write_text(edited, encoding="utf-8")
    assert _cli(db_path, "import", str(exported)) == 0
    assert "2 changed" in capsys.readouterr().out
    store = Store(db_path, idle_release_s=None)
    assert _totals(store) == {("awareness", "social"): 440, ("loyalty", "email"): 4}
    assert plans.to_csv(store) == edited
    store.close()


BAD_FILES = {
    "columns": ("kind,key,objective\nvideo,v,awareness\n", "row 1: the columns must be"),
    "kpi": (HEADER + "video,v,awareness,,,,view_ratio,5,,,\n", "row 2: unknown KPI 'view_ratio'"),
    "objective": (HEADER + "video,v,fame,,,,view_rate,5,,,\n", "row 2: unknown objective 'fame'"),
    "channel": (HEADER + "video,v,awareness,tv,,,view_rate,5,,,\n", "row 2: unknown channel 'tv'"),
    "number": (HEADER + "video,v,awareness,,,,view_rate,lots,,,\n", "row 2: the target must be a number"),
    "date": (HEADER + "video,v,awareness,,,2026-13-01,view_rate,5,,,\n", "row 2: the publish / launch date must be"),
    "duplicate": (
        HEADER + "video,v,awareness,,,,view_rate,5,,,\nvideo,v,loyalty,,,,ctr,1,,,\n",
        "row 3: video 'v' has a plan already, on row 2",
    ),
    "formula": (HEADER + "video,v,awareness,,,,view_rate,5,,=HYPERLINK(1),\n", "row 2: the owner must be text"),
    "control": (HEADER + "video,v,awareness,,,,view_rate,5,,,\x1b[2Jx\n", "row 2: the note must be printable"),
    "cells": (HEADER + "video,v,awareness\n", "row 2: 3 cells where the header has 11"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_malformed_plan_file_changes_nothing(db_path, tmp_path, capsys, name):
    from tests.support.store_checks import fingerprint

    store = Store(db_path, idle_release_s=None)
    plans.save(store, roles.ANALYST, _plan("vid_b", "conversion"), by="ana")
    before = fingerprint(store)
    store.close()
    text, reason = BAD_FILES[name]
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    assert _cli(db_path, "import", str(path)) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: bad.csv: " + reason), err
    assert err.endswith("nothing was changed")
    store = Store(db_path, idle_release_s=None)
    assert fingerprint(store) == before
    store.close()


def test_scorecards_judge_planned_videos_and_sum_spend_behind_misses(store, tmp_path):
    from vmdash.queries import scorecards as page

    import_files(store, [Upload(_export(tmp_path / "a.csv", ROWS), "a.csv")])
    # vid_a: 400 views / 4,000 impressions = 10 % (Wilson 9.1 % to 11.0 %); it reports no click.
    plans.save(
        store,
        roles.ANALYST,
        plans.clean(
            {
                "key": "vid_a",
                "objective": "awareness",
                "kpi": "view_rate",
                "target": 5,
                "secondary": "view_rate=12; ctr=1",
            }
        ),
    )
    secondary = page.load(store).cards.set_index("key").loc["vid_a", "secondary"]
    assert secondary == "View rate ≥ 12 %: missed; Click-through rate ≥ 1 %: no data"
    plans.remove(store, roles.ANALYST, "video:vid_a")
    plans.save(
        store, roles.ANALYST, plans.clean({"key": "vid_a", "objective": "awareness", "kpi": "view_rate", "target": 5})
    )
    # vid_b: 40 / 4,000 = 1 %, wholly below 5 %.
    plans.save(
        store, roles.ANALYST, plans.clean({"key": "vid_b", "objective": "awareness", "kpi": "view_rate", "target": 5})
    )
    plans.save(
        store, roles.ANALYST, plans.clean({"key": "vid_later", "objective": "loyalty", "kpi": "ctr", "target": 1})
    )
    assert list(page.load(store).unplanned["key"]) == ["vid_c"]
    # The brand campaign: 44 views of 8,000 impressions = 0.55 %, at least 0.1 %.
    brand = {"kind": "campaign", "key": "brand", "objective": "awareness", "channels": "social", "kpi": "view_rate"}
    brand["target"] = 0.1
    plans.save(store, roles.ANALYST, plans.clean(brand))
    data = page.load(store)
    verdicts = dict(zip(data.cards["key"], data.cards["verdict"], strict=True))
    assert verdicts == {"vid_a": "met", "vid_b": "missed", "vid_later": "no data", "brand": "met"}
    card = data.cards.set_index("key").loc["vid_a"]
    assert card["value"] == pytest.approx(0.1) and card["platform"] == "youtube" and card["volume"] == 4000
    summary = data.summary.set_index(["objective", "channel"])
    assert summary.loc[("awareness", "social"), ["planned", "met"]].tolist() == [3, 2]
    assert data.unplanned.empty
    from vmdash.filters import FilterState

    # The Video page narrows its selection to its video; the plan's card stays the Plans page's:
    # vid_c, under the brand campaign's plan, shows the campaign's 0.55 %, not its own views alone.
    on_page = page.video_card(store, FilterState(videos=("vid_c",)), "vid_c")
    assert on_page.plan is not None and on_page.plan.key == "brand"
    assert on_page.cards["value"].tolist() == pytest.approx([44 / 8000])
    # A video no plan governs gets no card, and its page works nothing out for one.
    none = page.video_card(store, FilterState(videos=("vid_none",)), "vid_none")
    assert none.plan is None and none.cards.empty and none.decisions.empty
    own = page.video_card(store, FilterState(videos=("vid_a",)), "vid_a").cards.iloc[0]
    assert own[["value", "typical", "peers"]].equals(card[["value", "typical", "peers"]]) and own["peers"] == 2
    # A period of one day: 100 + 10 views of 1,000 impressions each.
    import datetime as dt

    day = page.load(store, FilterState(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1)))
    assert dict(zip(day.cards["key"], day.cards["volume"], strict=True))["vid_a"] == 1000


def test_a_decision_names_its_plan_and_the_scorecard_shows_before_and_after(store, tmp_path):
    import datetime as dt

    from vmdash import looplog
    from vmdash.queries import scorecards as page

    path = tmp_path / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "video_id", "impressions", "views"])
        # 14 days at 10 % before 2026-04-15, 14 days at 15 % from it, and one day outside both windows.
        for day in range(1, 15):
            out.writerow([f"2026-04-{day:02d}", "youtube", "vid_d", 1000, 100])
        for day in range(15, 29):
            out.writerow([f"2026-04-{day:02d}", "youtube", "vid_d", 1000, 150])
        out.writerow(["2026-04-29", "youtube", "vid_d", 1000, 900])
    import_files(store, [Upload(path, "d.csv")])
    plans.save(store, roles.ANALYST, _plan("vid_d", "awareness"))
    with pytest.raises(VmdashError):
        looplog.record(
            store, roles.ANALYST, "amplified", dt.date(2026, 4, 15), "x", videos=["vid_d"], plan_id="video:no"
        )
    looplog.record(
        store, roles.ANALYST, "amplified", dt.date(2026, 4, 15), "more budget", videos=["vid_d"], plan_id="video:vid_d"
    )
    decisions = page.load(store).decisions
    assert len(decisions) == 1
    row = decisions.iloc[0]
    assert (row["plan_id"], row["stage"], row["kpi"]) == ("video:vid_d", "Amplified", "view_rate")
    assert row["before"] == pytest.approx(0.10) and row["after"] == pytest.approx(0.15)
    assert row["change"] == pytest.approx(0.5) and bool(row["better"]) is True


def test_plans_apply_in_a_ducklake_too(tmp_path, monkeypatch):
    pytest.importorskip("duckdb_extension_ducklake")
    monkeypatch.setenv("VMDASH_DATA_PATH", str(tmp_path / "data"))
    lake = Store(f"ducklake:{tmp_path / 'meta.ducklake'}", idle_release_s=None)
    try:
        import_files(lake, [Upload(_export(tmp_path / "a.csv", ROWS), "a.csv")])
        plans.save(lake, roles.ANALYST, _plan("vid_b", "conversion", "sales, social"))
        plans.save(lake, roles.ANALYST, _plan("brand", "loyalty", "email", kind="campaign"))
        planned = {("awareness", "social"): 400, ("conversion", "social"): 40, ("loyalty", "email"): 4}
        assert _views(lake, "active_facts") == _views(lake, "facts_summed WHERE _grain = 'all'") == planned
        plans.remove(lake, roles.ANALYST, "campaign:brand")
        plans.remove(lake, roles.ANALYST, "video:vid_b")
        assert _views(lake, "active_facts") == _views(lake, "facts_summed WHERE _grain = 'all'") == RULES
    finally:
        lake.close()


def _views(store: Store, source: str) -> dict[tuple[str, str], int]:
    return {
        (o, c): int(v) for o, c, v in store.rows(f"SELECT objective, channel, sum(views) FROM {source} GROUP BY 1, 2")
    }


@pytest.mark.parametrize(
    ("key", "kpi", "num", "den"),
    [
        # A TikTok Studio video of the samples: likes 3,104 + comments 142 + shares 288 over 64,120 views.
        ("7341100000000000101", "engagement_rate", 3104 + 142 + 288, 64120),
        # A YouTube video of the samples' traffic-source export: 3,478 of its 7,287 views from search.
        ("NOqiywd2Jz1", "search_share", 3478, 7287),
    ],
)
def test_a_scorecards_interval_counts_the_whole_numerator(tmp_path, key, kpi, num, den):
    # Its interval comes from the KPI's own numerator: every interaction, only the search views.
    from vmdash import demo
    from vmdash.queries import scorecards as page

    s = Store(tmp_path / "samples.duckdb", idle_release_s=None)
    try:
        demo.load_samples(s)
        plans.save(s, roles.ANALYST, _plan(key, "loyalty", kpi=kpi))
        card = page.load(s).cards.set_index("key").loc[key]
    finally:
        s.close()
    assert card["value"] == pytest.approx(num / den)
    assert card["low"] < num / den < card["high"]
    assert card["high"] - card["low"] < 0.03
