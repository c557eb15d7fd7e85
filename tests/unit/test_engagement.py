"""Engagement rate: interactions per view and per impression, from what each platform reports."""

from __future__ import annotations

import pytest

from vmdash import metrics, queries
from vmdash.filters import FilterState
from vmdash.ingest import Options, Upload, import_files

# youtube reports likes, comments and shares; linkedin (here) likes only; vimeo no interaction at all.
ROWS = """date,platform,campaign,impressions,views,likes,comments,shares,saves
2026-03-01,youtube,A,10000,1000,40,5,5,
2026-03-02,youtube,A,2000,200,6,,,
2026-03-01,linkedin,B,4000,200,30,,,
2026-03-01,vimeo,C,2000,500,,,,
"""


@pytest.fixture
def engaged_store(store, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    import_files(store, [Upload(path, "rows.csv")], Options(objective="loyalty"))
    return store


def _by_platform(store, name):
    m = metrics.get(name)
    rows = store.rows(f"SELECT platform, {m.sql()} FROM active_facts GROUP BY 1 ORDER BY 1")
    return {platform: (None if v is None else pytest.approx(v)) for platform, v in rows}


def test_engagement_rate_per_platform_by_hand(engaged_store):
    # youtube: (40 + 5 + 5) + 6 (a row with likes only) = 56 over 1,200 views; linkedin 30 / 200.
    assert _by_platform(engaged_store, "engagement_rate") == {
        "linkedin": pytest.approx(30 / 200),
        "vimeo": None,
        "youtube": pytest.approx(56 / 1200),
    }
    assert _by_platform(engaged_store, "engagement_per_impression") == {
        "linkedin": pytest.approx(30 / 4000),
        "vimeo": None,
        "youtube": pytest.approx(56 / 12000),
    }


def test_a_platform_reporting_no_interactions_is_null_never_zero(engaged_store):
    m = metrics.get("engagement_rate")
    assert engaged_store.scalar(f"SELECT {m.sql()} FROM active_facts WHERE platform = 'vimeo'") is None


def test_engagement_over_every_platform_leaves_out_the_silent_one_and_says_how_much(engaged_store):
    got = queries.kpis(engaged_store, ("engagement_rate", "engagement_per_impression"), FilterState())
    # (56 + 30) / (1,200 + 200); vimeo's 500 views are outside the ratio and the coverage says so.
    assert got["engagement_rate"].value == pytest.approx(86 / 1400)
    assert got["engagement_rate"].coverage == pytest.approx(1400 / 1900)
    assert got["engagement_per_impression"].value == pytest.approx(86 / 16000)
    assert got["engagement_per_impression"].coverage == pytest.approx(16000 / 18000)


def test_engagement_rate_is_a_card_of_the_overview(engaged_store):
    cards = queries.objective_kpis(engaged_store, ("loyalty",), FilterState())
    assert cards["loyalty"]["engagement_rate"].value == pytest.approx(86 / 1400)
    assert "engagement_per_impression" in metrics.BY_OBJECTIVE["awareness"]


def test_the_definition_says_which_interactions_count():
    m = metrics.get("engagement_rate")
    assert m.numerators == ("likes", "comments", "shares", "saves")
    assert m.numerator_text == "likes + comments + shares + saves"
    assert "likes, comments, shares and saves" in m.definition
    assert "Google Ads, Vimeo and Wistia report none" in m.help()
    # A single-column KPI reads as before.
    assert metrics.get("ctr").numerator_sql() == '"clicks"'
    assert metrics.get("ctr").reported_sql() == '"clicks" IS NOT NULL AND "impressions" IS NOT NULL'
