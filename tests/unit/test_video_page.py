"""queries.video against hand sums over a small database: identity, typical KPIs, first days, traffic sources."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import videos
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files
from vmdash.queries import video


@pytest.fixture
def seeded(store, tmp_path):
    path = videos.write_export(tmp_path)
    import_files(store, [Upload(path, path.name)])
    return store


def test_a_video_against_its_peers(seeded):
    data = video.load(seeded, FilterState(videos=("A",)))
    assert data.video is not None
    assert (data.video.title, data.video.platforms, data.video.objective) == ("Alpha", ("youtube",), "awareness")
    assert data.video.published == dt.date(2026, 3, 1)
    assert (data.video.first_day, data.video.last_day) == (dt.date(2026, 3, 1), dt.date(2026, 3, 7))
    kpis = data.kpis.set_index("kpi")
    # A: 400 views over 7,000 impressions; peers B 1,400/7,000 and C 2,100/7,000 (D reports no impressions).
    assert kpis.loc["view_rate", "value"] == pytest.approx(400 / 7000)
    assert kpis.loc["view_rate", "typical"] == pytest.approx((0.2 + 0.3) / 2)
    assert kpis.loc["view_rate", "peers"] == 2
    assert kpis.loc["hook_rate", "peers"] == 0
    assert data.peers == "median of the 2 other YouTube videos with the objective “awareness” in this selection"
    early = data.early.set_index("days")
    # Day 1 from each publish date: A 100; B 200, C 300. Seven days: A 400; B 1,400, C 2,100.
    assert early.loc[1, "video"] == 100 and early.loc[1, "typical"] == 250
    assert early.loc[7, "video"] == 400 and early.loc[7, "typical"] == 1750
    # No video's data covers 28 days.
    assert early.loc[[28], ["video", "typical"]].isna().all(axis=None) and early.loc[28, "peers"] == 0
    assert data.sources.empty
    assert list(data.platforms["platform"]) == ["youtube"]
    assert data.platforms["views"].iloc[0] == 400


def test_traffic_sources_are_views_by_source_with_their_share(seeded):
    data = video.load(seeded, FilterState(videos=("D",)))
    sources = data.sources.set_index("traffic_source")
    assert list(sources["views"]) == [70, 30]
    assert list(sources["share"]) == [pytest.approx(0.7), pytest.approx(0.3)]
    assert data.early["video"].isna().all()  # lifetime totals: no first days


def test_with_no_single_video_only_the_choices_come_back(seeded):
    data = video.load(seeded, FilterState())
    assert data.video is None
    assert sorted(data.choices["key"]) == ["A", "B", "C", "D"]
    assert video.load(seeded, FilterState(videos=("A", "B"))).video is None
    assert video.load(seeded, FilterState(videos=("nope",))).video is None
