"""Google Ads reports no plays started: no rate calls its quartile counts a share of starts.

Its quartiles are rates of impressions (turned into counts at import), so video_starts stays
NULL; rates on starts leave Google out instead of dividing by its impressions, and a share
of views leaves its quartiles out too. Totals below are the sample CSVs' own (see
test_import_fixtures): Google Ads 2,675,539 impressions, 565,602 views, 1,369,292 half-watched
plays, 832,237 completed plays; LinkedIn 181,337 starts, 119,901 views, 69,816 half-watched
plays, 37,822 completed plays.
"""

from __future__ import annotations

import pytest

from vmdash import queries
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files
from vmdash.queries import completion, funnel_impact

GOOGLE = FilterState(platforms=("google_ads",))
BOTH = FilterState(platforms=("google_ads", "linkedin"))


@pytest.fixture
def loaded(store, samples):
    import_files(
        store,
        [
            Upload(samples / "google_ads_video.csv", "google.csv"),
            Upload(samples / "linkedin_campaign_manager.csv", "linkedin.csv"),
        ],
    )
    return store


def test_google_rows_report_no_plays_started(loaded):
    starts, impressions = loaded.rows(
        "SELECT sum(video_starts), sum(impressions) FROM active_facts WHERE platform = 'google_ads'"
    )[0]
    assert (starts, impressions) == (None, 2675539)


def test_rates_on_starts_are_not_reported_for_google_and_per_impression_are(loaded):
    got = queries.kpis(loaded, ("completion_rate", "p25_rate", "completions_per_impression"), GOOGLE)
    assert got["completion_rate"].value is None
    assert got["p25_rate"].value is None
    assert got["completions_per_impression"].value == pytest.approx(832237 / 2675539)


def test_a_mixed_selection_does_not_blend_google_into_rates_on_starts(loaded):
    got = queries.kpis(loaded, ("completion_rate",), BOTH)["completion_rate"]
    # LinkedIn's own rate: Google's impressions are not starts (blended it read 30.4 %).
    assert got.value == pytest.approx(37822 / 181337)


def test_the_funnel_does_not_judge_google_quartiles_per_view(loaded):
    frame = funnel_impact.funnel(loaded, BOTH, "platform")
    google = frame[frame["group"] == "google_ads"].iloc[0]
    total = frame[frame["is_total"]].iloc[0]
    assert google["half_watched_rate"] != google["half_watched_rate"]  # NaN: not reported (was 242.1 %)
    assert total["half_watched_rate"] == pytest.approx(69816 / 119901)
    # Google's views are left out of the whole selection's half-watched rate, and the coverage says so.
    assert total["half_watched_rate__coverage"] == pytest.approx(119901 / (119901 + 565602))
    steps = funnel_impact.funnel_steps(frame)
    linkedin = steps[(steps["group"] == "linkedin") & (steps["kpi"] == "half_watched_rate")].iloc[0]
    assert linkedin["index"] == pytest.approx(1.0)


def test_the_quartile_funnel_on_starts_names_google_as_left_out(loaded):
    data = completion.load(loaded, BOTH, completion.CompletionControls(by="platform", base="video_starts"))
    assert set(data.funnel["group"]) == {"linkedin"}
    assert data.unbased == ("google_ads",)
    per_impression = completion.load(loaded, BOTH, completion.CompletionControls(by="platform", base="impressions"))
    assert set(per_impression.funnel["group"]) == {"google_ads", "linkedin"}
    assert per_impression.unbased == ()


BUMPER = FilterState(campaigns=("FR | YouTube | Awareness | Bumper 6s",))


def test_a_reported_zero_base_is_undefined_not_unreported(loaded):
    # The bumper campaign: 865,942 impressions, 0 TrueView views (reported), 5,091.46 € spent.
    got = queries.kpis(loaded, ("cpv", "view_rate", "completion_rate"), BUMPER)
    assert (got["cpv"].value, got["cpv"].zero_base, got["cpv"].text("EUR")) == (None, True, "no views")
    assert got["view_rate"].text() == "0.0 %"
    # Google reports no plays started at all: that stays "not reported".
    assert (got["completion_rate"].zero_base, got["completion_rate"].text()) == (False, "not reported")
