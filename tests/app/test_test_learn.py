"""Test & learn in the app: the verdict a reader sees for a clear winner and for an inconclusive pair."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vmdash import metrics
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
# campaign -> (impressions, clicks) over 10 days; WIN_B's CTR is three times WIN_A's,
# TIE_D's only 10 % above TIE_C's on the same volume: far inside the noise.
CAMPAIGNS = {"WIN_A": (20_000, 100), "WIN_B": (20_000, 300), "TIE_C": (20_000, 100), "TIE_D": (20_000, 110)}
CTR_OPTION = next(k for k, v in {f"{metrics.get('ctr').label} ({metrics.get('ctr').objective})": "ctr"}.items())


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


def _shown(text: str) -> str:
    # Verdicts are markdown with names escaped (a title cannot inject formatting): read them as rendered.
    return text.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _open(db: Path, monkeypatch, campaigns: list[str]) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["test_by"] = "campaigns"
    at.query_params["test_kpi"] = CTR_OPTION
    at.query_params["test_campaigns"] = campaigns
    at.switch_page("pages/test_learn.py")
    at.run()
    assert not at.exception
    return at


def test_a_clear_winner_is_named_with_its_lead_and_interval(test_db, monkeypatch):
    at = _open(test_db, monkeypatch, ["WIN_A", "WIN_B"])
    assert at.multiselect(key="test_campaigns").value == ["WIN_A", "WIN_B"]
    wins = [_shown(s.value) for s in at.success]
    assert "WIN_B beats WIN_A on click-through rate: +1.0 pts, 95 % CI +0.8 to +1.2 (p < 0.001)." in wins, wins
    assert not any("No clear winner" in i.value for i in at.info)


def test_an_inconclusive_pair_says_so_and_how_much_more_it_needs(test_db, monkeypatch):
    at = _open(test_db, monkeypatch, ["TIE_C", "TIE_D"])
    infos = [_shown(i.value) for i in at.info]
    verdict = next(v for v in infos if v.startswith("No clear winner on click-through rate yet"))
    assert "TIE_D vs TIE_C +0.0 pts, 95 % CI -0.1 to +0.2" in verdict, verdict
    assert "needs about" in verdict and "more impressions per variant" in verdict
    assert not any("beats" in s.value for s in at.success)
