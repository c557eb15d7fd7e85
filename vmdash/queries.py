"""Named queries behind the CLI and the pages: SQL from the registries, values bound.

Only canonical names from `model`, metric expressions from `metrics` and the
WHERE fragment from `filters` enter SQL text here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vmdash import cache, metrics, model, retention
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.store import DAILY_SQL, DAY_DIMENSIONS, ROLLUP_DIMENSIONS, Store, unreported_sql

MAX_CHART_POINTS = 5000

_GROUP_COLUMNS = {
    "platform": "platform",
    "channel": "channel",
    "objective": "objective",
    "campaign": "campaign",
    "import": "import_id",
    "video": "video_id",
}


def _measure_sums() -> str:
    return ", ".join(f'sum("{m}") AS "{m}"' for m in model.MEASURE_NAMES)


# What every part of fact_rows selects, in this order (before `_rows`).
_FACT_ROW_COLUMNS = ", ".join(f'"{c}"' for c in ("date", "date_end", *ROLLUP_DIMENSIONS, *model.MEASURE_NAMES))


def fact_rows(filters: FilterState, extra: str = "TRUE", columns: set[str] | None = None) -> str:
    """The active facts the filters keep, as a subquery, read from the rollup wherever it can be.

    `columns`, when given, are the only columns the caller reads (besides measures): when
    platform, channel, objective and currency suffice, the day sums (see _day_rows). Else, with
    no date range: the facts summed over all time; with one: whole months and longer periods
    from the rollup, and for each partial month at the range's edges either its days inside the
    range from the facts, or, when fewer days fall outside, its month sums less those days (see
    _edge_rows). Each row carries `_rows`, the facts it stands for, so counts are `sum(_rows)`,
    never count(*); "date" / "date_end" on a summed row are its span, so group or order by day
    on `active_facts` instead. `extra` must not test the date. Its parameters are those of
    `filters.where()`.
    """
    if columns is not None and (day := _day_rows(filters, columns, extra)):
        return day
    where, _ = filters.where()
    keep = f"({where}) AND ({extra})"
    if not filters.has_dates:
        return f"SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE _grain = 'all' AND {keep}"
    lo, hi = filters.date_from, filters.date_to
    # The whole months inside the range: from the first month starting on or after date_from
    # to the last one ending on or before date_to (constants, so the facts' zone maps apply).
    first = "DATE '1900-01-01'"
    last = "DATE '2999-12-31'"
    if lo is not None:
        first = "CAST(date_trunc('month', $f_date_from - INTERVAL 1 DAY) + INTERVAL 1 MONTH AS DATE)"
    if hi is not None:
        last = "CAST(date_trunc('month', $f_date_to + INTERVAL 1 DAY) - INTERVAL 1 DAY AS DATE)"
    parts = [
        f"SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE "
        f"((_grain = 'month' AND \"date\" >= {first} AND \"date_end\" <= {last}) OR _grain = 'period') AND {keep}"
    ]
    undated_keep = f"({filters.without('date_from', 'date_to').where()[0]}) AND ({extra})"
    lower_edge = lo is not None and lo.day != 1
    if lower_edge:
        # The lower edge month; a range within one month is all lower edge.
        month_end = _month_end(lo)
        to_day = min(hi, month_end) if hi is not None else month_end
        to_sql = "least($f_date_to, last_day($f_date_from))" if hi is not None else "last_day($f_date_from)"
        parts.append(_edge_rows(lo, to_day, "$f_date_from", to_sql, "$f_date_from", keep, undated_keep))
    if hi is not None and hi != _month_end(hi) and not (lower_edge and lo.replace(day=1) == hi.replace(day=1)):
        from_sql = "CAST(date_trunc('month', $f_date_to) AS DATE)"
        parts.append(_edge_rows(hi.replace(day=1), hi, from_sql, "$f_date_to", "$f_date_to", keep, undated_keep))
    return " UNION ALL ".join(parts)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _edge_rows(
    from_day: dt.date, to_day: dt.date, from_sql: str, to_sql: str, in_month: str, keep: str, undated_keep: str
) -> str:
    """One partial month's facts inside [from, to], both in the month of `in_month` (SQL).

    From the facts when most of the month is inside the range; else the month's sums from the
    rollup, less its days outside the range (as rows of negated measures), netted per
    dimension and pattern of unreported measures (integer measures exactly; a sum of money may
    differ from the facts' in its last bits). `keep` tests every filter, `undated_keep` every
    filter but the dates.
    """
    inside = (to_day - from_day).days + 1
    month_days = _month_end(from_day).day
    if month_days - inside >= inside:
        return (
            f'SELECT {_FACT_ROW_COLUMNS}, 1 AS _rows FROM active_facts WHERE "date" >= {from_sql} AND "date" <= {to_sql} '
            f"AND {DAILY_SQL} AND {keep}"
        )
    month_start, month_end = f"CAST(date_trunc('month', {in_month}) AS DATE)", f"last_day({in_month})"
    dims = ", ".join(f'"{c}"' for c in ROLLUP_DIMENSIONS)
    measures = ", ".join(f'"{m}"' for m in model.MEASURE_NAMES)
    negated = ", ".join(f'-"{m}"' for m in model.MEASURE_NAMES)
    types = {c.name: c.sql_type for c in model.MEASURES}
    sums = ", ".join(f'CAST(sum("{m}") AS {types[m]}) AS "{m}"' for m in model.MEASURE_NAMES)
    unreported = unreported_sql()
    # Each stretch outside as its own day range (an OR of two would scan every fact).
    negatives = "".join(
        f" UNION ALL SELECT {dims}, {negated}, -1 AS _rows FROM active_facts "
        f'WHERE "date" >= {first} AND "date" <= {last} AND {DAILY_SQL} AND {undated_keep}'
        for first, last, days in (
            (month_start, f"{from_sql} - 1", from_day.day - 1),
            (f"{to_sql} + 1", month_end, month_days - to_day.day),
        )
        if days
    )
    return f"""SELECT {from_sql} AS "date", {to_sql} AS "date_end", {dims}, {sums}, CAST(sum(_rows) AS BIGINT) AS _rows
        FROM (
            SELECT {dims}, {measures}, _rows FROM facts_summed
            WHERE _grain = 'month' AND "date" = {month_start} AND {keep}{negatives}
        )
        GROUP BY {dims}, {unreported} HAVING sum(_rows) > 0"""


def presummed(
    keys: Sequence[tuple[str, str]],
    filters: FilterState,
    measures: Sequence[str] = model.MEASURE_NAMES,
    extra: str = "TRUE",
    by_day: bool = False,
) -> str:
    """Filtered facts summed per key and per pattern of unreported measures, as a subquery.

    `keys` are (SQL expression, name) pairs; `extra` a further condition on the rows. Every
    measure of a result row is then either the sum of reporting rows or NULL, so a KPI's ratio
    of sums (which only counts rows reporting both sides) reads the same on it as on the facts,
    while its FILTER clauses and any name-parsing run over a few thousand rows instead of
    millions. `_rows` counts the facts behind each row. Rows are read from the rollup (see
    fact_rows). `by_day` keeps real days, for keys on "date" / "date_end": the day sums when
    the keys allow, else the facts (`extra` may then only test the date). Parameters: those of
    `filters.where()`.
    """
    # A KPI may multiply a measure by a dimension (views x video length): the dimension becomes
    # a key, so the sum of products over the result rows equals the one over the facts.
    dimensions = [c for c in dict.fromkeys(measures) if c not in model.MEASURE_NAMES]
    keys = [*keys, *((f'"{c}"', c) for c in dimensions if c not in {name for _, name in keys})]
    measures = [c for c in dict.fromkeys(measures) if c in model.MEASURE_NAMES]
    unreported = unreported_sql(measures)
    selected = "".join(f'{expr} AS "{name}", ' for expr, name in keys)
    sums = ", ".join(f'sum("{m}") AS "{m}"' for m in measures)
    positions = "".join(f"{i}, " for i in range(1, len(keys) + 1))
    # Plain column keys (no expression over ad-level names) may be served by the day sums.
    columns = {name for _, name in keys} if all(expr == f'"{name}"' for expr, name in keys) else None
    if not by_day:
        source = fact_rows(filters, extra, columns if extra == "TRUE" else None)
    elif columns is None or not (source := _day_rows(filters, columns, extra)):
        where, _ = filters.where()
        source = f"SELECT *, 1 AS _rows FROM active_facts WHERE ({where}) AND ({extra})"
    return f"SELECT {selected}sum(_rows) AS _rows, {sums} FROM ({source}) GROUP BY {positions}{unreported}"


def _day_rows(filters: FilterState, columns: set[str], extra: str = "TRUE") -> str | None:
    """The filtered facts as day sums per platform, channel and objective, when those columns suffice.

    Daily rows summed per day and DAY_DIMENSIONS, and rows over longer periods as they are:
    real days, so any date range reads them exactly (some 10k rows for 10M facts). None when
    a needed column, or a campaign or video filter, is finer than that; `extra` may only test
    the date or DAY_DIMENSIONS. Rows carry `_rows`. Parameters: those of `filters.where()`.
    """
    if not columns <= {"date", "date_end", *DAY_DIMENSIONS} or filters.campaigns or filters.videos:
        return None
    where, _ = filters.where()
    return f"SELECT * FROM facts_summed WHERE _grain IN ('day', 'period') AND ({where}) AND ({extra})"


# What a video's name-derived dimensions (length token, format token) are read from.
NAME_KEYS: tuple[tuple[str, str], ...] = tuple(
    (f'"{c}"', c) for c in ("platform", "ad", "video_title", "ad_set", "campaign", "video_duration_s")
)


@cache.cached
def summary(store: Store, by: str | None = None, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Totals of every measure, overall or per group (NULL where no row reports a measure)."""
    where, params = filters.where()
    if by is None:
        return store.df(f"SELECT count(*) AS rows, {_measure_sums()} FROM active_facts WHERE {where}", params)
    if by not in _GROUP_COLUMNS:
        raise InvalidChoice("grouping", by, tuple(_GROUP_COLUMNS))
    column = _GROUP_COLUMNS[by]
    return store.df(
        f'SELECT "{column}", count(*) AS rows, {_measure_sums()} FROM active_facts '
        f'WHERE {where} GROUP BY ALL ORDER BY "{column}" NULLS LAST',
        params,
    )


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value, the share of its denominator that reported it, and its previous value."""

    metric: metrics.Metric
    value: float | None
    coverage: float | None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        """Relative change from the previous period, None when either side is missing."""
        if self.value is None or self.previous in (None, 0):
            return None
        return (self.value - self.previous) / abs(self.previous)


def _none(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


@cache.cached
def kpis(store: Store, names: tuple[str, ...], filters: FilterState = FilterState()) -> dict[str, KpiValue]:
    """Several KPIs in one query, with coverage and the previous period's value."""
    return _kpi_values(store, {"": names}, filters, by_objective=False)[""]


@cache.cached
def objective_kpis(
    store: Store, objectives: tuple[str, ...], filters: FilterState = FilterState()
) -> dict[str, dict[str, KpiValue]]:
    """Each objective's KPIs (metrics.BY_OBJECTIVE) over its own rows, as `kpis` gives them.

    The objectives are read together, grouped by objective: the Overview's cards of four
    objectives take four queries (two per period, see _kpi_values) instead of eight.
    """
    for objective in objectives:
        if objective not in metrics.BY_OBJECTIVE:
            raise InvalidChoice("objective", objective, tuple(metrics.BY_OBJECTIVE))
    return _kpi_values(store, {o: metrics.BY_OBJECTIVE[o] for o in objectives}, filters, by_objective=True)


def _kpi_values(
    store: Store, wanted: dict[str, tuple[str, ...]], filters: FilterState, by_objective: bool
) -> dict[str, dict[str, KpiValue]]:
    """The KPIs `wanted[objective]` over each objective's rows (or `wanted[""]` over all rows),
    now and in the period before.

    KPIs that weigh a measure by a dimension (views x video length) are read apart from the
    others: that dimension would keep the rest from the day sums (see presummed).
    """
    chosen = [metrics.get(n) for n in dict.fromkeys(n for names in wanted.values() for n in names)]
    batches: dict[tuple[str, ...], list[metrics.Metric]] = {}
    for m in chosen:
        batches.setdefault(tuple(c for c in m.measures if c not in model.MEASURE_NAMES), []).append(m)
    keys = [('"objective"', "objective")] if by_objective else []
    group = '"objective"' if by_objective else "''"

    def read(scope: FilterState) -> dict[tuple[str, str], tuple[float | None, float | None]]:
        """(group, KPI) -> (value, coverage)."""
        found = {}
        for batch in batches.values():
            names = {m.name for m in batch}
            groups = tuple(key for key, wants in wanted.items() if names & set(wants))
            # Only the objectives that show a KPI of this batch are read for it.
            narrowed = scope.narrowed(objectives=groups) if by_objective else scope
            _, params = narrowed.where()
            exprs = ", ".join(f"{m.sql()}, {m.coverage_sql()}" for m in batch)
            measures = [c for m in batch for c in m.measures]
            sql = f"SELECT {group}, {exprs} FROM ({presummed(keys, narrowed, measures)}) GROUP BY 1"
            for row in store.rows(sql, params):
                for i, m in enumerate(batch):
                    found[(row[0], m.name)] = (_none(row[1 + 2 * i]), _none(row[2 + 2 * i]))
        return found

    current = read(filters)
    before = filters.shifted_back()
    previous = read(before) if before is not None else {}

    def kpi(key: str, name: str) -> KpiValue:
        value, coverage = current.get((key, name), (None, None))
        previous_value, _ = previous.get((key, name), (None, None))
        return KpiValue(metrics.get(name), value, coverage, previous_value)

    return {key: {name: kpi(key, name) for name in names} for key, names in wanted.items()}


# What the Overview sets side by side for a platform reached through more than one channel:
# volume first, then KPIs every channel can report (none weighs a measure by a dimension).
SIDE_BY_SIDE_TOTALS: tuple[str, ...] = ("impressions", "reach", "views", "likes", "comments", "shares", "spend")
SIDE_BY_SIDE_KPIS: tuple[str, ...] = ("view_rate", "completion_rate", "avg_view_duration", "ctr")


@cache.cached
def channels_side_by_side(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Per platform the selection reaches through more than one channel (organic and paid
    Facebook), each channel's totals and KPIs: one row per platform and channel, in canonical order.
    """
    kpis = [metrics.get(n) for n in SIDE_BY_SIDE_KPIS]
    measures = [*SIDE_BY_SIDE_TOTALS, *(c for m in kpis for c in m.measures)]
    keys = [('"platform"', "platform"), ('"channel"', "channel")]
    _, params = filters.where()
    params.update({"platforms": list(model.PLATFORMS), "channels": list(model.CHANNELS)})
    totals = ", ".join(f'sum("{c}") AS "{c}"' for c in SIDE_BY_SIDE_TOTALS)
    exprs = ", ".join(f'{m.sql()} AS "{m.name}"' for m in kpis)
    return store.df(
        f"""SELECT * EXCLUDE (reached_by) FROM (
                SELECT platform, channel, {totals}, {exprs},
                       count(*) OVER (PARTITION BY platform) AS reached_by
                FROM ({presummed(keys, filters, measures)})
                WHERE platform IS NOT NULL AND channel IS NOT NULL
                GROUP BY platform, channel
            ) WHERE reached_by > 1
            ORDER BY list_position($platforms, platform), list_position($channels, channel)""",
        params,
    )


# A row that names no video, ad or campaign: an account's own series (Meta Business Suite's
# daily Views, TikTok Studio's Overview), which counts again what per-video rows report.
ACCOUNT_ROW_SQL = " AND ".join(f'"{c}" IS NULL' for c in ("video_id", "video_title", "ad", "ad_set", "campaign"))


@cache.cached
def account_totals_beside_videos(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Per platform and channel holding both account series and per-video rows in the
    selection: the account rows' views and impressions, which sums over both count twice.
    """
    keys = [('"platform"', "platform"), ('"channel"', "channel"), (ACCOUNT_ROW_SQL, "account")]
    _, params = filters.where()
    params.update({"platforms": list(model.PLATFORMS), "channels": list(model.CHANNELS)})
    return store.df(
        f"""SELECT platform, channel,
                   sum(_rows) FILTER (WHERE account) AS account_rows,
                   sum(views) FILTER (WHERE account) AS account_views,
                   sum(impressions) FILTER (WHERE account) AS account_impressions
            FROM ({presummed(keys, filters, ("views", "impressions"))})
            GROUP BY platform, channel
            HAVING bool_or(account) AND bool_or(NOT account)
            ORDER BY list_position($platforms, platform), list_position($channels, channel)""",
        params,
    )


@cache.cached
def date_span(store: Store, filters: FilterState = FilterState()) -> tuple[dt.date | None, dt.date | None]:
    """First and last dates covered by the filtered rows."""
    where, params = filters.where()
    # Clamped: imports refuse dates outside the model's span, but a database written before
    # they did may hold one, and the date picker cannot show year 0 or 99999.
    params = {**params, "first_date": model.FIRST_DATE, "last_date": model.LAST_DATE}
    row = store.rows(
        # (greatest and least skip NULLs: without the CASE no dates at all would read as the whole span.)
        'SELECT CASE WHEN min("date") IS NOT NULL THEN greatest(min("date"), $first_date) END, '
        'CASE WHEN max(coalesce("date_end", "date")) IS NOT NULL '
        'THEN least(max(coalesce("date_end", "date")), $last_date) END '
        f"FROM active_facts WHERE {where}",
        params,
    )[0]
    return row[0], row[1]


def pick_grain(start: dt.date | None, end: dt.date | None, series: int = 1) -> str:
    """The finest of day / week / month that keeps a trend under the chart point limit."""
    if start is None or end is None:
        return "day"
    days = (end - start).days + 1
    for grain, size in (("day", 1), ("week", 7), ("month", 30)):
        if days / size * max(series, 1) <= MAX_CHART_POINTS:
            return grain
    return "year"


# What the Overview's trend can be split by; "source" is platform and channel together.
TREND_SPLITS: tuple[str, ...] = ("platform", "source", "channel", "objective")


@cache.cached
def trend(
    store: Store, metric_name: str, filters: FilterState = FilterState(), split: str = "platform"
) -> pd.DataFrame:
    """A KPI over time per platform (or channel / objective), bucketed to stay under 5,000 points.

    Rows that fit in one bucket of the chosen grain become points (`kind` 'point'); rows
    reported for a longer period (a month of Meta at day grain) are not pretended daily: they
    come back as one value over their whole span (`kind` 'span', from `period` to `period_end`).
    """
    metric = metrics.get(metric_name)
    if split not in TREND_SPLITS:
        raise InvalidChoice("split", split, TREND_SPLITS)
    start, end = date_span(store, filters)
    grain = pick_grain(start, end, series=len(model.PLATFORMS) * (len(model.CHANNELS) if split == "source" else 1))
    _, params = filters.where()
    params["grain"] = grain
    # "source" is a platform through one channel (organic Facebook apart from paid Facebook):
    # both are read as plain columns, so the day sums still serve the chart.
    split_keys = ("platform", "channel") if split == "source" else (split,)
    keys = [('"date"', "date"), ('"date_end"', "date_end"), *((f'"{c}"', c) for c in split_keys)]
    volume = f'sum("{metric.denominator[0]}") FILTER (WHERE {metric.reported_sql()})'
    source = ', "platform" || \'/\' || "channel" AS "source"' if split == "source" else ""
    return store.df(
        f"""WITH rows AS (
                SELECT *{source}, date_trunc($grain, "date")::DATE AS b0,
                       date_trunc($grain, coalesce("date_end", "date"))::DATE AS b1
                FROM ({presummed(keys, filters, metric.measures, '"date" IS NOT NULL', by_day=True)})
            ), points AS (
                SELECT 'point' AS kind, b0 AS period, b0 AS period_end, "{split}",
                       {metric.sql()} AS value, {volume} AS volume
                FROM rows WHERE b0 = b1 GROUP BY ALL
            ), spans AS (
                SELECT 'span' AS kind, "date"::DATE AS period, "date_end"::DATE AS period_end, "{split}",
                       {metric.sql()} AS value, {volume} AS volume
                FROM rows WHERE b0 <> b1 GROUP BY ALL
            )
            SELECT * FROM (SELECT * FROM points UNION ALL SELECT * FROM spans)
            WHERE value IS NOT NULL ORDER BY kind, "{split}", period LIMIT {MAX_CHART_POINTS}""",
        params,
    )


@cache.cached
def by_objective(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Rows and spend per objective (in the canonical order), to show which objectives hold data."""
    _, params = filters.where()
    params["order"] = list(model.OBJECTIVES)
    return store.df(
        f"SELECT objective, sum(_rows) AS rows, sum(spend) AS spend, sum(impressions) AS impressions "
        f"FROM ({fact_rows(filters, columns={'objective'})}) "
        "GROUP BY objective ORDER BY list_position($order, objective)",
        params,
    )


@cache.cached
def ranked_videos(
    store: Store,
    metric_name: str,
    filters: FilterState = FilterState(),
    limit: int = 5,
    min_volume: float = 100,
    worst: bool = False,
) -> pd.DataFrame:
    """Videos (or ads, where no video id) ranked by a KPI, best (or worst) first, with volume to judge.

    Ties go to the larger volume, then by name. Both ends come from one query (kept in the
    cache), so a page showing the top and the bottom reads the facts once.
    """
    ends = _ranking_ends(store, metric_name, filters, int(limit), float(min_volume))
    rank = "worst_rank" if worst else "best_rank"
    picked = ends[ends[rank] <= limit].sort_values(rank)
    return picked.drop(columns=["best_rank", "worst_rank"]).reset_index(drop=True)


@cache.cached
def _ranking_ends(store: Store, metric_name: str, filters: FilterState, limit: int, min_volume: float) -> pd.DataFrame:
    """The `limit` best and `limit` worst videos on a KPI, each with its rank from either end."""
    metric = metrics.get(metric_name)
    _, params = filters.where()
    params.update({"limit": limit, "min_volume": min_volume})
    best, worst = ("DESC", "ASC") if metric.higher_is_better else ("ASC", "DESC")
    den = f"sum({' * '.join(chr(34) + c + chr(34) for c in metric.denominator)})"
    keys = [('coalesce("video_title", "ad", "video_id", "campaign")', "video"), ('"platform"', "platform")]
    return store.df(
        f"""WITH ranked AS (
                SELECT video, platform, {metric.sql()} AS value, {den} AS volume
                FROM ({presummed(keys, filters, metric.measures)})
                GROUP BY ALL HAVING value IS NOT NULL AND volume >= $min_volume
            )
            SELECT * FROM (
                SELECT *,
                       row_number() OVER (ORDER BY value {best}, volume DESC, video, platform) AS best_rank,
                       row_number() OVER (ORDER BY value {worst}, volume DESC, video, platform) AS worst_rank
                FROM ranked
            ) WHERE best_rank <= $limit OR worst_rank <= $limit""",
        params,
    )


def imports(store: Store) -> pd.DataFrame:
    """Every import, newest first."""
    return store.df(
        "SELECT import_id, file_name, source_format, locale, rows_read, rows_loaded, rows_rejected, "
        "rows_replaced, replaced_imports, imported_at, status, detection FROM imports ORDER BY import_id DESC"
    )


def data_version(store: Store) -> tuple[int, int]:
    """Changes whenever an import lands or is undone (see vmdash.cache)."""
    return cache.data_version(store)


def latest_import(store: Store) -> tuple[int, dt.datetime] | None:
    """The newest active import's id and time ('data as of import #N')."""
    row = store.rows(
        "SELECT import_id, imported_at FROM imports WHERE status = 'active' ORDER BY import_id DESC LIMIT 1"
    )
    return (int(row[0][0]), row[0][1]) if row else None


@cache.cached
def choices(store: Store, column: str, filters: FilterState = FilterState()) -> list[str]:
    """Distinct values of a dimension present in the data (for the filter bar)."""
    if column not in ("campaign", "video_id", "platform", "channel", "objective"):
        raise InvalidChoice("dimension", column, ("campaign", "video_id", "platform", "channel", "objective"))
    _, params = filters.where()
    present = f'"{column}" IS NOT NULL'
    rows = store.rows(
        f'SELECT DISTINCT "{column}" FROM ({fact_rows(filters, present, {column})}) ORDER BY 1 LIMIT 2000',
        params,
    )
    return [r[0] for r in rows]


@cache.cached
def videos(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Video ids with their titles and platforms, for pickers."""
    _, params = filters.where()
    return store.df(
        f"""SELECT video_id, any_value(video_title) AS video_title, any_value(platform) AS platform
            FROM ({fact_rows(filters, "video_id IS NOT NULL")}) GROUP BY video_id
            ORDER BY video_title NULLS LAST LIMIT 2000""",
        params,
    )


def is_empty(store: Store) -> bool:
    """True when no import has ever landed."""
    return store.scalar("SELECT count(*) FROM imports") == 0


def active_hashes(store: Store) -> frozenset[str]:
    """Content hashes of the active imports."""
    return frozenset(h for (h,) in store.rows("SELECT content_hash FROM imports WHERE status = 'active'"))


@cache.cached
def currency(store: Store, filters: FilterState = FilterState()) -> str | None:
    """The one currency of the filtered data, or None when there are several or none."""
    _, params = filters.where()
    present = "currency IS NOT NULL"
    rows = store.rows(f"SELECT DISTINCT currency FROM ({fact_rows(filters, present, {'currency'})}) LIMIT 2", params)
    return rows[0][0] if len(rows) == 1 else None


@cache.cached
def undated_rows(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Rows without a date (lifetime totals such as Vimeo and Wistia) per platform: a date range leaves them out."""
    where, params = filters.without("date_from", "date_to").where()
    return store.df(
        f'SELECT platform, count(*) AS rows FROM active_facts WHERE {where} AND "date" IS NULL GROUP BY ALL ORDER BY 1',
        params,
    )


def platforms_present(store: Store, filters: FilterState = FilterState()) -> list[str]:
    """The platforms the filtered rows come from, in canonical order."""
    present = set(choices(store, "platform", filters))
    return [p for p in model.PLATFORMS if p in present]


@cache.cached
def video_choices(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Every video (or ad, where the platform gives no video id) with a label, for the video filter."""
    _, params = filters.where()
    # Platforms as a sorted list, not an ordered string_agg: that sorts inside every group, and
    # this runs on every page (a quarter of its time over 10M facts).
    return store.df(
        f"""SELECT {VIDEO_KEY_SQL} AS key,
                   coalesce(any_value("video_title"), {VIDEO_KEY_SQL}) AS title,
                   array_to_string(list_sort(list_distinct(list("platform"))), ', ') AS platforms
            FROM ({fact_rows(filters, f"{VIDEO_KEY_SQL} IS NOT NULL")})
            GROUP BY 1 ORDER BY 2, 1 LIMIT 2000""",
        params,
    )


# -- derived dimensions: format and length ------------------------------------------------

# Aspect-ratio tokens teams put in ad and video names ("UGC_9x16_15s"); the first match wins.
# YouTube Shorts and Reels are vertical by definition.
FORMAT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("vertical", r"(^|[^0-9])(9x16|9:16|4x5|4:5|2x3)([^0-9]|$)|(^|[^a-z])(shorts?|reels?)([^a-z]|$)"),
    ("square", r"(^|[^0-9])(1x1|1:1)([^0-9]|$)"),
    ("horizontal", r"(^|[^0-9])(16x9|16:9)([^0-9]|$)"),
)
FORMATS: tuple[str, ...] = (*(name for name, _ in FORMAT_PATTERNS), "unknown")
# A length token in an ad name ("Bumper 6s", "Demo_Serum_1x1_30s") when the export gives no duration.
DURATION_TOKEN = r"(^|[^0-9a-z])([0-9]{1,4})s([^0-9a-z]|$)"
LENGTH_LABELS: tuple[str, ...] = (*(label for _, label in model.LENGTH_BUCKETS), "unknown")

_NAMES_SQL = """lower(concat_ws(' ', "ad", "video_title", "ad_set", "campaign"))"""


def duration_sql(params: dict[str, object]) -> str:
    """The video's length in seconds: the export's, else a length token in its names (binds its pattern)."""
    params["dur_re"] = DURATION_TOKEN
    return f"""coalesce("video_duration_s", TRY_CAST(nullif(regexp_extract({_NAMES_SQL}, $dur_re, 2), '') AS DOUBLE))"""


def format_sql(params: dict[str, object]) -> str:
    """The video's format (vertical / square / horizontal / unknown) from tokens in its names."""
    whens = []
    for i, (name, pattern) in enumerate(FORMAT_PATTERNS):
        params[f"fmt_re{i}"] = pattern
        params[f"fmt_name{i}"] = name
        whens.append(f"WHEN regexp_matches({_NAMES_SQL}, $fmt_re{i}) THEN $fmt_name{i}")
    return f"(CASE {' '.join(whens)} ELSE 'unknown' END)"


def length_bucket_sql(duration: str, params: dict[str, object]) -> str:
    """The length bucket (model.LENGTH_BUCKETS) of a duration expression, 'unknown' when NULL."""
    whens = [f"WHEN ({duration}) IS NULL THEN 'unknown'"]
    for i, (upper, label) in enumerate(model.LENGTH_BUCKETS):
        params[f"len_label{i}"] = label
        if upper == float("inf"):
            whens.append(f"ELSE $len_label{i}")
        else:
            params[f"len_upper{i}"] = float(upper)
            whens.append(f"WHEN ({duration}) <= $len_upper{i} THEN $len_label{i}")
    return f"(CASE {' '.join(whens)} END)"


COMPLETION_SPLITS: tuple[str, ...] = ("channel", "platform", "format", "length")
_SPLIT_ORDER = {
    "channel": model.CHANNELS,
    "platform": model.PLATFORMS,
    "objective": model.OBJECTIVES,
    "format": FORMATS,
    "length": LENGTH_LABELS,
}


def _split_sql(by: str, params: dict[str, object]) -> str:
    if by in ("channel", "platform", "objective"):
        return f'"{by}"'
    if by == "format":
        return format_sql(params)
    if by == "length":
        return length_bucket_sql(duration_sql(params), params)
    raise InvalidChoice("split", by, (*COMPLETION_SPLITS, "objective"))


def _in_order(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    order = {v: i for i, v in enumerate(_SPLIT_ORDER[by])}
    return frame.sort_values("group", key=lambda s: s.map(lambda v: order.get(v, len(order)))).reset_index(drop=True)


# -- completion ------------------------------------------------------------------------------


QUARTILE_BASES = {"video_starts": metrics.QUARTILE_STEPS, "impressions": metrics.QUARTILE_STEPS_PER_IMPRESSION}


@cache.cached
def quartile_funnel(
    store: Store, filters: FilterState = FilterState(), by: str = "platform", base: str = "video_starts"
) -> pd.DataFrame:
    """Starts (or impressions) -> 25 -> 50 -> 75 -> 95 -> 100 % per group, each step a share of the base.

    Tidy: one row per group and step. Each step only counts rows reporting both the step and
    the base, so a platform without 95 % (Google Ads) shows that step as not reported, with
    the coverage of the rest; a group with no base at all is left out.
    """
    if base not in QUARTILE_BASES:
        raise InvalidChoice("base", base, tuple(QUARTILE_BASES))
    _, params = filters.where()
    group = _split_sql(by, params)
    first, *steps = QUARTILE_BASES[base]
    parts = [f'sum("{first.measure}") AS starts']
    for i, step in enumerate(steps):
        m = metrics.get(step.rate)
        parts.append(
            f'{m.sql()} AS rate{i}, {m.coverage_sql()} AS coverage{i}, sum("{step.measure}") FILTER (WHERE {m.reported_sql()}) AS plays{i}'
        )
    measures = [first.measure, *(c for step in steps for c in metrics.get(step.rate).measures)]
    keys = [(f'"{by}"', by)] if by in ("channel", "platform", "objective") else list(NAME_KEYS)
    wide = store.df(
        f'SELECT {group} AS "group", {", ".join(parts)} FROM ({presummed(keys, filters, measures)}) '
        "GROUP BY 1 HAVING starts > 0",
        params,
    )
    rows = []
    for rec in wide.to_dict("records"):
        rows.append(
            {
                "group": rec["group"],
                "step": first.label,
                "order": 0,
                "rate": 1.0,
                "coverage": 1.0,
                "plays": rec["starts"],
            }
        )
        for i, step in enumerate(steps, start=1):
            rows.append(
                {
                    "group": rec["group"],
                    "step": step.label,
                    "order": i,
                    "rate": _none(rec[f"rate{i - 1}"]),
                    "coverage": _none(rec[f"coverage{i - 1}"]),
                    "plays": _none(rec[f"plays{i - 1}"]),
                }
            )
    columns = ["group", "step", "order", "rate", "coverage", "plays"]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    return _in_order(out, by).sort_values(["group", "order"], kind="stable").reset_index(drop=True)


@cache.cached
def completion_by_length(store: Store, filters: FilterState = FilterState(), limit: int = 2000) -> pd.DataFrame:
    """Completion rate and length per video (the most-started `limit`), with how many videos qualified."""
    _, params = filters.where()
    duration = duration_sql(params)
    m = metrics.get("completion_rate")
    params["limit"] = int(limit)
    pre = presummed([(VIDEO_KEY_SQL, "key"), *NAME_KEYS], filters, m.measures, f"{VIDEO_KEY_SQL} IS NOT NULL")
    return store.df(
        f"""SELECT key, coalesce(any_value("video_title"), key) AS video,
                   "platform", max({duration}) AS duration_s, {m.sql()} AS completion_rate,
                   sum("video_starts") FILTER (WHERE {m.reported_sql()}) AS starts,
                   count(*) OVER () AS videos_total
            FROM ({pre}) GROUP BY key, "platform"
            HAVING completion_rate IS NOT NULL AND duration_s IS NOT NULL
            ORDER BY starts DESC, key LIMIT $limit""",
        params,
    )


# -- funnel impact -------------------------------------------------------------------------

FUNNEL_SPLITS: tuple[str, ...] = ("channel", "objective", "platform")
_FUNNEL_KPIS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [s.rate for s in metrics.FUNNEL_STEPS if s.rate] + [s.cost for s in metrics.FUNNEL_STEPS if s.cost] + ["roas"]
    )
)


@cache.cached
def funnel(store: Store, filters: FilterState = FilterState(), by: str = "channel") -> pd.DataFrame:
    """Impressions -> views -> engaged views -> clicks -> conversions per group, plus an 'All' row.

    Columns: group, is_total, each step's sum (NULL: not reported), each KPI and its coverage.
    """
    if by not in FUNNEL_SPLITS:
        raise InvalidChoice("split", by, FUNNEL_SPLITS)
    _, params = filters.where()
    sums = ", ".join(f'sum("{s.measure}") AS "{s.measure}"' for s in metrics.FUNNEL_STEPS)
    kpi = ", ".join(
        f'{metrics.get(n).sql()} AS "{n}", {metrics.get(n).coverage_sql()} AS "{n}__coverage"' for n in _FUNNEL_KPIS
    )
    frame = store.df(
        f"""SELECT "{by}" AS "group", grouping("{by}") = 1 AS is_total, sum(_rows) AS rows, {sums}, {kpi},
                   sum("conversion_value") AS conversion_value, sum("spend") AS spend
            FROM ({presummed([(f'"{by}"', by)], filters)}) GROUP BY GROUPING SETS (("{by}"), ())""",
        params,
    )
    if frame.empty or frame["rows"].fillna(0).sum() == 0:
        return frame.iloc[0:0]
    frame.loc[frame["is_total"], "group"] = "All"
    totals = frame[frame["is_total"]]
    groups = _in_order(frame[~frame["is_total"]], by)
    return pd.concat([groups, totals], ignore_index=True)


def funnel_steps(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel's step rates in tidy form, each judged against the same step for the whole selection.

    `index` is the group's rate over the 'All' rate; the weakest step of a group is the one
    furthest below the selection (flagged only when there are at least two groups to compare).
    """
    rows = []
    if frame.empty:
        return pd.DataFrame(columns=["group", "step", "order", "kpi", "rate", "coverage", "index", "weakest"])
    total = frame[frame["is_total"]].iloc[0]
    groups = frame[~frame["is_total"]]
    steps = [s for s in metrics.FUNNEL_STEPS if s.rate]
    previous = {s.rate: metrics.FUNNEL_STEPS[i].label for i, s in enumerate(metrics.FUNNEL_STEPS[1:])}
    for _, rec in groups.iterrows():
        entries = []
        for order, step in enumerate(steps, start=1):
            rate = _none(rec[step.rate])
            base = _none(total[step.rate])
            index = rate / base if rate is not None and base else None
            entries.append(
                {
                    "group": rec["group"],
                    "step": f"{previous[step.rate]} → {step.label}",
                    "order": order,
                    "kpi": step.rate,
                    "rate": rate,
                    "coverage": _none(rec[f"{step.rate}__coverage"]),
                    "index": index,
                    "weakest": False,
                }
            )
        judged = [e for e in entries if e["index"] is not None]
        if len(groups) >= 2 and judged:
            worst = min(judged, key=lambda e: e["index"])
            if worst["index"] < 1:
                worst["weakest"] = True
        rows.extend(entries)
    return pd.DataFrame(rows)


def funnel_costs(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel's cost per step (CPM, CPV, CPC, CPA) per group in tidy form, without the 'All' row."""
    names = [s.cost for s in metrics.FUNNEL_STEPS if s.cost]
    rows = [
        {"group": rec["group"], "kpi": n, "value": _none(rec[n]), "coverage": _none(rec[f"{n}__coverage"])}
        for _, rec in frame[~frame["is_total"]].iterrows()
        for n in names
    ]
    return pd.DataFrame(rows, columns=["group", "kpi", "value", "coverage"])


def unpriced_groups(costs: pd.DataFrame) -> list[str]:
    """Groups of a funnel_costs frame with no cost at all (their exports carry no spend)."""
    return [g for g, values in costs.groupby("group", sort=False)["value"] if values.isna().all()]


# -- retention -------------------------------------------------------------------------------

# A typical band needs at least this many videos to say anything about "typical".
MIN_BAND_VIDEOS = 3
# Curves are binned to this share of the video so an overlay stays far below the point limit.
CURVE_STEP_PCT = 0.25
BAND_STEP_PCT = 2.0
MAX_OVERLAY = 8


def _retention_videos_sql(params: dict[str, object]) -> str:
    # A YouTube Studio retention export names its video only by title (from the ZIP's name):
    # match it to the fact rows by id or by title to learn its id and length.
    bucket = length_bucket_sql("duration_s", params)
    return f"""rv AS (
        SELECT *, {bucket} AS length_bucket FROM (
            SELECT r.video_id AS key, r.platform,
                   coalesce(any_value(f.video_id), r.video_id) AS video_id,
                   coalesce(any_value(f.video_title), any_value(r.video_title), r.video_id) AS title,
                   max(f.duration_s) AS duration_s, any_value(r.points) AS points
            FROM (SELECT video_id, platform, any_value(video_title) AS video_title, count(*) AS points
                  FROM active_retention GROUP BY ALL) AS r
            LEFT JOIN (SELECT video_id, platform, any_value(video_title) AS video_title,
                              max(video_duration_s) AS duration_s
                       FROM active_facts WHERE video_id IS NOT NULL GROUP BY ALL) AS f
              ON f.platform = r.platform AND (f.video_id = r.video_id OR f.video_title = r.video_id)
            GROUP BY r.video_id, r.platform
        )
    )"""


def _retention_scope(filters: FilterState, params: dict[str, object]) -> str:
    # Retention points carry only a video and a platform: those filters apply directly; the
    # others (channel, objective, campaign, dates) keep the videos whose fact rows match.
    clauses = []
    if filters.platforms:
        params["r_platforms"] = list(filters.platforms)
        clauses.append("list_contains($r_platforms, rv.platform)")
    if filters.videos:
        params["r_videos"] = list(filters.videos)
        clauses.append("(list_contains($r_videos, rv.video_id) OR list_contains($r_videos, rv.key))")
    rest = filters.without("platforms", "videos")
    if rest != FilterState():
        where, more = rest.where(prefix="rf_")
        params.update(more)
        clauses.append(f"rv.video_id IN (SELECT {VIDEO_KEY_SQL} FROM active_facts WHERE {where})")
    return " AND ".join(clauses) or "TRUE"


@cache.cached
def retention_videos(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Videos with retention points under these filters: key, platform, title, duration, length bucket."""
    params: dict[str, object] = {}
    cte = _retention_videos_sql(params)
    scope = _retention_scope(filters, params)
    return store.df(
        f"""WITH {cte} SELECT key, platform, video_id, title, duration_s, length_bucket, points
            FROM rv WHERE {scope} ORDER BY title, key LIMIT 2000""",
        params,
    )


@cache.cached
def retention_curves(store: Store, keys: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The retention curves of these videos (retention keys); curves denser than CURVE_STEP_PCT are binned to it."""
    params: dict[str, object] = {"keys": list(keys)[:MAX_OVERLAY], "step": CURVE_STEP_PCT}
    cte = _retention_videos_sql(params)
    return store.df(
        f"""WITH {cte}
            SELECT r.video_id AS key, rv.title, r.platform, rv.duration_s,
                   -- Only a curve denser than the step is binned: binning a per-second curve of a
                   -- short video would move its points off their seconds.
                   CASE WHEN rv.points > 100 / $step THEN round(r.position_pct / $step) * $step
                        ELSE r.position_pct END AS position_pct,
                   avg(r.audience_ratio) AS audience_ratio, avg(r.relative_ratio) AS relative_ratio
            FROM active_retention AS r JOIN rv ON rv.key = r.video_id AND rv.platform = r.platform
            WHERE list_contains($keys, r.video_id)
            GROUP BY ALL ORDER BY key, position_pct""",
        params,
    ).assign(seconds=lambda d: d["position_pct"] / 100 * d["duration_s"])


@cache.cached
def typical_band(
    store: Store, platform: str, length_bucket: str | None = None, filters: FilterState = FilterState()
) -> pd.DataFrame:
    """Median and interquartile range of the retention of a platform's videos (optionally one length bucket).

    Each video is first averaged into BAND_STEP_PCT-wide bins of its length, so a video with
    many points weighs as much as one with few; `videos` says how many curves each bin holds.
    """
    params: dict[str, object] = {"platform": platform, "step": BAND_STEP_PCT}
    cte = _retention_videos_sql(params)
    scope = _retention_scope(filters.without("platforms", "videos"), params)
    bucket = ""
    if length_bucket is not None:
        params["bucket"] = length_bucket
        bucket = "AND rv.length_bucket = $bucket"
    return store.df(
        f"""WITH {cte}, per_video AS (
                SELECT r.video_id, round(r.position_pct / $step) * $step AS position_pct,
                       avg(r.audience_ratio) AS ratio
                FROM active_retention AS r JOIN rv ON rv.key = r.video_id AND rv.platform = r.platform
                WHERE rv.platform = $platform {bucket} AND {scope}
                GROUP BY ALL
            )
            -- One quantile call for the three: each bin's ratios are sorted once, not three times.
            SELECT position_pct, q[2] AS median, q[1] AS q1, q[3] AS q3, videos FROM (
                SELECT position_pct, quantile_cont(ratio, [0.25, 0.5, 0.75]) AS q, count(*) AS videos
                FROM per_video GROUP BY position_pct
            ) ORDER BY position_pct""",
        params,
    )


@cache.cached
def band_for(store: Store, video: pd.Series, filters: FilterState = FilterState()) -> tuple[pd.DataFrame, str]:
    """The typical band to draw beside a video: same platform and length bucket, else same platform.

    Returns the band (empty when fewer than MIN_BAND_VIDEOS videos compare) and a sentence saying what it is.
    """
    label = model.PLATFORM_LABELS.get(video["platform"], video["platform"])
    peers = retention_videos(store, filters.without("platforms", "videos").narrowed(platforms=(video["platform"],)))
    same_bucket = peers[peers["length_bucket"] == video["length_bucket"]]
    if video["length_bucket"] != "unknown" and len(same_bucket) >= MIN_BAND_VIDEOS:
        band = typical_band(store, video["platform"], video["length_bucket"], filters)
        return (
            band,
            f"Typical: median and middle half of your {len(same_bucket)} {label} videos of {video['length_bucket']}.",
        )
    if len(peers) >= MIN_BAND_VIDEOS:
        band = typical_band(store, video["platform"], None, filters)
        return band, (
            f"Typical: median and middle half of your {len(peers)} {label} videos of every length "
            f"(fewer than {MIN_BAND_VIDEOS} of {video['length_bucket']})."
        )
    return pd.DataFrame(columns=["position_pct", "median", "q1", "q3", "videos"]), (
        f"No typical band: {len(peers)} {label} video(s) with retention data; it takes {MIN_BAND_VIDEOS}."
    )


@dataclass(frozen=True)
class RetentionView:
    """Everything the Retention page draws for a choice of videos, each part a small tidy frame."""

    curves: pd.DataFrame
    band: pd.DataFrame
    band_note: str
    moments: pd.DataFrame
    hooks: pd.DataFrame
    unit: str


@cache.cached
def retention_view(
    store: Store, keys: list[str] | tuple[str, ...], filters: FilterState = FilterState(), unit: str = "pct"
) -> RetentionView:
    """Curves, typical band, key moments and hook retention for up to MAX_OVERLAY videos (retention keys).

    `unit` 'seconds' needs every chosen video's length; otherwise positions stay in % of length.
    The band is drawn when the videos share a platform and length bucket (and, in seconds, for one video).
    """
    chosen = retention_videos(store, filters)
    chosen = chosen[chosen["key"].isin(list(keys)[:MAX_OVERLAY])]
    curves = retention_curves(store, list(chosen["key"]))
    if unit == "seconds" and (chosen.empty or chosen["duration_s"].isna().any()):
        unit = "pct"
    x_field = "position_pct" if unit == "pct" else "seconds"
    curves = curves.assign(x=curves[x_field])
    band = pd.DataFrame(columns=["x", "position_pct", "median", "q1", "q3", "videos"])
    band_note = "No typical band: it compares videos of one platform and length bucket; choose videos that share them."
    groups = chosen[["platform", "length_bucket"]].drop_duplicates()
    if len(groups) == 1 and not (unit == "seconds" and len(chosen) > 1):
        first = chosen.iloc[0]
        raw, band_note = band_for(store, first, filters)
        factor = 1.0 if unit == "pct" else float(first["duration_s"]) / 100
        band = raw.assign(x=raw["position_pct"] * factor)
    moment_rows, hook_rows = [], []
    for video in chosen.itertuples():
        curve = curves[curves["key"] == video.key]
        duration = None if pd.isna(video.duration_s) else float(video.duration_s)
        pos, ratio = curve["position_pct"].to_numpy(), curve["audience_ratio"].to_numpy()
        found = retention.key_moments(pos, ratio, duration)
        for m in found:
            at = m.end_pct if m.kind in ("intro", "spike") else m.start_pct
            x = at if unit == "pct" else at / 100 * (duration or 0)
            moment_rows.append(
                {
                    "key": video.key,
                    "title": video.title,
                    "kind": m.kind,
                    "x": x,
                    "audience_ratio": float(np.interp(at, pos, ratio)) if len(pos) else None,
                    "change": m.change,
                    "label": m.label,
                }
            )
        hooks = retention.hook_retention(pos, ratio, duration)
        intro = next((m for m in found if m.kind == "intro"), None)
        hook_rows.append(
            {
                "video": video.title,
                "platform": model.PLATFORM_LABELS.get(video.platform, video.platform),
                "length_s": duration,
                "length_bucket": video.length_bucket,
                "hook_3s": hooks[3.0],
                "hook_30s": hooks[30.0],
                "intro_drop": intro.change if intro else None,
                "intro_until": retention.position(intro.end_pct, duration) if intro else None,
                "end_ratio": float(ratio[-1]) if len(ratio) else None,
            }
        )
    moment_columns = ["key", "title", "kind", "x", "audience_ratio", "change", "label"]
    return RetentionView(
        curves, band, band_note, pd.DataFrame(moment_rows, columns=moment_columns), pd.DataFrame(hook_rows), unit
    )


def funnel_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group: every step's volume, step rate, cost and ROAS, and the weakest step, unformatted."""
    if frame.empty:
        return frame
    steps = funnel_steps(frame)
    weakest = steps[steps["weakest"]].set_index("group")["step"]
    columns = {"group": "group"}
    for step in metrics.FUNNEL_STEPS:
        columns[step.measure] = step.label
        if step.rate:
            columns[step.rate] = metrics.get(step.rate).label
    for step in metrics.FUNNEL_STEPS:
        if step.cost:
            columns[step.cost] = metrics.get(step.cost).label
    columns["roas"] = metrics.get("roas").label
    out = frame[list(columns)].rename(columns=columns)
    out["Weakest step"] = [weakest.get(g, "") for g in frame["group"]]
    return out
