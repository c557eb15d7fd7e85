"""The Overview's headline volumes and channel coverage against hand sums of a small TikTok Ads export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vmdash import model
from vmdash.filters import FilterState
from vmdash.ingest import Options, Upload, import_files
from vmdash.queries import coverage, overview

D = dt.date
EXPORT = """By Day,Campaign name,Ad group name,Ad name,Currency,Cost,Impressions,Reach,Clicks (destination),Video views,Conversions
2026-02-01,FR_AWA_Test,Broad,Clip_A,EUR,10.00,1000,800,10,300,1
2026-02-02,FR_AWA_Test,Broad,Clip_A,EUR,20.50,2000,1500,30,500,
2026-03-01,FR_AWA_Test,Broad,Clip_A,EUR,30.25,4000,3000,40,900,2
2026-03-02,FR_AWA_Test,Broad,Clip_A,EUR,9.75,1000,700,5,100,3
2026-03-15,FR_AWA_Test,Broad,Clip_A,EUR,5.00,500,400,5,50,0
"""


@pytest.fixture
def ads_store(store, tmp_path):
    path = tmp_path / "tiktok_ads.csv"
    path.write_text(EXPORT, encoding="utf-8")
    reports = import_files(store, [Upload(path, path.name)])
    assert reports[0].rows_loaded == 5
    return store


def _by_name(volumes) -> dict:
    return {v.name: v for v in volumes}


def test_march_against_february_by_hand(ads_store):
    march = FilterState(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))
    got = _by_name(overview.headline_volumes(ads_store, march, "previous-period"))
    assert list(got) == list(overview.HEADLINE_VOLUMES)
    expected = {
        # (March, February)
        "views": (900 + 100 + 50, 300 + 500),
        "impressions": (4000 + 1000 + 500, 1000 + 2000),
        "reach": (3000 + 700 + 400, 800 + 1500),
        "spend": (30.25 + 9.75 + 5.00, 10.00 + 20.50),
        "clicks": (40 + 5 + 5, 10 + 30),
        # A blank cell is not reported, never 0: February's conversions are the one reported day's.
        "conversions": (2 + 3 + 0, 1),
    }
    for name, (now, before) in expected.items():
        assert got[name].value == pytest.approx(now), name
        assert got[name].previous == pytest.approx(before), name
    assert got["views"].change == pytest.approx(1050 / 800 - 1)
    assert got["conversions"].change == pytest.approx(4.0)
    # TikTok Ads reports neither (this export has no play time): not reported, not 0.
    for name in ("watch_time_s", "subscribers_gained"):
        assert (got[name].value, got[name].previous, got[name].change, got[name].series) == (None, None, None, ())
    # One sparkline point per reported day, oldest first.
    assert got["views"].series == (900.0, 100.0, 50.0)
    assert got["spend"].series == pytest.approx((30.25, 9.75, 5.00))


def test_no_date_range_means_no_comparison_and_every_row(ads_store):
    got = _by_name(overview.headline_volumes(ads_store, FilterState()))
    assert got["views"].value == 1850
    assert got["spend"].value == pytest.approx(75.50)
    assert got["views"].previous is None and got["views"].change is None
    assert got["views"].series == (300.0, 500.0, 900.0, 100.0, 50.0)


def test_a_comparison_period_without_data_gives_no_change(ads_store):
    days = FilterState(date_from=D(2026, 3, 1), date_to=D(2026, 3, 2))
    got = _by_name(overview.headline_volumes(ads_store, days, "same-period-last-year"))
    assert got["views"].value == 1000
    assert got["views"].previous is None and got["views"].change is None
    # 1-2 March against the two days before (27-28 February): no data there either.
    assert _by_name(overview.headline_volumes(ads_store, days))["impressions"].previous is None


def test_the_load_carries_the_volumes_and_names_the_comparison(ads_store):
    march = FilterState(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))
    data = overview.load(ads_store, march, overview.OverviewControls(compare="same-period-last-year"))
    assert [v.name for v in data.volumes] == list(overview.HEADLINE_VOLUMES)
    assert data.versus == "vs 1–31 Mar 2025"
    assert overview.load(ads_store, march).versus == "vs 1–28 Feb 2026"


def test_channel_coverage_names_the_sources_or_the_exports_that_would_feed_a_channel(ads_store):
    got = {c.channel: c for c in coverage.channel_coverage(ads_store)}
    assert list(got) == ["social", "ads", "website", "sales", "seo"]
    ads = got["ads"]
    assert (ads.state, ads.rows, ads.platforms, ads.formats) == (coverage.FED, 5, ("tiktok",), ("tiktok_ads",))
    for name in ("social", "website", "sales", "seo"):
        assert (got[name].state, got[name].rows, got[name].platforms) == (coverage.MISSING, 0, ()), name
        assert got[name].fed_by == model.CHANNEL_FED_BY[name]
    assert "Vimeo or Wistia" in got["website"].fed_by and "Traffic source" in got["seo"].fed_by
    # Filtered away, the ads channel says its data lies outside the selection rather than missing.
    away = {c.channel: c for c in coverage.channel_coverage(ads_store, FilterState(platforms=("youtube",)))}
    assert (away["ads"].state, away["ads"].rows, away["ads"].formats) == (coverage.OUTSIDE, 0, ())
    # Imported with a channel chosen, an export feeds that channel too.
    path = ads_store.path.parent / "tiktok_sales.csv"
    path.write_text(EXPORT.replace("2026-", "2025-").replace("Clip_A", "Clip_S"), encoding="utf-8")
    import_files(ads_store, [Upload(path, path.name)], Options(channel="sales"))
    sales = {c.channel: c for c in coverage.channel_coverage(ads_store)}["sales"]
    assert (sales.state, sales.rows, sales.platforms, sales.formats) == (coverage.FED, 5, ("tiktok",), ("tiktok_ads",))


def test_youtube_traffic_sources_feed_the_seo_channel(ads_store):
    path = Path(__file__).resolve().parents[1] / "data" / "youtube" / "traffic_source_table.csv"
    report = import_files(ads_store, [Upload(path, path.name)])[0]
    got = {c.channel: c for c in coverage.channel_coverage(ads_store)}
    seo, social = got["seo"], got["social"]
    assert (seo.state, seo.platforms, seo.rows) == (coverage.FED, ("youtube",), report.rows_loaded)
    assert seo.formats == (report.source_format,) and social.formats == (report.source_format,)
    # The same rows feed their own channel too (YouTube's: social), counted once in each.
    assert (social.state, social.rows) == (coverage.FED, report.rows_loaded)
    assert got["ads"].rows == 5
