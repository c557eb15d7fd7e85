"""The Discovery page's queries and its `load`: where views come from, and search share, by video and over time.

Only rows that name a traffic source count here (YouTube Studio's Traffic source exports fill
`traffic_source`); search share is the `search_share` KPI of vmdash.metrics, one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vmdash import cache, metrics, model
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.queries.kpis import KpiValue, kpis
from vmdash.queries.overview import MAX_CHART_POINTS, pick_grain
from vmdash.queries.selection import date_span
from vmdash.sql import ident, literal
from vmdash.store import Store
from vmdash.store.rollup import presummed

SEARCH = metrics.get("search_share")
HAS_SOURCE = f"{ident('traffic_source')} IS NOT NULL"
# The export that gives sources, named for a selection that holds none.
SOURCE_EXPORT = "YouTube Studio → Analytics → Advanced mode → Traffic source → export"
# The most-viewed sources that get a column of their own in the table by video; the rest sum as one.
TABLE_SOURCES = 5
OTHER_SOURCES = "Other sources"
# A row naming no video: a Traffic source export of the whole channel.
WHOLE_CHANNEL = "Whole channel (no video named)"
MAX_VIDEOS = 500


@cache.cached
def views_by_source(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Views per traffic source over the selection, most viewed first, with each one's share of sourced views."""
    _, params = filters.where()
    keys = [(ident("traffic_source"), "traffic_source")]
    params["search"] = list(metrics.SEARCH_SOURCES)
    return store.df(
        f"""SELECT traffic_source, sum(views) AS views,
                   sum(views) / nullif(sum(sum(views)) OVER (), 0) AS share,
                   list_contains($search, traffic_source) AS search
            FROM ({presummed(keys, filters, ("views",), HAS_SOURCE)})
            GROUP BY traffic_source HAVING sum(views) IS NOT NULL
            ORDER BY views DESC, traffic_source""",
        params,
    )


@cache.cached
def by_video(store: Store, filters: FilterState = FilterState(), limit: int = MAX_VIDEOS) -> pd.DataFrame:
    """Per video (the most viewed `limit`) and platform: views with a source, search share, and views per source.

    Tidy: one row per video, platform and source, with the video's totals repeated; `videos_total`
    counts every video that has sourced views.
    """
    _, params = filters.where()
    keys = [
        (VIDEO_KEY_SQL, "key"),
        (ident("platform"), "platform"),
        (ident("video_title"), "video_title"),
        (ident("traffic_source"), "traffic_source"),
    ]
    params["limit"] = int(limit)
    pre = presummed(keys, filters, SEARCH.measures, HAS_SOURCE)
    return store.df(
        f"""WITH per_source AS (
                SELECT key, platform, any_value(video_title) AS title, traffic_source, sum(views) AS views
                FROM ({pre}) GROUP BY key, platform, traffic_source
            ), per_video AS (
                SELECT key, platform, any_value(video_title) AS title, sum(views) AS video_views,
                       {SEARCH.sql()} AS search_share
                FROM ({pre}) GROUP BY key, platform HAVING sum(views) IS NOT NULL
            ), ranked AS (
                SELECT *, count(*) OVER () AS videos_total,
                       row_number() OVER (ORDER BY video_views DESC, key NULLS LAST, platform) AS rank
                FROM per_video
            )
            SELECT r.rank, r.key, r.platform, coalesce(r.title, r.key, {literal(WHOLE_CHANNEL)}) AS video,
                   r.video_views, r.search_share, r.videos_total, s.traffic_source, s.views
            FROM ranked AS r JOIN per_source AS s
              ON s.key IS NOT DISTINCT FROM r.key AND s.platform = r.platform
            WHERE r.rank <= $limit AND s.views IS NOT NULL
            ORDER BY r.rank, s.views DESC NULLS LAST, s.traffic_source""",
        params,
    )


