"""Every real-format sample export imports into a fresh database with exact totals.

Expected numbers were computed from the CSVs independently (pandas, by hand-written
parsing); a measure the platform does not report must come out NULL, never 0.
"""

from __future__ import annotations

import pytest

from vmdash import model, queries
from vmdash.ingest import Upload, import_files

FACTS = {
    "google_ads_video.csv": dict(
        format="google_ads_video",
        rows=93,
        summary_rows=2,
        totals=dict(
            impressions=2675539,
            views=565602,
            clicks=10264,
            spend=15061.58,
            conversions=181.56,
            plays_p25=1881374,
            plays_p50=1369292,
            plays_p75=1058479,
            plays_p100=832237,
        ),
        # Google reports no plays started: its quartiles are rates of impressions.
        null=("reach", "video_starts", "views_3s", "thruplays", "plays_p95", "watch_time_s", "likes"),
        platforms={"google_ads": 93},
    ),
    "linkedin_campaign_manager.csv": dict(
        format="linkedin_campaign_manager",
        rows=84,
        summary_rows=0,
        totals=dict(
            impressions=443970,
            clicks=3873,
            video_starts=181337,
            views=119901,
            views_3s=119901,
            plays_p25=103361,
            plays_p50=69816,
            plays_p75=52466,
            plays_p100=37822,
            conversions=188,
            spend=13589.96,
        ),
        null=("reach", "thruplays", "plays_p95", "watch_time_s", "conversion_value"),
        platforms={"linkedin": 84},
    ),
    "meta_ads_manager.csv": dict(
        format="meta_ads_manager",
        rows=48,
        summary_rows=0,
        totals=dict(
            impressions=6631082,
            reach=3050762,
            clicks=86852,
            views_3s=1945835,
            views=1945835,
            thruplays=523500,
            plays_p25=1081878,
            plays_p50=758220,
            plays_p75=565033,
            plays_p95=484140,
            plays_p100=439679,
            conversions=2580,
            conversion_value=139721.91,
            spend=58535.28,
        ),
        null=("video_starts", "watch_time_s", "subscribers_gained"),
        platforms={"facebook": 24, "instagram": 24},
    ),
    "tiktok_ads.csv": dict(
        format="tiktok_ads",
        rows=124,
        summary_rows=1,
        totals=dict(
            impressions=3205953,
            reach=2485734,
            clicks=28461,
            video_starts=2320877,
            views=2320877,
            views_3s=1393524,
            plays_p25=1070905,
            plays_p50=692548,
            plays_p75=485074,
            plays_p100=339160,
            conversions=885,
            spend=13849.61,
            watch_time_s=14217940.7,
        ),
        null=("thruplays", "plays_p95", "conversion_value"),
        platforms={"tiktok": 124},
    ),
    "vimeo_videos.csv": dict(
        format="vimeo_videos",
        rows=12,
        summary_rows=0,
        totals=dict(
            impressions=505523, reach=404413, views=137352, video_starts=137352, plays_p100=50815, watch_time_s=29735537
        ),
        null=("clicks", "spend", "plays_p25", "conversions"),
        platforms={"vimeo": 12},
    ),
    "wistia_media_stats.csv": dict(
        format="wistia_media_stats",
        rows=10,
        summary_rows=0,
        totals=dict(impressions=178553, views=66982, reach=130365, watch_time_s=30526776),
        null=("clicks", "spend", "plays_p100"),
        platforms={"wistia": 10},
    ),
    "youtube_table_data.csv": dict(
        format="youtube_table_data",
        rows=30,
        summary_rows=1,
        # 'Subscribers' is the net figure: subscribers_gained stays NULL (only 'Subscribers gained' fills it)
        totals=dict(views=1040634, impressions=13723355, watch_time_s=158550397.2),
        null=("clicks", "spend", "plays_p25", "video_starts", "subscribers_gained"),
        platforms={"youtube": 30},
    ),
    "youtube_chart_data.csv": dict(
        format="youtube_chart_data",
        rows=84,
        summary_rows=0,
        totals=dict(views=159640),
        null=("impressions", "watch_time_s", "spend"),
        platforms={"youtube": 84},
    ),
    "youtube_traffic_source_chart.csv": dict(
        format="youtube_chart_data",
        rows=196,
        summary_rows=0,
        totals=dict(views=26800),
        null=("impressions", "watch_time_s", "spend"),
        platforms={"youtube": 196},
    ),
}

