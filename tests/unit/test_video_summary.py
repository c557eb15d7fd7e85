"""The per-video summary (video_summed) holds exactly the active facts, and every answer read
through it equals the one read from the facts: one video's KPIs and tables, Test & learn's
variant totals and lifecycle cohorts, after an import, an undo and a plan change."""

from __future__ import annotations

import csv
import datetime as dt
import math

import pandas as pd
import pytest

from tests.unit.test_rollup import assert_rollup_matches_facts, assert_video_summary_matches_facts
from tests.unit.test_testlearn import COLUMNS, _rows
from vmdash import demo, metrics, plans, queries, roles
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.ingest import Upload, import_files, undo
from vmdash.queries import video as video_page
from vmdash.store import Store
from vmdash.store import rollup as rollup_module
from vmdash.testlearn import data as testlearn_data

# Imports, undoes and plans three times over, and reads each answer both ways.
pytestmark = pytest.mark.slow

LIFE = ("life_1", "life_2", "life_3", "life_t")


def _close(a: object, b: object) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b))
        )
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
    return a == b


def _frames_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for column in want.columns:
        for g, w in zip(got[column].tolist(), want[column].tolist(), strict=True):
            g = None if g is pd.NaT or (not isinstance(g, (list, tuple)) and pd.isna(g)) else g
            w = None if w is pd.NaT or (not isinstance(w, (list, tuple)) and pd.isna(w)) else w
            assert _close(g, w), (column, g, w)


@pytest.fixture
def seeded(tmp_path):
    """The samples, Test & learn's purpose-built rows (a month-crossing lifecycle) and a synthetic export."""
    path = tmp_path / "canonical.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, COLUMNS, restval="")
        out.writeheader()
        out.writerows(_rows())
    s = Store(tmp_path / "vmdash.duckdb", idle_release_s=None)
    demo.load_samples(s)
    (report,) = import_files(s, [Upload(path, path.name)])
    assert report.rows_rejected == 0
    synthetic = demo.write_synthetic_csv(tmp_path / "synthetic.csv", rows=400, seed=5)
    import_files(s, [Upload(synthetic, synthetic.name)])
    yield s
    s.close()


def _videos(store: Store) -> list[str]:
    """The busiest video keys, one per platform, and the lifecycle videos."""
    busiest = store.rows(
        f"""SELECT arg_max(key, n) FROM (
                SELECT {VIDEO_KEY_SQL} AS key, "platform", count(*) AS n FROM active_facts
                WHERE {VIDEO_KEY_SQL} IS NOT NULL GROUP BY ALL
            ) GROUP BY "platform" ORDER BY 1"""
    )
    return [r[0] for r in busiest] + ["life_1"]


def _views(store: Store, key: str) -> list[FilterState]:
    start, end = queries.date_span(store)
    assert start is not None and end is not None
    mid = start + (end - start) / 2
    one = FilterState(videos=(key,))
    return [
        one,
        one.narrowed(date_from=start, date_to=end),
        one.narrowed(date_from=start + dt.timedelta(days=17), date_to=mid),
        one.narrowed(date_from=mid),
        one.narrowed(date_to=mid - dt.timedelta(days=3)),
        one.narrowed(date_from=mid.replace(day=3), date_to=mid.replace(day=20)),
        # February's lifecycle rows: the last day of the month outside, then all but the first.
        one.narrowed(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 27)),
        one.narrowed(date_from=dt.date(2026, 2, 2), date_to=dt.date(2026, 3, 3)),
        one.narrowed(channels=("ads",), date_from=mid),
    ]


