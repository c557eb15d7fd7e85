"""The Overview page's queries and its `load`: objectives present, KPI cards, trend, organic and
paid side by side, account series beside per-video rows, and the best and worst videos.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vmdash import cache, looplog, metrics, model, periods
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.numbers import float_or_none
from vmdash.queries.coverage import ChannelCoverage, channel_coverage
from vmdash.queries.kpis import KpiValue, objective_kpis
from vmdash.queries.selection import currency, date_span, platforms_present
from vmdash.sql import alias, ident
from vmdash.store import Store
from vmdash.store.rollup import fact_rows, presummed

MAX_CHART_POINTS = 5000


# What the Overview sets side by side for a platform reached through more than one channel:
# volume first, then KPIs every channel can report (none weighs a measure by a dimension).
SIDE_BY_SIDE_TOTALS: tuple[str, ...] = ("impressions", "reach", "views", "likes", "comments", "shares", "spend")
SIDE_BY_SIDE_KPIS: tuple[str, ...] = ("view_rate", "completion_rate", "avg_view_duration", "ctr")


@cache.cached
def channels_side_by_side(store: Store, filters: FilterState = FilterState(), min_channels: int = 2) -> pd.DataFrame:
    """Per platform the selection reaches through more than one channel (organic and paid
    Facebook), each channel's totals and KPIs: one row per platform and channel, in canonical order.
    `min_channels` 1 keeps every platform (a video's page sets all it ran on side by side).
    """
    kpis = [metrics.get(n) for n in SIDE_BY_SIDE_KPIS]
    measures = [*SIDE_BY_SIDE_TOTALS, *(c for m in kpis for c in m.measures)]
    keys = [('"platform"', "platform"), ('"channel"', "channel")]
    _, params = filters.where()
    params.update({"platforms": list(model.PLATFORMS), "channels": list(model.CHANNELS), "min_channels": min_channels})
    totals = ", ".join(f"sum({ident(c)}) AS {ident(c)}" for c in SIDE_BY_SIDE_TOTALS)
    exprs = ", ".join(f"{m.sql()} AS {alias(m.name)}" for m in kpis)
    return store.df(
        f"""SELECT * EXCLUDE (reached_by) FROM (
                SELECT platform, channel, {totals}, {exprs},
                       count(*) OVER (PARTITION BY platform) AS reached_by
                FROM ({presummed(keys, filters, measures)})
                WHERE platform IS NOT NULL AND channel IS NOT NULL
                GROUP BY platform, channel
            ) WHERE reached_by >= $min_channels
            ORDER BY list_position($platforms, platform), list_position($channels, channel)""",
        params,
    )


# A row that names no video, ad or campaign: an account's own series (Meta Business Suite's
# daily Views, TikTok Studio's Overview), which counts again what per-video rows report.
ACCOUNT_ROW_SQL = " AND ".join(f"{ident(c)} IS NULL" for c in ("video_id", "video_title", "ad", "ad_set", "campaign"))


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
    keys = [(ident(c), c) for c in ("date", "date_end", *split_keys)]
    volume = f"sum({ident(metric.denominator[0])}) FILTER (WHERE {metric.reported_sql()})"
    source = ', "platform" || \'/\' || "channel" AS "source"' if split == "source" else ""
    return store.df(
        f"""WITH rows AS (
                SELECT *{source}, date_trunc($grain, "date")::DATE AS b0,
                       date_trunc($grain, coalesce("date_end", "date"))::DATE AS b1
                FROM ({presummed(keys, filters, metric.measures, '"date" IS NOT NULL', by_day=True)})
            ), points AS (
                SELECT 'point' AS kind, b0 AS period, b0 AS period_end, {ident(split)},
                       {metric.sql()} AS value, {volume} AS volume
                FROM rows WHERE b0 = b1 GROUP BY ALL
            ), spans AS (
                SELECT 'span' AS kind, "date"::DATE AS period, "date_end"::DATE AS period_end, {ident(split)},
                       {metric.sql()} AS value, {volume} AS volume
                FROM rows WHERE b0 <> b1 GROUP BY ALL
            )
            SELECT * FROM (SELECT * FROM points UNION ALL SELECT * FROM spans)
            WHERE value IS NOT NULL ORDER BY kind, {ident(split)}, period LIMIT {MAX_CHART_POINTS}""",
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

    The worst never repeat one of the `limit` best: with seven videos, the bottom holds two.

    Ties go to the larger volume, then by name. Both ends come from one query (kept in the
    cache), so a page showing the top and the bottom reads the facts once.
    """
    ends = _ranking_ends(store, metric_name, filters, int(limit), float(min_volume))
    if worst:
        # With fewer than twice `limit` videos the ends overlap: a video shown among the best is
        # not shown again among the worst.
        picked = ends[(ends["worst_rank"] <= limit) & (ends["best_rank"] > limit)].sort_values("worst_rank")
    else:
        picked = ends[ends["best_rank"] <= limit].sort_values("best_rank")
    return picked.drop(columns=["best_rank", "worst_rank"]).reset_index(drop=True)


@cache.cached
def _ranking_ends(store: Store, metric_name: str, filters: FilterState, limit: int, min_volume: float) -> pd.DataFrame:
    """The `limit` best and `limit` worst videos on a KPI, each with its rank from either end."""
    metric = metrics.get(metric_name)
    _, params = filters.where()
    params.update({"limit": limit, "min_volume": min_volume})
    best, worst = ("DESC", "ASC") if metric.higher_is_better else ("ASC", "DESC")
    den = f"sum({' * '.join(ident(c) for c in metric.denominator)})"
    # The key (NULL for a campaign's own rows) is what a link to the video's page names.
    keys = [
        ('coalesce("video_title", "ad", "video_id", "campaign")', "video"),
        ('"platform"', "platform"),
        (VIDEO_KEY_SQL, "key"),
    ]
    return store.df(
        f"""WITH ranked AS (
                SELECT video, platform, key, {metric.sql()} AS value, {den} AS volume
                FROM ({presummed(keys, filters, metric.measures)})
                GROUP BY ALL HAVING value IS NOT NULL AND volume >= $min_volume
            )
            SELECT * FROM (
                SELECT *,
                       row_number() OVER (ORDER BY value {best}, volume DESC, video, platform, key) AS best_rank,
                       row_number() OVER (ORDER BY value {worst}, volume DESC, video, platform, key) AS worst_rank
                FROM ranked
            ) WHERE best_rank <= $limit OR worst_rank <= $limit""",
        params,
    )


# The Overview's headline volumes, in the order drawn, with their labels.
HEADLINE_VOLUMES: dict[str, str] = {
    "views": "Views",
    "watch_time_s": "Watch time",
    "impressions": "Impressions",
    "reach": "Reach",
    "spend": "Spend",
    "clicks": "Clicks",
    "conversions": "Conversions",
    "subscribers_gained": "Subscribers gained",
}


@dataclass(frozen=True)
class Volume:
    """One headline volume: its total (None: not reported), its total over the comparison period,
    and its sparkline (per day, week or month, oldest first)."""

    name: str
    label: str
    value: float | None
    previous: float | None
    series: tuple[float, ...]

    @property
    def change(self) -> float | None:
        """Relative change from the comparison period, None when either side is missing or zero."""
        if self.value is None or self.previous in (None, 0):
            return None
        return (self.value - self.previous) / abs(self.previous)


def _volume_totals(store: Store, filters: FilterState) -> dict[str, float | None]:
    _, params = filters.where()
    sums = ", ".join(f"sum({ident(c)})" for c in HEADLINE_VOLUMES)
    row = store.rows(f"SELECT {sums} FROM ({fact_rows(filters, columns=set())})", params)[0]
    return {name: float_or_none(v) for name, v in zip(HEADLINE_VOLUMES, row, strict=True)}


@cache.cached
def volume_series(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Each headline volume per day (week, month when the span is long), for sparklines.

    Only rows that fit in one bucket count: a month reported as one row is not pretended daily,
    so a sparkline shows the shape of the daily and weekly rows, not every total. The whole
    frame stays under the chart point limit (one point per bucket and volume).
    """
    start, end = date_span(store, filters)
    grain = pick_grain(start, end, series=len(HEADLINE_VOLUMES))
    _, params = filters.where()
    params["grain"] = grain
    keys = [(ident(c), c) for c in ("date", "date_end")]
    sums = ", ".join(f"sum({ident(c)}) AS {ident(c)}" for c in HEADLINE_VOLUMES)
    limit = MAX_CHART_POINTS // len(HEADLINE_VOLUMES)
    return store.df(
        f"""SELECT date_trunc($grain, "date")::DATE AS period, {sums}
            FROM ({presummed(keys, filters, tuple(HEADLINE_VOLUMES), '"date" IS NOT NULL', by_day=True)})
            WHERE date_trunc($grain, "date") = date_trunc($grain, coalesce("date_end", "date"))
            GROUP BY 1 ORDER BY 1 LIMIT {limit}""",
        params,
    )


@cache.cached
def headline_volumes(
    store: Store, filters: FilterState = FilterState(), compare: str = periods.DEFAULT_COMPARISON
) -> tuple[Volume, ...]:
    """Views, watch time, impressions, reach, spend, clicks, conversions and subscribers gained:
    each summed over the selection, over the comparison period, and as a sparkline."""
    now = _volume_totals(store, filters)
    before = periods.compared(filters, compare)
    then = _volume_totals(store, before) if before is not None else {}
    series = volume_series(store, filters)
    return tuple(
        Volume(
            name,
            label,
            now[name],
            then.get(name),
            tuple(float(v) for v in series[name] if v is not None and not pd.isna(v)),
        )
        for name, label in HEADLINE_VOLUMES.items()
    )


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewControls:
    """The Overview's widget values; the defaults are the widgets' own."""

    kpi: str = metrics.METRICS[0].name
    split: str = TREND_SPLITS[0]
    # None (or an objective without data): the first objective present, as the widget offers it.
    rank_for: str | None = None
    # What change chips compare with (periods.COMPARISONS); the filter bar's choice.
    compare: str = periods.DEFAULT_COMPARISON


@dataclass(frozen=True)
class OverviewData:
    """Everything the Overview draws for one choice of filters and controls."""

    currency: str | None
    objectives: tuple[str, ...]
    platforms: list[str]
    # Headline volumes, drawn first (HEADLINE_VOLUMES' order).
    volumes: tuple[Volume, ...]
    cards: dict[str, dict[str, KpiValue]]
    # The comparison period as a chip names it ("vs 1–28 Feb 2026"); None without a date range.
    versus: str | None
    trend: pd.DataFrame
    annotations: pd.DataFrame | None
    side_by_side: pd.DataFrame
    # Account series summed with per-video rows of the same platform and channel (see the note).
    account_overlap: pd.DataFrame
    # Each channel of the brief: the sources feeding it here, or the exports that would.
    coverage: tuple[ChannelCoverage, ...]
    focus: str | None
    primary: str | None
    top: pd.DataFrame
    bottom: pd.DataFrame


def options(store: Store, filters: FilterState = FilterState()) -> tuple[str, ...]:
    """The objectives holding data, in canonical order: what the page ranks videos for (empty: no data)."""
    return tuple(by_objective(store, filters)["objective"])


def load(
    store: Store, filters: FilterState = FilterState(), controls: OverviewControls = OverviewControls()
) -> OverviewData:
    """The Overview's data: KPI cards per objective, the trend, organic and paid side by side, best and worst videos."""
    money = currency(store, filters)
    present = options(store, filters)
    platforms = platforms_present(store, filters)
    volumes = headline_volumes(store, filters, controls.compare)
    cards = objective_kpis(store, present, filters, compare=controls.compare)
    versus = periods.versus(filters, controls.compare)
    series = trend(store, controls.kpi, filters, split=controls.split)
    # Loop-log entries are not facts: read only when there is a trend to mark.
    marks = None if series.empty else looplog.annotations(store, filters)
    side_by_side = channels_side_by_side(store, filters)
    overlap = account_totals_beside_videos(store, filters)
    coverage = channel_coverage(store, filters)
    focus = controls.rank_for if controls.rank_for in present else (present[0] if present else None)
    primary = metrics.PRIMARY[focus] if focus is not None else None
    top = bottom = pd.DataFrame(columns=["video", "platform", "key", "value", "volume"])
    if primary is not None:
        scope = filters.narrowed(objectives=(focus,))
        top = ranked_videos(store, primary, scope, limit=5)
        bottom = ranked_videos(store, primary, scope, limit=5, worst=True)
    return OverviewData(
        money,
        present,
        platforms,
        volumes,
        cards,
        versus,
        series,
        marks,
        side_by_side,
        overlap,
        coverage,
        focus,
        primary,
        top,
        bottom,
    )
