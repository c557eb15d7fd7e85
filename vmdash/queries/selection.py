"""What the filtered data holds, for the filter bar, the page header and every page's frame.

Date span, dimension choices, video pickers, the one currency, undated rows, platforms present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from vmdash import cache, model
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.sql import ident
from vmdash.store import Store
from vmdash.store.rollup import dated_rows, fact_rows, video_rows


@cache.cached
def date_span(store: Store, filters: FilterState = FilterState()) -> tuple[dt.date | None, dt.date | None]:
    """First and last dates covered by the filtered rows."""
    _, params = filters.where()
    # Clamped: imports refuse dates outside the model's span, but a database written before
    # they did may hold one, and the date picker cannot show year 0 or 99999.
    params = {**params, "first_date": model.FIRST_DATE, "last_date": model.LAST_DATE}
    first, last, source = '"date"', 'coalesce("date_end", "date")', f"({dated_rows(filters)})"
    # A chosen video's span: the first and last days its summed rows' facts cover.
    if filters.videos and (summed := video_rows(filters, set(), spans=True, measures=())):
        first, last, source = "_first", "_last", f"({summed})"
    row = store.rows(
        # (greatest and least skip NULLs: without the CASE no dates at all would read as the whole span.)
        f"SELECT CASE WHEN min({first}) IS NOT NULL THEN greatest(min({first}), $first_date) END, "
        f"CASE WHEN max({last}) IS NOT NULL THEN least(max({last}), $last_date) END FROM {source}",
        params,
    )[0]
    return row[0], row[1]


@cache.cached
def choices(store: Store, column: str, filters: FilterState = FilterState()) -> list[str]:
    """Distinct values of a dimension present in the data (for the filter bar)."""
    if column not in ("campaign", "video_id", "platform", "channel", "objective"):
        raise InvalidChoice("dimension", column, ("campaign", "video_id", "platform", "channel", "objective"))
    _, params = filters.where()
    present = f"{ident(column)} IS NOT NULL"
    rows = store.rows(
        f"SELECT DISTINCT {ident(column)} FROM ({fact_rows(filters, present, {column})}) ORDER BY 1 LIMIT 2000",
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
    # The rollup keeps undated rows apart, as they are, in its 'period' grain.
    return store.df(
        "SELECT platform, sum(_rows) AS rows FROM facts_summed "
        f"WHERE _grain = 'period' AND \"date\" IS NULL AND {where} GROUP BY ALL ORDER BY 1",
        params,
    )


def platforms_present(store: Store, filters: FilterState = FilterState()) -> list[str]:
    """The platforms the filtered rows come from, in canonical order."""
    present = set(choices(store, "platform", filters))
    return [p for p in model.PLATFORMS if p in present]


def video_label(title: object, platforms: Sequence[str], published: dt.date | None = None) -> str:
    """A video as people know it: "title · platform(s) · publish date" (the date where an export gives it)."""
    parts = [str(title), ", ".join(model.platform_label(p) for p in platforms)]
    if published is not None and not pd.isna(published):
        parts.append(f"{published:%Y-%m-%d}")
    return " · ".join(parts)


@cache.cached
def video_choices(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Every video (or ad, where the platform gives no video id): key, title, platforms, publish date and
    its label (video_label), for the Video filter and pickers."""
    _, params = filters.where()
    # Platforms as a sorted list, not an ordered string_agg: that sorts inside every group, and
    # this runs on every page (a quarter of its time over 10M facts).
    # An edge month's sums and its days outside the range come apart (not netted): a video's
    # names count where their rows net to facts inside the range, which is all this reads.
    frame = store.df(
        f"""SELECT key, coalesce(any_value("video_title"), key) AS title,
                   array_to_string(list_sort(list_distinct(list("platform"))), ', ') AS platforms,
                   min("published_at") AS published
            FROM (
                SELECT {VIDEO_KEY_SQL} AS key, "video_title", "platform", "published_at"
                FROM ({fact_rows(filters, f"{VIDEO_KEY_SQL} IS NOT NULL", netted=False)})
                GROUP BY ALL HAVING sum(_rows) > 0
            )
            GROUP BY key ORDER BY 2, 1 LIMIT 2000""",
        params,
    )
    # Columns as lists, not itertuples: a third of the time over 2,000 videos.
    labels = [
        video_label(title, platforms.split(", "), published)
        for title, platforms, published in zip(
            frame["title"].tolist(), frame["platforms"].tolist(), frame["published"].tolist(), strict=True
        )
    ]
    return frame.assign(label=pd.Series(labels, index=frame.index, dtype=object))