def assert_reads_match_facts(store: Store, every_kpi: bool = False) -> None:
    assert_video_summary_matches_facts(store)
    keys = _videos(store)
    assert len(keys) >= 4
    for key in keys:
        # The Video page's identity card, from the summary, against the video's facts.
        facts = store.rows(
            f"""SELECT list_sort(list_distinct(list("platform"))), list_sort(list_distinct(list("channel"))),
                       min("published_at"), max("video_duration_s"), min("date"), max(coalesce("date_end", "date"))
                FROM active_facts WHERE {VIDEO_KEY_SQL} = $key""",
            {"key": key},
        )[0]
        who = video_page.identity.uncached(store, key)
        if facts[4] is None:  # no dated row left (its import undone)
            assert who is None or who.first_day is None, key
        else:
            most = [
                store.rows(
                    f"SELECT {col} FROM active_facts WHERE {VIDEO_KEY_SQL} = $key GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
                    {"key": key},
                )[0][0]
                for col in ('"platform"', '"objective"')
            ]
            assert who is not None
            got = (list(who.platforms), list(who.channels), who.published, who.length_s, who.first_day, who.last_day)
            assert got == tuple(facts), key
            assert [who.platform, who.objective] == most, key
        for i, filters in enumerate(_views(store, key)):
            where, params = filters.where()
            # Every KPI on a few views of the first video (each reads its own columns); sums on all.
            for metric in metrics.METRICS if every_kpi and key == keys[0] and i % 3 == 2 else ():
                split = "platform"
                exprs = f'"{split}", {metric.sql()} AS v, {metric.coverage_sql()} AS c'
                direct = store.rows(f"SELECT {exprs} FROM active_facts WHERE {where} GROUP BY ALL ORDER BY ALL", params)
                pre = queries.presummed([(f'"{split}"', split)], filters, metric.measures)
                assert "video_summed" in pre
                summed = store.rows(f"SELECT {exprs} FROM ({pre}) GROUP BY ALL ORDER BY ALL", params)
                assert [r[0] for r in direct] == [r[0] for r in summed], (key, filters)
                for d, r in zip(direct, summed, strict=True):
                    assert _close(d[1], r[1]) and _close(d[2], r[2]), (metric.name, filters, d, r)
            # The video's span (its trend's axis), from the summed rows' own first and last days.
            span = store.rows(
                f'SELECT min("date"), max(coalesce("date_end", "date")) FROM active_facts WHERE {where}', params
            )
            assert queries.date_span.uncached(store, filters) == span[0], (key, filters)
            # Every fact once, integer measures exactly (the channel table, the funnel, the KPIs).
            sums = 'sum("impressions"), sum("views"), sum("clicks"), sum("views_3s")'
            direct = store.rows(
                f'SELECT "channel", count(*), {sums} FROM active_facts WHERE {where} GROUP BY 1 ORDER BY 1', params
            )
            source = rollup_module.video_rows(filters, {"channel"})
            assert source is not None
            summed = store.rows(f'SELECT "channel", sum(_rows), {sums} FROM ({source}) GROUP BY 1 ORDER BY 1', params)
            assert summed == direct, (key, filters)


def _both_ways(monkeypatch: pytest.MonkeyPatch, read) -> tuple[object, object]:
    """An answer through the summary, then the same answer from the facts."""
    through = read()
    with monkeypatch.context() as m:
        m.setattr(testlearn_data, "video_rows", lambda *a, **k: None)
        m.setattr(testlearn_data, "EARLY_LIFE_DAYS", 0)
        facts = read()
    return through, facts


