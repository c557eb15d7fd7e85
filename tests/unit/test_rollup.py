"""The rollup holds exactly the active facts, and reading through it changes no answer."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from tests.data import make_fr
from tests.support import store_checks
from vmdash import demo, metrics, model, queries
from vmdash import store as store_module
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files, pipeline, undo
from vmdash.store import DAILY_SQL, ROLLUP_DIMENSIONS, SCHEMA_VERSION, Store, refresh_rollup
from vmdash.store.rollup import VIDEO_DIMENSIONS, VIDEO_GRAINS

# Left out of the fast loop: it reimports, undoes and refills the rollup for every KPI (half a minute in all).
pytestmark = pytest.mark.slow

FR = Path(__file__).resolve().parents[2] / "tests" / "data" / "fr"


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory):
    """Every bundled sample, loaded once for the read-only checks of this module."""
    s = Store(tmp_path_factory.mktemp("rollup") / "samples.duckdb", idle_release_s=None)
    demo.load_samples(s)
    yield s
    s.close()


SUMS = ", ".join(f'sum("{m}")' for m in model.MEASURE_NAMES)
KEYS = ", ".join(f'"{c}"' for c in ("import_id", *ROLLUP_DIMENSIONS))


def _sums(store: Store, source: str, rows: str, dates: str) -> list[tuple]:
    return store.rows(f"SELECT {KEYS}, {dates}, {rows}, {SUMS} FROM {source} GROUP BY ALL ORDER BY ALL")  # noqa: S608


def assert_rollup_matches_facts(store: Store) -> None:
    """Each grain of facts_summed holds exactly the sums of the active facts it stands for."""
    month = """date_trunc('month', "date")::DATE"""
    daily = f"(SELECT * FROM active_facts WHERE {DAILY_SQL})"
    held = "(SELECT * FROM facts_summed WHERE _grain = '{}')".format
    got = _sums(store, held("month"), "sum(_rows)::BIGINT", month)
    assert _rows_close(got, _sums(store, daily, "count(*)", month)), "month"
    periods = f"(SELECT * FROM active_facts WHERE NOT {DAILY_SQL})"
    span = '"date", "date_end"'
    got = _sums(store, held("period"), "sum(_rows)::BIGINT", span)
    assert _rows_close(got, _sums(store, periods, "count(*)", span)), "period"
    assert store_checks.rollup_agrees(store)
    got = _sums(store, held("all"), "sum(_rows)::BIGINT", "0")
    assert _rows_close(got, _sums(store, "active_facts", "count(*)", "0")), "all"
    assert_video_summary_matches_facts(store)


VIDEO_KEYS = ", ".join(f'"{c}"' for c in ("import_id", *VIDEO_DIMENSIONS))


def _video_sums(store: Store, source: str, rows: str, dates: str, spans: str) -> list[tuple]:
    return store.rows(
        f"SELECT {VIDEO_KEYS}, {dates}, {spans}, {rows}, {SUMS} FROM {source} GROUP BY ALL ORDER BY ALL"  # noqa: S608
    )


def _rows_close(got: list[tuple], want: list[tuple]) -> bool:
    # Sums of money summed in another order may differ in their last bits; all else is exact.
    return len(got) == len(want) and all(
        len(g) == len(w) and all(_close(a, b) if isinstance(a, float) else a == b for a, b in zip(g, w, strict=True))
        for g, w in zip(got, want, strict=True)
    )


def assert_video_summary_matches_facts(store: Store) -> None:
    """Each grain of video_summed holds exactly the sums of the active facts it stands for, per video."""
    for grain, dates in (
        ("month", """date_trunc('month', "date")::DATE"""),
        ("period", '"date", "date_end"'),
        ("early", '"date", "date_end"'),
        ("all", '"date" IS NULL'),
    ):
        facts = f"(SELECT * FROM active_facts WHERE {VIDEO_GRAINS[grain]})"
        held = f"(SELECT * FROM video_summed WHERE _grain = '{grain}')"
        spans = 'min("date"), max(coalesce("date_end", "date"))'
        got = _video_sums(store, held, "sum(_rows)::BIGINT", dates, "min(_first), max(_last)")
        want = _video_sums(store, facts, "count(*)", dates, spans)
        assert _rows_close(got, want), grain
        if grain != "all":
            assert (
                store.scalar(f"SELECT count(*) FROM {held} WHERE video_key IS DISTINCT FROM {queries.VIDEO_KEY_SQL}")
                == 0
            )  # noqa: S608


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_samples_fill_the_rollup_with_every_dated_month(samples_db):
    assert_rollup_matches_facts(samples_db)
    rolled = samples_db.scalar("SELECT sum(_rows) FROM facts_summed WHERE _grain = 'month'")
    kept_daily = samples_db.scalar(f"SELECT count(*) FROM active_facts WHERE NOT {DAILY_SQL}")
    assert rolled > 0 and kept_daily > 0  # the samples hold both daily rows and period / lifetime rows
    assert rolled + kept_daily == samples_db.scalar("SELECT count(*) FROM active_facts")


def _views(store: Store) -> list[FilterState]:
    start, end = queries.date_span(store)
    mid = start + (end - start) / 2
    return [
        FilterState(),
        FilterState(date_from=start, date_to=end),
        # Cuts months in the middle, so edges come from the facts and the rest from the rollup.
        FilterState(date_from=start + dt.timedelta(days=17), date_to=mid),
        FilterState(date_from=mid),
        FilterState(date_to=mid - dt.timedelta(days=3)),
        FilterState(date_from=mid, date_to=mid),
        # Exactly whole months, and a range within one month.
        FilterState(
            date_from=mid.replace(day=1),
            date_to=(mid.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
        ),
        FilterState(date_from=mid.replace(day=3), date_to=mid.replace(day=20)),
        FilterState(platforms=("facebook", "tiktok", "youtube")),
        FilterState(objectives=("conversion",), date_from=start + dt.timedelta(days=40)),
    ]


@pytest.mark.parametrize("key", ["platform", "ad"])
@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_kpi_reads_the_same_through_the_rollup(samples_db, metric, key):
    # By platform: the day sums; by ad: whole months and edge days (see queries.presummed).
    exprs = f'"{key}", {metric.sql()} AS v, {metric.coverage_sql()} AS c'
    for filters in _views(samples_db):
        where, params = filters.where()
        direct = samples_db.rows(f"SELECT {exprs} FROM active_facts WHERE {where} GROUP BY ALL ORDER BY ALL", params)
        pre = queries.presummed([(f'"{key}"', key)], filters, metric.measures)
        rolled = samples_db.rows(
            f"SELECT {exprs} FROM ({pre}) GROUP BY ALL ORDER BY ALL",
            params,
        )
        assert [r[0] for r in direct] == [r[0] for r in rolled], filters
        for d, r in zip(direct, rolled, strict=True):
            assert _close(d[1], r[1]) and _close(d[2], r[2]), (filters, d, r)


def test_fact_rows_count_every_kept_fact_once(samples_db):
    for filters in _views(samples_db):
        where, params = filters.where()
        facts = samples_db.scalar(f"SELECT count(*) FROM active_facts WHERE {where}", params)
        behind = samples_db.scalar(f"SELECT coalesce(sum(_rows), 0) FROM ({queries.fact_rows(filters)})", params)
        assert behind == facts, filters


def test_partial_months_read_as_their_days_or_as_month_sums_less_the_days_outside(samples_db):
    # Integer measures stay exact either way, per video and in total.
    ways = set()
    for filters in _views(samples_db):
        sql = queries.fact_rows(filters)
        ways |= {"less the days outside"} if "-1 AS _rows" in sql else set()
        ways |= {"days inside"} if "1 AS _rows FROM active_facts" in sql.replace("-1 AS _rows", "") else set()
        where, params = filters.where()
        sums = 'sum("impressions"), sum("clicks"), sum("views_3s"), sum("plays_p100")'
        key = queries.VIDEO_KEY_SQL
        direct = samples_db.rows(
            f"SELECT {key}, count(*), {sums} FROM active_facts WHERE {where} GROUP BY 1 ORDER BY 1", params
        )
        rolled = samples_db.rows(f"SELECT {key}, sum(_rows), {sums} FROM ({sql}) GROUP BY 1 ORDER BY 1", params)
        assert rolled == direct, filters
    assert ways == {"days inside", "less the days outside"}


def test_reimport_and_undo_keep_the_rollup_exact(store, tmp_path):
    demo.load_samples(store)
    first = demo.write_synthetic_csv(tmp_path / "a.csv", rows=300, seed=3)
    import_files(store, [Upload(first, first.name)])
    assert_rollup_matches_facts(store)
    # The same rows again under another name replace the first import's rows.
    again = tmp_path / "a_again.csv"
    again.write_bytes(first.read_bytes() + b"\n")
    (report,) = import_files(store, [Upload(again, again.name)])
    assert report.rows_replaced > 0
    assert_rollup_matches_facts(store)
    # Undo brings the replaced rows back, and the rollup with them.
    undo(store, report.import_id)
    assert_rollup_matches_facts(store)
    undo(store, report.import_id - 1)
    assert_rollup_matches_facts(store)


def test_a_youtube_zip_sums_its_views_once_in_the_rollup(store):
    # The daily rows of videos its table data gives are dropped from the staged rows before
    # loading; the rollup, summed from the staged rows, must hold the views the facts hold.
    path = FR / make_fr.YOUTUBE_ZIP
    (report,) = import_files(store, [Upload(path, path.name)])
    assert report.source_format == "youtube_chart_data+youtube_table_data"
    periodic = "SELECT video_id FROM facts WHERE date_end > date"
    assert store.scalar("SELECT count(views) FROM facts WHERE date_end > date") > 0
    assert store.scalar(f"SELECT count(*) FROM facts WHERE date = date_end AND video_id IN ({periodic})") == 0
    assert_rollup_matches_facts(store)


def test_an_import_failing_after_the_rollup_is_summed_leaves_it_as_it_was(sample_store, tmp_path, monkeypatch):
    before = sample_store.rows("SELECT * FROM facts_summed ORDER BY ALL")

    def sum_then_fail(tx, import_ids, **kwargs):
        store_module.refresh_rollup(tx, import_ids, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(pipeline, "refresh_rollup", sum_then_fail)
    good = demo.write_synthetic_csv(tmp_path / "good.csv", rows=50, seed=9)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_files(sample_store, [Upload(good, good.name)])
    assert sample_store.rows("SELECT * FROM facts_summed ORDER BY ALL") == before
    assert_rollup_matches_facts(sample_store)


def test_a_database_from_before_the_rollup_gets_it_filled(tmp_path):
    path = tmp_path / "old.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    with s.transaction() as tx:
        tx.execute("DROP TABLE facts_summed")
        tx.execute("DROP TABLE video_summed")
        tx.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    s.close()
    reopened = Store(path, idle_release_s=None)
    try:
        assert reopened.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)
        assert_rollup_matches_facts(reopened)
    finally:
        reopened.close()


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_kpi_reads_the_same_by_day_through_the_rollup(samples_db, metric):
    keys = [('"date"', "date"), ('"date_end"', "date_end"), ('"objective"', "objective")]
    exprs = f'"date", "date_end", "objective", {metric.sql()} AS v, {metric.coverage_sql()} AS c'
    start, end = queries.date_span(samples_db)
    # Videos whose rows span longer periods beside daily ones: their days come from the facts.
    spanned = samples_db.rows(f"SELECT DISTINCT {queries.VIDEO_KEY_SQL} FROM active_facts WHERE NOT {DAILY_SQL}")
    videos = tuple(sorted(str(r[0]) for r in spanned if r[0] is not None))[:3]
    assert videos
    more = [
        FilterState(channels=("ads",), platforms=("tiktok", "meta", "facebook")),
        FilterState(videos=videos),
        FilterState(videos=videos, date_from=start + (end - start) / 3, date_to=end - dt.timedelta(days=5)),
    ]
    for filters in [*_views(samples_db), *more]:
        where, params = filters.where()
        direct = samples_db.rows(
            f'SELECT {exprs} FROM active_facts WHERE {where} AND "date" IS NOT NULL GROUP BY ALL ORDER BY ALL', params
        )
        pre = queries.presummed(keys, filters, metric.measures, '"date" IS NOT NULL', by_day=True)
        rolled = samples_db.rows(f"SELECT {exprs} FROM ({pre}) GROUP BY ALL ORDER BY ALL", params)
        assert [r[:3] for r in direct] == [r[:3] for r in rolled], filters
        for d, r in zip(direct, rolled, strict=True):
            assert _close(d[3], r[3]) and _close(d[4], r[4]), (filters, d, r)


def test_filter_choices_currency_and_objective_rows_read_the_same_through_the_rollup(samples_db):
    for filters in _views(samples_db):
        where, params = filters.where()
        for column in ("platform", "channel", "objective", "campaign", "video_id"):
            direct = samples_db.rows(
                f'SELECT DISTINCT "{column}" FROM active_facts WHERE {where} AND "{column}" IS NOT NULL ORDER BY 1',
                params,
            )
            assert queries.choices.uncached(samples_db, column, filters) == [r[0] for r in direct], (column, filters)
        currencies = samples_db.rows(
            f"SELECT DISTINCT currency FROM active_facts WHERE {where} AND currency IS NOT NULL", params
        )
        expected = currencies[0][0] if len(currencies) == 1 else None
        assert queries.currency.uncached(samples_db, filters) == expected, filters
        direct = samples_db.rows(
            f"SELECT objective, count(*), sum(spend), sum(impressions) FROM active_facts WHERE {where} "
            "GROUP BY 1 ORDER BY 1",
            params,
        )
        rolled = queries.by_objective.uncached(samples_db, filters).sort_values("objective")
        assert [tuple(r)[:2] for r in direct] == [
            (o, n) for o, n in zip(rolled["objective"], rolled["rows"], strict=True)
        ]
        for d, (_, r) in zip(direct, rolled.iterrows(), strict=True):
            assert _close(d[2], None if r["spend"] != r["spend"] else r["spend"]), (filters, d)
            assert _close(d[3], None if r["impressions"] != r["impressions"] else r["impressions"]), (filters, d)


def test_the_video_picker_lists_every_video_once_with_its_platforms(samples_db):
    for filters in _views(samples_db):
        where, params = filters.where()
        key = queries.VIDEO_KEY_SQL
        direct = samples_db.rows(
            f"""SELECT {key}, string_agg(DISTINCT platform, ', ' ORDER BY platform) FROM active_facts
                WHERE {where} AND {key} IS NOT NULL GROUP BY 1 ORDER BY 1""",
            params,
        )
        picked = queries.video_choices.uncached(samples_db, filters).sort_values("key")
        assert list(zip(picked["key"], picked["platforms"], strict=True)) == direct, filters
    assert any(", " in p for p in queries.video_choices.uncached(samples_db)["platforms"])


def test_google_rows_imported_with_impressions_as_starts_lose_them_on_opening(tmp_path):
    path = tmp_path / "old.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    google = "platform = 'google_ads' AND import_id IN (SELECT import_id FROM imports WHERE source_format = 'google_ads_video')"
    assert s.scalar(f"SELECT count(*) FROM facts WHERE {google}") > 0
    clean = s.rows("SELECT * FROM facts_summed ORDER BY ALL")
    # As schema 7 stored them: Google's impressions counted as plays started, and summed so.
    with s.transaction() as tx:
        tx.execute(f"UPDATE facts SET video_starts = impressions WHERE {google}")
        refresh_rollup(tx, [r[0] for r in tx.execute("SELECT import_id FROM imports").fetchall()])
        tx.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    assert s.rows("SELECT * FROM facts_summed ORDER BY ALL") != clean
    other = s.rows("SELECT count(video_starts), sum(video_starts) FROM facts WHERE platform <> 'google_ads'")
    s.close()
    reopened = Store(path, idle_release_s=None)
    try:
        assert reopened.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)
        assert reopened.scalar(f"SELECT count(video_starts) FROM facts WHERE {google}") == 0
        assert (
            reopened.rows("SELECT count(video_starts), sum(video_starts) FROM facts WHERE platform <> 'google_ads'")
            == other
        )
        assert reopened.rows("SELECT * FROM facts_summed ORDER BY ALL") == clean
        assert_rollup_matches_facts(reopened)
    finally:
        reopened.close()


def test_undated_rows_per_platform_are_the_facts_without_a_date(samples_db):
    scopes = [FilterState(), FilterState(platforms=("vimeo",)), FilterState(objectives=("awareness", "loyalty"))]
    for filters in scopes:
        where, params = filters.where()
        facts = samples_db.rows(
            f'SELECT platform, count(*) FROM active_facts WHERE {where} AND "date" IS NULL GROUP BY 1 ORDER BY 1',
            params,
        )
        got = queries.undated_rows.uncached(samples_db, filters)
        assert [(p, int(n)) for p, n in zip(got["platform"], got["rows"], strict=True)] == facts, filters
    assert len(queries.undated_rows.uncached(samples_db)) >= 2  # Vimeo and Wistia lifetime rows


def _daily_export(path: Path, rows: list[tuple[str, str, str, int, int]]) -> Path:
    """A canonical CSV of (date, platform, video, impressions, views); a blank date is a lifetime row."""
    lines = ["date,platform,video_id,impressions,views"] + [",".join(str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_replacing_some_rows_sums_again_only_the_months_they_lie_in(store, tmp_path):
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(90)]
    first = [(d.isoformat(), "youtube", v, 1000, 100 + i % 7) for i, d in enumerate(days) for v in ("vid_a", "vid_b")]
    first.append(("", "vimeo", "vid_c", 5000, 700))  # a lifetime row, undated
    (one,) = import_files(store, [Upload(_daily_export(tmp_path / "q1.csv", first), "q1.csv")])
    kept = {
        table: store.rows(
            f"SELECT rowid FROM {table} WHERE import_id = $id AND _grain = 'month' AND \"date\" <> DATE '2026-02-01'",
            {"id": one.import_id},
        )
        for table in ("facts_summed", "video_summed")
    }
    # Nor are the sums of a video none of whose rows was replaced, in February or over all time.
    untouched = {
        table: store.rows(
            f"SELECT rowid FROM {table} WHERE import_id = $id AND video_id = 'vid_b' AND _grain <> 'day'",
            {"id": one.import_id},
        )
        for table in ("facts_summed", "video_summed")
    }
    # A re-export of a week of February for one video, and of the lifetime row.
    week = [(f"2026-02-{d:02d}", "youtube", "vid_a", 2000, 900) for d in range(10, 17)]
    (two,) = import_files(
        store, [Upload(_daily_export(tmp_path / "w.csv", [*week, ("", "vimeo", "vid_c", 6000, 800)]), "w.csv")]
    )
    assert two.rows_replaced == 8 and two.replaced_imports == [one.import_id]
    assert_rollup_matches_facts(store)
    assert_video_summary_matches_facts(store)
    # January's and March's sums of the first import were left as they were, not summed again.
    for table, rows in kept.items():
        assert len(rows) >= 4
        still = store.rows(
            f"SELECT rowid FROM {table} WHERE import_id = $id AND _grain = 'month' AND \"date\" <> DATE '2026-02-01'",
            {"id": one.import_id},
        )
        assert still == rows, table
    for table, rows in untouched.items():
        assert len(rows) >= 4  # its three months and its all-time sums
        still = store.rows(
            f"SELECT rowid FROM {table} WHERE import_id = $id AND video_id = 'vid_b' AND _grain <> 'day'",
            {"id": one.import_id},
        )
        assert still == rows, table
    # And the figures read through the rollup are the facts'.
    assert queries.kpis(store, ("view_rate",))["view_rate"].value == pytest.approx(
        store.scalar("SELECT sum(views) / sum(impressions) FROM active_facts")
    )


def test_replacing_rows_without_a_video_sums_again_those_of_every_import_they_came_from(store, tmp_path):
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(40)]
    account = [(d.isoformat(), "youtube", "", 500, 50) for d in days]  # the channel's own rows: no video
    videos = [(d.isoformat(), "youtube", "vid_a", 1000, 100) for d in days]
    import_files(store, [Upload(_daily_export(tmp_path / "account.csv", account), "account.csv")])
    import_files(store, [Upload(_daily_export(tmp_path / "videos.csv", videos), "videos.csv")])
    # A re-export of a week of April holding both.
    week = [(f"2026-04-{d:02d}", "youtube", v, 2000, 300) for d in range(2, 9) for v in ("", "vid_a")]
    (again,) = import_files(store, [Upload(_daily_export(tmp_path / "week.csv", week), "week.csv")])
    assert again.rows_replaced == 14 and len(again.replaced_imports) == 2
    assert_rollup_matches_facts(store)
    assert queries.kpis(store, ("view_rate",))["view_rate"].value == pytest.approx(
        store.scalar("SELECT sum(views) / sum(impressions) FROM active_facts")
    )


def test_a_video_with_only_days_outside_the_range_in_an_edge_month_is_left_out(store, tmp_path):
    # March 10-31 is read as March's sums less March 1-9: vid_early's only day is netted away.
    rows = [("2026-03-02", "youtube", "vid_early", 400, 40)]
    rows += [(f"2026-03-{d:02d}", "youtube", "vid_late", 1000, 10 * d) for d in range(5, 31)]
    rows += [("2026-04-03", "youtube", "vid_early", 300, 30)]
    # vid_late was also on TikTok, only on days outside the range.
    rows += [("2026-03-03", "tiktok", "vid_late", 500, 50)]
    import_files(store, [Upload(_daily_export(tmp_path / "m.csv", rows), "m.csv")])
    filters = FilterState(date_from=dt.date(2026, 3, 10), date_to=dt.date(2026, 3, 31))
    assert "-1 AS _rows" in queries.fact_rows(filters)
    # The video picker, which reads the month and its days outside apart, nets them too.
    picked = queries.video_choices.uncached(store, filters)
    assert list(zip(picked["key"], picked["platforms"], strict=True)) == [("vid_late", "youtube")]
    where, params = filters.where()
    pre = queries.presummed([('"video_id"', "video_id")], filters, ("views", "impressions"))
    got = store.rows(f"SELECT video_id, _rows, views, impressions FROM ({pre}) ORDER BY 1", params)
    assert got == [("vid_late", 21, sum(10 * d for d in range(10, 31)), 21_000)]
    # The same through the per-video summary, for a chosen video.
    chosen = FilterState(date_from=filters.date_from, date_to=filters.date_to, videos=("vid_early", "vid_late"))
    pre = queries.presummed([('"video_id"', "video_id")], chosen, ("views",))
    where, params = chosen.where()
    assert "video_summed" in pre
    assert store.rows(f"SELECT video_id, _rows, views FROM ({pre}) ORDER BY 1", params) == [
        ("vid_late", 21, sum(10 * d for d in range(10, 31)))
    ]


def test_the_date_span_reads_the_same_as_the_facts(samples_db):
    campaign, day = samples_db.rows(
        f'SELECT campaign, min("date") + 3 FROM active_facts WHERE campaign IS NOT NULL AND {DAILY_SQL} '
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )[0]
    scopes = [
        *_views(samples_db),
        FilterState(campaigns=(campaign,)),
        # From a day the campaign reports: the range's first day is the span's first.
        FilterState(campaigns=(campaign,), date_from=day),
    ]
    for filters in scopes:
        where, params = filters.where()
        direct = samples_db.rows(
            f'SELECT min("date"), max(coalesce("date_end", "date")) FROM active_facts WHERE {where}', params
        )[0]
        assert queries.date_span.uncached(samples_db, filters) == direct, filters


def test_a_chosen_videos_days_read_the_same_as_the_facts(samples_db):
    # Read between the chosen videos' first and last days (kept in the per-video summary): a
    # bound a day too narrow leaves out a first or last day, which these sums would miss.
    from vmdash.store.rollup import dated_rows

    key = queries.VIDEO_KEY_SQL
    videos = [
        v for (v,) in samples_db.rows(f'SELECT DISTINCT {key} FROM active_facts WHERE "date" IS NOT NULL ORDER BY 1')
    ]
    assert len(videos) >= 5
    start, _ = queries.date_span(samples_db)
    assert start is not None
    daily = '"date" IS NOT NULL AND "date" = coalesce("date_end", "date") GROUP BY 1 ORDER BY 1'
    for video in videos:
        for filters in (
            FilterState(videos=(video,)),
            FilterState(videos=(video, videos[0]), date_from=start + dt.timedelta(days=10)),
        ):
            where, params = filters.where()
            got = samples_db.rows(
                f'SELECT "date", sum(_rows), sum(views), sum(spend) FROM ({dated_rows(filters, None)}) WHERE {daily}',
                params,
            )
            direct = samples_db.rows(
                f'SELECT "date", count(*), sum(views), sum(spend) FROM active_facts WHERE {where} AND {daily}', params
            )
            assert [r[:3] for r in got] == [r[:3] for r in direct], filters
            assert all(_close(g[3], d[3]) for g, d in zip(got, direct, strict=True)), filters


def test_a_variant_trend_reads_the_same_as_the_facts(samples_db):
    from vmdash.testlearn import data as testlearn

    videos = samples_db.rows(
        f"SELECT {queries.VIDEO_KEY_SQL}, count(*) FROM active_facts WHERE {queries.VIDEO_KEY_SQL} IS NOT NULL "
        'AND "date" IS NOT NULL AND views IS NOT NULL AND impressions IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2'
    )
    pair = tuple(str(v) for v, _ in videos)
    metric = metrics.get("view_rate")
    # From a day both videos report, so a range's first day counts (or is wrongly left out).
    day = samples_db.scalar(
        f'SELECT min("date") FROM active_facts WHERE {queries.VIDEO_KEY_SQL} = $v AND "date" > $after',
        {"v": pair[0], "after": queries.date_span(samples_db, FilterState(videos=pair))[0] + dt.timedelta(days=5)},
    )
    for filters in (FilterState(), FilterState(date_from=day)):
        got = testlearn.variant_trend.uncached(samples_db, "video", pair, metric.name, filters)
        grain = str(got["grain"].iloc[0])
        where, params = filters.where()
        direct = samples_db.rows(
            f"""SELECT v, p, value FROM (
                    SELECT {queries.VIDEO_KEY_SQL} AS v, date_trunc($grain, "date")::DATE AS p, {metric.sql()} AS value
                    FROM active_facts WHERE {where} AND list_contains($pair, {queries.VIDEO_KEY_SQL})
                      AND "date" IS NOT NULL AND date_trunc($grain, "date") = date_trunc($grain, coalesce("date_end", "date"))
                    GROUP BY 1, 2
                ) WHERE value IS NOT NULL ORDER BY list_position($pair, v), p""",
            {**params, "grain": grain, "pair": list(pair)},
        )
        assert len(direct) > 3
        periods = [p.date() if hasattr(p, "date") else p for p in got["period"]]
        rows = list(zip(got["variant"], periods, got["value"], strict=True))
        assert [r[:2] for r in rows] == [d[:2] for d in direct], filters
        assert all(_close(r[2], d[2]) for r, d in zip(rows, direct, strict=True)), filters