RETENTION = {
    "youtube_api_audience_retention.csv": dict(
        format="youtube_api_audience_retention", points={"sbq4JgYUL4u": 100, "WHzEV1FaQY9": 100}
    ),
    "youtube_audience_retention.csv": dict(
        format="youtube_audience_retention", points={"youtube_audience_retention": 100}
    ),
    "wistia_engagement.csv": dict(format="wistia_engagement", points={"op2cypacez": 75, "7efpgru2nb": 58}),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FACTS))
def test_fact_export_imports_with_exact_totals(store, samples, name):
    want = FACTS[name]
    [report] = import_files(store, [Upload(samples / name, name)])
    assert report.source_format == want["format"]
    assert report.rows_loaded == want["rows"]
    assert report.rows_rejected == 0
    assert sum(p.summary_rows for p in report.parts) == want["summary_rows"]
    totals = queries.summary(store).iloc[0]
    assert totals["rows"] == want["rows"]
    for measure, expected in want["totals"].items():
        assert totals[measure] == pytest.approx(expected, abs=0.01), measure
    for measure in want["null"]:
        assert store.scalar(f'SELECT count("{measure}") FROM active_facts') == 0, measure
    by_platform = dict(store.rows("SELECT platform, count(*) FROM active_facts GROUP BY 1"))
    assert by_platform == want["platforms"]
    for column in ("channel", "objective"):
        values = {r[0] for r in store.rows(f'SELECT DISTINCT "{column}" FROM active_facts')}
        allowed = model.CHANNELS if column == "channel" else model.OBJECTIVES
        assert values and values <= set(allowed)


@pytest.mark.parametrize("name", sorted(RETENTION))
def test_retention_export_imports_points_per_video(store, samples, name):
    want = RETENTION[name]
    [report] = import_files(store, [Upload(samples / name, name)])
    assert report.source_format == want["format"]
    points = dict(store.rows("SELECT video_id, count(*) FROM active_retention GROUP BY 1"))
    assert points == want["points"]
    lo, hi = store.rows("SELECT min(position_pct), max(position_pct) FROM active_retention")[0]
    assert 0 <= lo < 2 and 98 <= hi <= 100
    assert store.scalar("SELECT count(*) FROM active_facts") == 0


def test_retention_above_one_is_kept(store, samples):
    import_files(store, [Upload(samples / "youtube_api_audience_retention.csv", "api.csv")])
    assert store.scalar("SELECT max(audience_ratio) FROM active_retention") > 1.0


def test_objectives_come_from_the_export_then_campaign_names(store, samples):
    import_files(store, [Upload(samples / "meta_ads_manager.csv", "meta.csv")])
    by_objective = dict(store.rows("SELECT objective, count(*) FROM active_facts GROUP BY 1"))
    # Campaign-name tokens first (_FID_ bought as "Sales" is loyalty), then Meta's own Objective column.
    assert by_objective == {"conversion": 12, "loyalty": 12, "awareness": 12, "acquisition": 12}
    import_files(store, [Upload(samples / "tiktok_ads.csv", "tiktok.csv")])
    tiktok = dict(
        store.rows("SELECT objective, count(DISTINCT campaign) FROM active_facts WHERE platform = 'tiktok' GROUP BY 1")
    )
    assert "unassigned" not in tiktok


def test_google_quartile_rates_become_counts_of_impressions(store, samples):
    import_files(store, [Upload(samples / "google_ads_video.csv", "g.csv")])
    # 2026-03-01 bumper: 45,905 impressions x 63.48 % = 29,140.5 -> 29,141 (rounded half away)
    row = store.rows(
        "SELECT impressions, plays_p25 FROM active_facts WHERE date = DATE '2026-03-01' AND campaign LIKE '%Bumper%'"
    )[0]
    assert row == (45905, round(45905 * 0.6348))