def assert_testlearn_matches_facts(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    columns = {"platform", "currency", "campaign", "video_id", "ad", "clicks", "impressions"}
    assert testlearn_data.video_rows(FilterState(), columns, spans=True) is not None
    start, end = queries.date_span(store)
    assert start is not None and end is not None
    scopes = [
        FilterState(),
        FilterState(date_from=dt.date(2026, 2, 3), date_to=dt.date(2026, 3, 5)),
        FilterState(date_from=dt.date(2026, 3, 4)),
        FilterState(platforms=("youtube",), date_to=dt.date(2026, 3, 31)),
        FilterState(date_from=start + dt.timedelta(days=10), date_to=end - dt.timedelta(days=10)),
    ]
    variants = [
        ("video", ("win_a", "win_b", "date_b")),
        ("video", LIFE),
        ("video", _videos(store)[:3]),
        ("campaign", ("CTR_TEST", "DATES", "LIFE")),
    ]
    for filters in scopes:
        for kind, values in variants:
            for kpi in ("ctr", "cpa"):
                through, facts = _both_ways(
                    monkeypatch,
                    lambda kind=kind, values=values, kpi=kpi, filters=filters: testlearn_data.variant_totals.uncached(
                        store, kind, tuple(values), kpi, filters
                    ),
                )
                _frames_equal(through, facts)
        for measure in ("views", "view_rate", "ctr"):
            through, facts = _both_ways(
                monkeypatch,
                lambda measure=measure, filters=filters: testlearn_data.lifecycle.uncached(store, measure, filters),
            )
            _frames_equal(through, facts)
    # The lifecycle rows are there to compare (not two empty frames).
    cohorts = testlearn_data.lifecycle.uncached(store, "views", FilterState(campaigns=("LIFE",)))
    assert set(cohorts["key"]) == set(LIFE)


def test_summary_answers_equal_the_facts_after_import_undo_and_plan_change(seeded, monkeypatch):
    assert seeded.scalar("SELECT count(*) FROM video_summed WHERE _grain = 'early'") > 0
    assert_reads_match_facts(seeded, every_kpi=True)
    assert_testlearn_matches_facts(seeded, monkeypatch)

    # A plan moves a video's rows to another objective and channel: the summary follows.
    plans.save(
        seeded,
        roles.ANALYST,
        plans.clean(
            {
                "kind": "video",
                "key": "life_2",
                "objective": "conversion",
                "channels": "email",
                "kpi": "cpa",
                "target": 5,
            }
        ),
    )
    assert seeded.scalar("SELECT count(*) FROM video_summed WHERE video_key = 'life_2' AND channel <> 'email'") == 0
    # A campaign plan, then removing the video plan: only the planned rows are summed again, exactly.
    plans.save(
        seeded,
        roles.ANALYST,
        plans.clean(
            {"kind": "campaign", "key": "LIFE", "objective": "loyalty", "channels": "social", "kpi": "cpa", "target": 5}
        ),
    )
    plans.remove(seeded, roles.ANALYST, "video:life_2")
    assert seeded.scalar("SELECT count(*) FROM facts_summed WHERE campaign = 'LIFE' AND objective <> 'loyalty'") == 0
    assert_rollup_matches_facts(seeded)
    assert_reads_match_facts(seeded)
    assert_testlearn_matches_facts(seeded, monkeypatch)

    # Undoing the purpose-built import takes its rows out of the summary.
    latest = seeded.scalar("SELECT max(import_id) FROM imports")
    undo(seeded, latest - 1)
    assert seeded.scalar("SELECT count(*) FROM video_summed WHERE video_key = 'life_2'") == 0
    assert_rollup_matches_facts(seeded)
    assert_reads_match_facts(seeded)


def test_one_videos_rows_are_read_from_its_blocks_of_the_summary(seeded):
    # The summary is stored in key order, so a video's rows are a contiguous run of it.
    runs = seeded.rows(
        """SELECT import_id, _grain, count(*) FROM (
               SELECT import_id, _grain, video_key,
                      video_key IS DISTINCT FROM lag(video_key) OVER (PARTITION BY import_id, _grain ORDER BY rowid) AS starts
               FROM video_summed
           ) WHERE starts GROUP BY ALL HAVING count(*) <> count(DISTINCT video_key)"""
    )
    assert runs == []
    sql = rollup_module.video_rows(FilterState(videos=("win_a",)), {"platform"})
    assert sql is not None and "video_key BETWEEN list_min($f_videos) AND list_max($f_videos)" in sql
