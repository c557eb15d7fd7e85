"""Test & learn in the app: the verdict a reader sees for a clear winner and for an inconclusive pair."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import read_as_shown
from tests.support.choices import CTR_OPTION
from vmdash import metrics
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

# Left out of the fast loop: Test & learn through AppTest, one full app run per verdict.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# campaign -> (impressions, clicks) over 10 days; WIN_B's CTR is three times WIN_A's,
# TIE_D's only 10 % above TIE_C's on the same volume: far inside the noise.
CAMPAIGNS = {"WIN_A": (20_000, 100), "WIN_B": (20_000, 300), "TIE_C": (20_000, 100), "TIE_D": (20_000, 110)}


def _write_export(path: Path) -> Path:
    start = dt.date(2026, 3, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "channel", "objective", "campaign", "ad", "impressions", "clicks", "spend"])
        for campaign, (impressions, clicks) in CAMPAIGNS.items():
            for day in range(10):
                date = (start + dt.timedelta(days=day)).isoformat()
                out.writerow(
                    [
                        date,
                        "youtube",
                        "ads",
                        "acquisition",
                        campaign,
                        f"{campaign} ad",
                        impressions // 10,
                        clicks // 10,
                        20,
                    ]
                )
    return path


@pytest.fixture(scope="module")
def test_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("testlearn")
    db = folder / "vmdash.duckdb"
    s = Store(db, idle_release_s=None)
    export = _write_export(folder / "hook_test.csv")
    import_files(s, [Upload(export, export.name)])
    s.close()
    return db


def _open(db: Path, monkeypatch, campaigns: list[str]) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["test_by"] = "campaigns"
    at.query_params["test_kpi"] = CTR_OPTION
    at.query_params["test_campaigns"] = campaigns
    at.switch_page("pages/test-learn.py")
    at.run()
    assert not at.exception
    return at


def test_a_clear_winner_is_named_with_its_lead_and_interval(test_db, monkeypatch):
    at = _open(test_db, monkeypatch, ["WIN_A", "WIN_B"])
    assert at.multiselect(key="test_campaigns").value == ["WIN_A", "WIN_B"]
    wins = [read_as_shown(s.value) for s in at.success]
    assert "WIN_B beats WIN_A on click-through rate: +1.0 pts, 95 % CI +0.8 to +1.2 (p < 0.001)." in wins, wins
    assert not any("No clear winner" in i.value for i in at.info)


def test_an_inconclusive_pair_says_so_and_how_much_more_it_needs(test_db, monkeypatch):
    at = _open(test_db, monkeypatch, ["TIE_C", "TIE_D"])
    infos = [read_as_shown(i.value) for i in at.info]
    verdict = next(v for v in infos if v.startswith("No clear winner on click-through rate yet"))
    # 110 against 100 clicks on 20,000 impressions each: +0.05 pts, which one decimal showed as "+0.0".
    assert "TIE_D vs TIE_C +0.05 pts, 95 % CI -0.09 to +0.19" in verdict, verdict
    assert "needs about" in verdict and "more impressions per variant" in verdict
    assert not any("beats" in s.value for s in at.success)


# -- videos, name tokens, platform warnings and an orphaned loop-log entry on a second database -----------

HOOK_OPTION = f"{metrics.get('hook_rate').label} ({metrics.get('hook_rate').objective})"
# (video_id or None for an ad without one, title or ad name, platform, impressions, 3-second plays) over 10 days.
CREATIVES = [
    ("hook_a", "Hook A", "youtube", 10_000, 2_500),  # 25 %
    ("hook_b", "Hook B", "youtube", 10_000, 3_000),  # 30 %: a clear win over Hook A
    ("hook_t", "Hook T", "tiktok", 10_000, 2_500),  # the same rate on another platform
    (None, "Spring_A_9x16", "youtube", 2_000, 500),  # token A: 25 %
    (None, "Spring_B_9x16", "youtube", 2_000, 520),  # token B: 26 %, far inside the noise
]


def _write_creatives(path: Path, rows: list[tuple[str | None, str, str, int, int]], campaign: str) -> Path:
    start = dt.date(2026, 3, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["date", "platform", "objective", "campaign", "ad", "video_id", "video_title", "impressions", "views_3s"]
        )
        for video, name, platform, impressions, plays in rows:
            for day in range(10):
                date = (start + dt.timedelta(days=day)).isoformat()
                ad, title = (name, "") if video is None else (f"{name} ad", name)
                out.writerow(
                    [date, platform, "awareness", campaign, ad, video or "", title, impressions // 10, plays // 10]
                )
    return path


@pytest.fixture(scope="module")
def creative_db(tmp_path_factory) -> Path:
    from vmdash import looplog, roles
    from vmdash.ingest import undo

    folder = tmp_path_factory.mktemp("creatives")
    db = folder / "vmdash.duckdb"
    s = Store(db, idle_release_s=None)
    export = _write_creatives(folder / "creatives.csv", CREATIVES, "SPRING")
    import_files(s, [Upload(export, export.name)])
    gone = _write_creatives(folder / "gone.csv", [("gone_v", "Gone cut", "youtube", 1_000, 200)], "OLD")
    (report,) = import_files(s, [Upload(gone, gone.name)])
    looplog.record(s, roles.ANALYST, "Learning", dt.date(2026, 3, 5), "Short cut wins", videos=["gone_v"])
    looplog.record(s, roles.ANALYST, "Test started", dt.date(2026, 3, 1), "Hook test", videos=["hook_a", "hook_b"])
    undo(s, report.import_id)
    s.close()
    return db


def _open_page(db: Path, monkeypatch, params: dict[str, object]) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/test-learn.py")
    at.run()
    assert not at.exception
    return at


def test_videos_picked_from_a_link_show_the_winner(creative_db, monkeypatch):
    at = _open_page(
        creative_db, monkeypatch, {"test_kpi": HOOK_OPTION, "test_videos": ["Hook A · YouTube", "Hook B · YouTube"]}
    )
    assert at.multiselect(key="test_videos").value == ["Hook A · YouTube", "Hook B · YouTube"]
    wins = [read_as_shown(s.value) for s in at.success]
    # 3,000 / 10,000 against 2,500 / 10,000: Newcombe's interval +0.0376 to +0.0623 by hand.
    assert "Hook B · YouTube beats Hook A · YouTube on hook rate: +5.0 pts, 95 % CI +3.8 to +6.2 (p < 0.001)." in wins
    assert not [w.value for w in at.warning]  # same platform, same dates: nothing to warn about


def test_name_tokens_from_a_link_are_inconclusive(creative_db, monkeypatch):
    at = _open_page(
        creative_db,
        monkeypatch,
        {"test_by": "name tokens", "test_kpi": HOOK_OPTION, "test_tokens": ["A", "B"]},
    )
    infos = [read_as_shown(i.value) for i in at.info]
    verdict = next(v for v in infos if v.startswith("No clear winner on hook rate yet"))
    assert verdict.startswith("No clear winner on hook rate yet: B vs A +1.0 pts, 95 % CI -1.7 to +3.7")
    assert "more impressions per variant" in verdict
    assert not at.success


def test_variants_on_different_platforms_are_warned_about(creative_db, monkeypatch):
    at = _open_page(
        creative_db, monkeypatch, {"test_kpi": HOOK_OPTION, "test_videos": ["Hook A · YouTube", "Hook T · TikTok"]}
    )
    warnings = [read_as_shown(w.value) for w in at.warning]
    assert any(w.startswith("The variants ran on different platforms (Hook A · YouTube: YouTube; ") for w in warnings)
    assert any("TikTok and LinkedIn: 2 s" in w for w in warnings)


def test_an_entry_whose_video_was_undone_is_shown_orphaned(creative_db, monkeypatch):
    at = _open_page(creative_db, monkeypatch, {})
    log = next(df.value for df in at.dataframe if "Stage" in df.value.columns)
    rows = log.set_index("Note")
    assert list(log["Note"]) == ["Short cut wins", "Hook test"]  # newest first; the orphan is kept
    assert rows.loc["Short cut wins", "Status"] == "orphaned: Gone cut · YouTube no longer in the data"
    assert rows.loc["Short cut wins", "About"] == "Gone cut · YouTube"
    assert rows.loc["Hook test", "Status"] == "active"
    assert any("1 entry is about videos or campaigns whose import was undone" in c.value for c in at.caption)
