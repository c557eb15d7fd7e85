"""Channel coverage for the Overview: each channel of the brief, the sources that feed it in the
selection, or, where it holds no data, the exports that would (the words: model.CHANNEL_FED_BY).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vmdash import cache, model
from vmdash.filters import FilterState
from vmdash.store import Store
from vmdash.store.rollup import presummed

# What a channel's coverage says: data in the selection, data only outside it, or none at all.
FED = "fed"
OUTSIDE = "outside the selection"
MISSING = "no data"


@dataclass(frozen=True)
class ChannelCoverage:
    """One channel: its state, the platforms and import formats behind its rows, and what would feed it."""

    channel: str
    title: str
    state: str  # FED, OUTSIDE or MISSING
    rows: int  # facts in the selection
    platforms: tuple[str, ...]
    formats: tuple[str, ...]  # import format names (vmdash.ingest.detect.BY_NAME), in import order
    fed_by: str


@cache.cached
def channel_feeds(store: Store) -> pd.DataFrame:
    """Every channel and platform of the active facts, with the format of each import behind them and
    whether those rows break views down by traffic source (the SEO channel's evidence).

    Read from the rollup, whose rows keep their import: its day sums and longer periods hold every
    fact once (a few thousand rows for millions of facts); its month sums say where a traffic
    source is reported. For the whole database: the selection then keeps its pairs.
    """
    return store.df(
        """WITH pairs AS (
               SELECT import_id, channel, platform, false AS by_source FROM facts_summed
               WHERE _grain IN ('day', 'period') GROUP BY ALL
               UNION ALL
               SELECT import_id, channel, platform, true AS by_source FROM facts_summed
               WHERE _grain IN ('month', 'period') AND traffic_source IS NOT NULL GROUP BY ALL
           )
           SELECT p.channel, p.platform, i.source_format, min(i.import_id) AS first_import,
                  bool_or(p.by_source) AS by_source
           FROM pairs p JOIN imports i ON i.import_id = p.import_id AND i.status = 'active'
           GROUP BY ALL ORDER BY first_import"""
    )


@cache.cached
def channel_coverage(store: Store, filters: FilterState = FilterState()) -> tuple[ChannelCoverage, ...]:
    """The brief's channels (model.BRIEF_CHANNELS, then any other holding data), in canonical order.

    SEO is also fed by rows that break views down by traffic source, whatever their channel: search
    is one of those sources.
    """
    feeds = channel_feeds(store)
    keys = [('"channel"', "channel"), ('"platform"', "platform")]
    _, params = filters.where()
    # Plain column keys: the day sums answer. Rows by traffic source are read apart, and only
    # where some import holds them.
    parts = [f"SELECT channel, platform, false AS by_source, _rows FROM ({presummed(keys, filters, ('views',))})"]
    if feeds["by_source"].any():
        by_source = presummed(keys, filters, ("views",), '"traffic_source" IS NOT NULL')
        parts.append(f"SELECT channel, platform, true AS by_source, _rows FROM ({by_source})")
    here = store.df(
        f"SELECT channel, platform, by_source, sum(_rows) AS rows FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL",
        params,
    )
    anywhere = set(feeds["channel"]) | ({"seo"} if feeds["by_source"].any() else set())
    shown = [c for c in model.CHANNELS if c in model.BRIEF_CHANNELS or c in anywhere or c in set(here["channel"])]
    out = []
    for channel in shown:
        own = (here["channel"] == channel) & ~here["by_source"]
        # SEO also counts rows by traffic source of other channels (its own are counted once).
        mine = here[own | (here["by_source"] & (here["channel"] != channel))] if channel == "seo" else here[own]
        pairs = set(zip(mine["channel"], mine["platform"], strict=True))
        fed = feeds[[(c, p) in pairs for c, p in zip(feeds["channel"], feeds["platform"], strict=True)]]
        if channel == "seo":
            fed = fed[(fed["channel"] == "seo") | fed["by_source"]]
        formats = tuple(dict.fromkeys(n for f in fed["source_format"] for n in str(f).split("+")))
        rows = int(mine["rows"].sum()) if not mine.empty else 0
        state = FED if rows else (OUTSIDE if channel in anywhere else MISSING)
        platforms = tuple(p for p in model.PLATFORMS if p in set(mine["platform"]))
        out.append(
            ChannelCoverage(
                channel,
                model.CHANNEL_TITLES.get(channel, channel),
                state,
                rows,
                platforms,
                formats,
                model.CHANNEL_FED_BY.get(channel, "any export imported with this channel"),
            )
        )
    return tuple(out)
