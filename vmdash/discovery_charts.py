"""The Discovery page's Altair charts: views by traffic source, and both over time; no data access here."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from vmdash import metrics
from vmdash.charts import _subtitle, kept

# Search sources in one hue family, every other source in its own: the search share reads at a glance.
_SEARCH_COLORS = ("#4c78a8", "#72b7b2")
_OTHER_COLORS = ("#f58518", "#e45756", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac")


def _source_scale(sources: pd.DataFrame) -> alt.Scale:
    """One colour per source, search sources first in blues, in the order of `sources` (most viewed first)."""
    search = [s for s, is_search in zip(sources["traffic_source"], sources["search"], strict=True) if is_search]
    other = [s for s in sources["traffic_source"] if s not in search]
    colors = [_SEARCH_COLORS[i % len(_SEARCH_COLORS)] for i in range(len(search))]
    colors += [_OTHER_COLORS[i % len(_OTHER_COLORS)] for i in range(len(other))]
    return alt.Scale(domain=[*search, *other], range=colors)


@kept
def views_by_source(sources: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: views per traffic source over the selection, most viewed on top."""
    return (
        alt.Chart(sources, title=alt.Title("Where views come from", subtitle=_subtitle(_SOURCE_NOTE)))
        .mark_bar()
        .encode(
            x=alt.X("views:Q", title="Views", axis=alt.Axis(format="~s")),
            # Every source named: Vega drops labels it deems crowded, and a bar without its name says nothing.
            y=alt.Y("traffic_source:N", sort=None, title=None, axis=alt.Axis(labelLimit=200, labelOverlap=False)),
            color=alt.Color("traffic_source:N", scale=_source_scale(sources), legend=None),
            tooltip=[
                alt.Tooltip("traffic_source:N", title="Traffic source"),
                alt.Tooltip("views:Q", title="Views", format=",.0f"),
                alt.Tooltip("share:Q", title="Share of views with a source", format=".1%"),
            ],
        )
        .properties(height=80 + 34 * len(sources))
    )


_SOURCE_NOTE = "Views of rows whose export names a traffic source (YouTube Studio's Traffic source tab)."


@kept
def sources_over_time(trend: pd.DataFrame, sources: pd.DataFrame) -> alt.LayerChart:
    """Stacked areas of views per source per period, with the period's search share as a line on its own axis."""
    grain = str(trend["grain"].iloc[0]) if not trend.empty else "day"
    search = metrics.get("search_share")
    # Stacked areas, not bars: a bar on a time axis is a sliver wide, and days without rows would read as gaps.
    rank = {source: i for i, source in enumerate(sources["traffic_source"])}
    bars = (
        alt.Chart(trend.assign(rank=trend["traffic_source"].map(rank)))
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("period:T", title=f"Period ({grain})"),
            y=alt.Y("views:Q", title="Views", stack="zero", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "traffic_source:N",
                title="Traffic source",
                scale=_source_scale(sources),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            # The same stacking order in every period (most viewed source at the bottom), so areas never cross.
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("traffic_source:N", title="Traffic source"),
                alt.Tooltip("views:Q", title="Views", format=",.0f"),
            ],
        )
    )
    shares = trend.drop_duplicates("period")[["period", "search_share"]]
    line = (
        alt.Chart(shares)
        .mark_line(point=True, color="#1f1f1f", strokeWidth=2)
        .encode(
            x="period:T",
            y=alt.Y("search_share:Q", title="Search share (%)", axis=alt.Axis(format=".0%", orient="right")),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("search_share:Q", title=search.label, format=".1%"),
            ],
        )
    )
    subtitle = _subtitle(
        "Areas: views per traffic source, stacked. Line: search share (right axis).",
        "Only rows that fall within one period are drawn; lifetime tables carry no day.",
    )
    sources_shown = trend["traffic_source"].nunique() if not trend.empty else 0
    height = 300 + 14 * len(subtitle) + 22 * math.ceil(sources_shown / 2) + 60
    return (
        alt.layer(bars, line, title=alt.Title("Views by source over time", subtitle=subtitle))
        .resolve_scale(y="independent")
        .properties(height=height)
    )
