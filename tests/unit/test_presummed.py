"""Summing facts first (queries.presummed) gives every KPI exactly its value on the facts."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from vmdash import metrics, periods, queries
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_each_kpi_and_its_coverage_read_the_same_on_presummed_rows(sample_store, metric):
    exprs = f"platform, {metric.sql()} AS v, {metric.coverage_sql()} AS c"
    direct = sample_store.rows(f"SELECT {exprs} FROM active_facts GROUP BY platform ORDER BY platform")  # noqa: S608
    pre = queries.presummed([('"platform"', "platform")], FilterState(), metric.measures)
    summed = sample_store.rows(f"SELECT {exprs} FROM ({pre}) GROUP BY platform ORDER BY platform")  # noqa: S608
    assert len(direct) > 3
    assert [r[0] for r in direct] == [r[0] for r in summed]
    for d, s in zip(direct, summed, strict=True):
        assert _same(d[1], s[1]) and _same(d[2], s[2]), (metric.name, d, s)


def test_presummed_rows_are_far_fewer_and_count_every_fact(sample_store):
    facts = sample_store.scalar("SELECT count(*) FROM active_facts")
    pre = queries.presummed([('"platform"', "platform")], FilterState())
    rows, behind = sample_store.rows(f"SELECT count(*), sum(_rows) FROM ({pre})")[0]  # noqa: S608
    assert behind == facts
    assert rows < facts


_SCOPES = {
    "all data": FilterState(),
    "March, against February": FilterState(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 28)),
    "mid-month range": FilterState(date_from=dt.date(2026, 2, 20), date_to=dt.date(2026, 3, 10)),
    "one platform": FilterState(platforms=("youtube",)),
}


@pytest.mark.parametrize("scope", _SCOPES, ids=str)
def test_objective_kpis_read_as_each_objective_on_its_own(sample_store, scope):
    filters = _SCOPES[scope]
    present = tuple(queries.by_objective(sample_store, filters)["objective"])
    assert present
    grouped = queries.objective_kpis(sample_store, present, filters)
    assert list(grouped) == list(present)
    for objective in present:
        alone = queries.kpis(sample_store, metrics.BY_OBJECTIVE[objective], filters.narrowed(objectives=(objective,)))
        assert list(grouped[objective]) == list(metrics.BY_OBJECTIVE[objective])
        for name, want in alone.items():
            got = grouped[objective][name]
            for field in ("value", "coverage", "previous"):
                assert _same(getattr(got, field), getattr(want, field)), (objective, name, field, got, want)
    if periods.compared(filters) is not None:
        assert any(v.previous is not None for values in grouped.values() for v in values.values())


def test_objective_kpis_refuse_an_unknown_objective(sample_store):
    with pytest.raises(InvalidChoice):
        queries.objective_kpis(sample_store, ("awareness", "fame"), FilterState())


@pytest.mark.parametrize("primary", sorted(set(metrics.PRIMARY.values())))
@pytest.mark.parametrize("worst", [False, True], ids=["top", "bottom"])
def test_ranked_videos_are_the_ends_of_the_ranking_on_the_facts(sample_store, primary, worst):
    metric = metrics.get(primary)
    den = " * ".join(f'"{c}"' for c in metric.denominator)
    frame = sample_store.df(
        f"""SELECT coalesce("video_title", "ad", "video_id", "campaign") AS video, "platform",
                   coalesce("video_id", "ad") AS key, {metric.sql()} AS value, sum({den}) AS volume
            FROM active_facts GROUP BY ALL HAVING value IS NOT NULL AND volume >= 100"""  # noqa: S608
    )
    assert len(frame) > 10
    first_is_best = metric.higher_is_better != worst
    want = frame.sort_values(
        ["value", "volume", "video", "platform", "key"], ascending=[not first_is_best, False, True, True, True]
    ).head(5)
    got = queries.ranked_videos(sample_store, primary, FilterState(), limit=5, worst=worst)
    assert list(got.columns) == ["video", "platform", "key", "value", "volume"]
    assert list(zip(got["video"], got["platform"], got["key"], strict=True)) == list(
        zip(want["video"], want["platform"], want["key"], strict=True)
    )
    assert all(_same(a, b) for a, b in zip(got["value"], want["value"], strict=True))


def test_the_worst_never_repeat_one_of_the_best(sample_store):
    # The campaign's n ads (6 to 9) on CPA and CTR: the top holds the 5 best, the bottom the
    # other n - 5, worst first; no ad is in both.
    scope = FilterState(campaigns=("FR_2026Q1_FID_Clientes-VIP",))
    for kpi in ("cpa", "ctr"):
        everything = queries.ranked_videos(sample_store, kpi, scope, limit=100)
        assert 5 < len(everything) < 10, (kpi, len(everything))
        top = queries.ranked_videos(sample_store, kpi, scope, limit=5)
        bottom = queries.ranked_videos(sample_store, kpi, scope, limit=5, worst=True)
        keys = list(zip(everything["video"], everything["platform"], strict=True))
        assert list(zip(top["video"], top["platform"], strict=True)) == keys[:5]
        assert list(zip(bottom["video"], bottom["platform"], strict=True)) == keys[5:][::-1]
