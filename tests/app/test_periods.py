"""Date presets and comparisons as links open them: chips name their period, bad words get a note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from vmdash import periods
from vmdash.ingest import Upload, import_files
from vmdash.queries import overview
from vmdash.store import Store

SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def two_years_db(tmp_path_factory, sample_db_file) -> Path:
    """The samples (Q1 2026) and the TikTok Ads export again one year earlier, for year-on-year chips."""
    folder = tmp_path_factory.mktemp("periods")
    path = folder / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    earlier = folder / "tiktok_ads_2025.csv"
    earlier.write_text((SAMPLES / "tiktok_ads.csv").read_text(encoding="utf-8").replace("2026-", "2025-"), "utf-8")
    s = Store(path, idle_release_s=None)
    try:
        assert import_files(s, [Upload(earlier, earlier.name)])[0].rows_loaded > 0
    finally:
        s.close()
    return path


def _open(db: Path, monkeypatch, params: dict, today: str | None = "2026-03-29") -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    if today:
        monkeypatch.setenv(periods.TODAY_ENV, today)
    else:
        monkeypatch.delenv(periods.TODAY_ENV, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chips(at: AppTest) -> list[str]:
    """Each change chip with the words beside it ("+12.0% vs 1–28 Feb 2026")."""
    return [f"{m.delta} {m.proto.delta_description}" for m in at.metric if m.delta]


def test_a_preset_and_year_on_year_link_names_the_period_on_every_chip(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"period": "last-28-days", "compare": "same-period-last-year"})
    assert at.selectbox(key="period").value == "last-28-days"
    assert at.selectbox(key="compare").value == "same-period-last-year"
    assert at.caption[0].value.startswith("Showing 2026-03-01 to 2026-03-28")
    assert "1–28 Mar 2026" in [c.value for c in at.sidebar.caption]
    chips = _chips(at)
    # TikTok Ads is there both years: its volumes and the awareness cards change.
    assert len(chips) >= 5
    assert all(c.endswith(" vs 1–28 Mar 2025") for c in chips), chips
    volumes = [m for m in at.metric][: len(overview.HEADLINE_VOLUMES)]
    assert [m.label for m in volumes][0] == "Views (per platform)"
    # TikTok Ads reports every volume but subscribers gained (YouTube's, absent in 2025).
    with_change = {m.label for m in volumes if m.delta and m.proto.delta_description == "vs 1–28 Mar 2025"}
    assert with_change == {m.label for m in volumes} - {"Subscribers gained"}
    assert not at.warning  # no link note: every value was used


def test_the_previous_period_is_named_too(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"period": "last-month"}, today="2026-04-02")
    assert at.caption[0].value.startswith("Showing 2026-03-01 to 2026-03-31")
    chips = _chips(at)
    assert chips and all(c.endswith(" vs 1–28 Feb 2026") for c in chips), chips


def test_an_unknown_period_word_gets_a_note_and_the_page_still_shows(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"period": "last-month-ish"})
    notes = [w.value for w in at.warning]
    assert any("period “last-month-ish” is not a preset" in n for n in notes), notes
    assert at.selectbox(key="period").value == periods.DEFAULT_PERIOD
    assert at.caption[0].value.startswith("All data")
    assert len(at.metric) >= 10


def test_a_period_without_data_says_when_the_latest_data_is(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"period": "last-7-days"}, today="2026-06-10")
    said = [w.value for w in at.warning]
    assert any(
        "No data in the last 7 days (3–9 Jun 2026): the latest data in this selection is from 31 Mar 2026." in w
        for w in said
    ), said
    assert not at.metric


def test_an_old_dates_link_keeps_its_dates(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"dates": ["2026-03-01", "2026-03-31"]}, today=None)
    assert at.selectbox(key="period").value == "custom"
    assert at.caption[0].value.startswith("Showing 2026-03-01 to 2026-03-31")
    assert all(c.endswith(" vs 1–28 Feb 2026") for c in _chips(at))


def test_the_overview_lists_every_channel_of_the_brief(two_years_db, monkeypatch):
    at = _open(two_years_db, monkeypatch, {"platform": ["vimeo"]})
    coverage = next(m.value for m in at.markdown if m.value.startswith("- **Social (organic)**"))
    assert "- **Website**: Vimeo" in coverage and "Vimeo Analytics (videos)" in coverage
    assert "- **Ads (paid)**: no data in this selection" in coverage
    assert "- **Sales**: no data yet; fed by any export imported with the channel “sales”" in coverage
    # The samples hold a YouTube traffic-source export: SEO has data, outside this selection.
    assert "- **SEO (search)**: no data in this selection" in coverage