@cache.cached
def source_trend(store: Store, filters: FilterState = FilterState(), sources: int = 1) -> pd.DataFrame:
    """Views per traffic source and the search share per period, bucketed to stay under 5,000 points.

    Only rows that fit in one bucket of the grain count (a lifetime table row has no day to sit on).
    One row per period and source; `search_share` repeats the period's value; `grain` is the bucket.
    """
    start, end = date_span(store, filters)
    grain = pick_grain(start, end, series=max(int(sources), 1))
    _, params = filters.where()
    params["grain"] = grain
    keys = [(ident(c), c) for c in ("date", "date_end", "traffic_source")]
    pre = presummed(keys, filters, SEARCH.measures, f'"date" IS NOT NULL AND {HAS_SOURCE}', by_day=True)
    return store.df(
        f"""WITH rows AS (
                SELECT *, date_trunc($grain, "date")::DATE AS b0,
                       date_trunc($grain, coalesce("date_end", "date"))::DATE AS b1
                FROM ({pre})
            ), fit AS (SELECT * FROM rows WHERE b0 = b1),
            share AS (SELECT b0, {SEARCH.sql()} AS search_share FROM fit GROUP BY b0)
            SELECT f.b0 AS period, f.traffic_source, sum(f.views) AS views, any_value(s.search_share) AS search_share,
                   $grain AS grain
            FROM fit AS f JOIN share AS s USING (b0)
            GROUP BY f.b0, f.traffic_source HAVING sum(f.views) IS NOT NULL
            ORDER BY period, views DESC, f.traffic_source LIMIT {MAX_CHART_POINTS}""",
        params,
    )


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveryControls:
    """The Discovery page's widget values: it has none besides the filter bar."""


@dataclass(frozen=True)
class DiscoveryData:
    """Everything the Discovery page draws for one choice of filters.

    `sources` is empty when no row of the selection names a traffic source; the rest is then
    empty too. `table` is the table by video: one row per video and platform, a column per
    most-viewed source (the rest summed in OTHER_SOURCES), unformatted.
    """

    search_share: KpiValue
    sources: pd.DataFrame
    table: pd.DataFrame
    videos_total: int
    trend: pd.DataFrame
    platforms: list[str]


def video_table(tidy: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The tidy rows of `by_video` as one row per video: views, search share, views per top source."""
    columns = ["video", "platform", "views", "search_share"]
    if tidy.empty:
        return pd.DataFrame(columns=columns)
    top = list(sources["traffic_source"].head(TABLE_SOURCES))
    named = tidy.assign(column=tidy["traffic_source"].where(tidy["traffic_source"].isin(top), OTHER_SOURCES))
    wide = named.pivot_table(index="rank", columns="column", values="views", aggfunc="sum")
    heads = named.drop_duplicates("rank").set_index("rank")
    out = pd.DataFrame(
        {
            "video": heads["video"],
            "platform": heads["platform"],
            "views": heads["video_views"],
            "search_share": heads["search_share"],
        }
    )
    for column in [*top, OTHER_SOURCES]:
        if column in wide.columns:
            # A video's rows are a breakdown of its views: a source it has no row for brought it none.
            out[column] = wide[column].fillna(0)
    return out.sort_index().reset_index(drop=True)


def load(
    store: Store, filters: FilterState = FilterState(), controls: DiscoveryControls = DiscoveryControls()
) -> DiscoveryData:
    """The Discovery page's data: search share, views by source, the table by video and the trend."""
    share = kpis(store, ("search_share",), filters)["search_share"]
    sources = views_by_source(store, filters)
    if sources.empty:
        empty = pd.DataFrame()
        return DiscoveryData(share, sources, video_table(empty, sources), 0, empty, [])
    tidy = by_video(store, filters)
    total = int(tidy["videos_total"].iloc[0]) if not tidy.empty else 0
    trend = source_trend(store, filters, len(sources))
    platforms = [p for p in model.PLATFORMS if p in set(tidy["platform"])]
    return DiscoveryData(share, sources, video_table(tidy, sources), total, trend, platforms)
