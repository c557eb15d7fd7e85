"""Organic and paid on one platform: kept apart on the Overview, with totals from the raw files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from vmdash import charts, metrics, queries
from vmdash.filters import FilterState
from vmdash.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
META_ORGANIC = SAMPLES / "Mar-01-2026_Mar-31-2026_104858239231101.csv"
TIKTOK_ORGANIC = SAMPLES / "tiktok_studio_content.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _int(cell: str) -> int:
    return int(cell) if cell else 0


def _side(sample_store: Store, platform: str, channel: str, filters: FilterState = FilterState()) -> dict:
    table = queries.channels_side_by_side(sample_store, filters)
    row = table[(table["platform"] == platform) & (table["channel"] == channel)]
    assert len(row) == 1, table
    return row.iloc[0].to_dict()


def test_organic_facebook_totals_are_the_video_posts_of_the_file(sample_store):
    videos = [r for r in _rows(META_ORGANIC) if r["Post type"] in ("Reels", "Videos")]
    organic = _side(sample_store, "facebook", "social")
    assert organic["views"] == sum(_int(r["Views"]) for r in videos)
    assert organic["reach"] == sum(_int(r["Reach"]) for r in videos)
    assert organic["likes"] == sum(_int(r["Reactions"]) for r in videos)
    # Organic posts carry no impressions and cost nothing: not reported, never 0.
    assert organic["impressions"] is None or organic["impressions"] != organic["impressions"]
    watch = sum(float(r["Seconds viewed"]) for r in videos)
    assert organic["avg_view_duration"] == pytest.approx(watch / organic["views"])


def test_paid_facebook_totals_are_the_ads_manager_rows(sample_store):
    rows = [r for r in _rows(SAMPLES / "meta_ads_manager.csv") if r["Platform"] == "facebook"]
    paid = _side(sample_store, "facebook", "ads")
    assert paid["impressions"] == sum(_int(r["Impressions"]) for r in rows)
    assert paid["spend"] == pytest.approx(sum(float(r["Amount spent (EUR)"]) for r in rows))


def test_organic_tiktok_sits_next_to_paid_tiktok(sample_store):
    organic = _side(sample_store, "tiktok", "social")
    assert organic["views"] == sum(_int(r["Total views"]) for r in _rows(TIKTOK_ORGANIC))
    assert organic["shares"] == sum(_int(r["Total shares"]) for r in _rows(TIKTOK_ORGANIC))
    paid = _side(sample_store, "tiktok", "ads")
    daily = [r for r in _rows(SAMPLES / "tiktok_ads.csv") if r["By Day"].startswith("2026-")]  # not the totals line
    assert paid["impressions"] == sum(_int(r["Impressions"]) for r in daily)


def test_only_platforms_reached_through_two_channels_are_listed(sample_store):
    table = queries.channels_side_by_side(sample_store)
    assert list(zip(table["platform"], table["channel"], strict=True)) == [
        ("facebook", "social"),
        ("facebook", "ads"),
        ("tiktok", "social"),
        ("tiktok", "ads"),
    ]
    # A filter to one channel leaves nothing to set side by side.
    assert queries.channels_side_by_side(sample_store, FilterState(channels=("ads",))).empty


def test_the_trend_splits_a_platform_by_channel(sample_store):
    data = queries.trend(sample_store, "avg_view_duration", split="source")
    sources = set(data["source"])
    assert {"facebook/social", "tiktok/ads"} <= sources
    organic = data[data["source"] == "facebook/social"]
    # Lifetime post rows are one value over their period, not pretended daily.
    assert set(organic["kind"]) == {"span"}
    want = _side(sample_store, "facebook", "social")["avg_view_duration"]
    assert organic["value"].iloc[0] == pytest.approx(want)


def test_trend_split_by_platform_still_sums_both_channels(sample_store):
    split = queries.trend(sample_store, "view_rate", split="platform")
    assert "source" not in split.columns
    assert set(split["platform"]) >= {"facebook", "tiktok"}


def test_the_chart_names_organic_and_paid_and_keeps_the_platform_colour():
    assert charts.series_label("source", "facebook/social") == "Facebook organic"
    assert charts.series_label("source", "tiktok/ads") == "TikTok paid"
    scale = charts.color_scale("source", ["facebook/ads", "facebook/social"])
    assert scale.domain == ["facebook/social", "facebook/ads"]
    assert scale.range == [charts.PLATFORM_COLORS["facebook"]] * 2


def test_an_unknown_split_is_refused_naming_the_choices(sample_store):
    with pytest.raises(Exception, match="source"):
        queries.trend(sample_store, metrics.METRICS[0].name, split="platform; DROP TABLE facts")


SOCIAL = Path(__file__).resolve().parents[1] / "data" / "social"


def test_account_series_beside_per_video_rows_are_found_with_their_views(sample_store):
    from vmdash.ingest import Options, Upload, import_files

    assert queries.account_totals_beside_videos(sample_store).empty
    overview = SOCIAL / "Overview.csv"
    import_files(sample_store, [Upload(overview, overview.name)], Options(year=2026))
    found = queries.account_totals_beside_videos(sample_store)
    assert list(zip(found["platform"], found["channel"], strict=True)) == [("tiktok", "social")]
    daily = _rows(overview)
    assert found["account_views"].iloc[0] == sum(_int(r["Video Views"]) for r in daily)
    assert found["account_rows"].iloc[0] == len(daily)
    # Paid TikTok rows name their ads: they are no account series.
    assert queries.account_totals_beside_videos(sample_store, FilterState(channels=("ads",))).empty
