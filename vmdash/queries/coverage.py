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

    Import formats are not in the rollup: this reads the facts once per data version, for the whole
    database, and the selection then keeps the pairs of channel and platform it holds.
    """
    return store.df(
        """SELECT f.channel, f.platform, i.source_format, min(i.import_id) AS first_import,
                  bool_or(f.traffic_source IS NOT NULL) AS by_source
           FROM active_facts f JOIN imports i ON i.import_id = f.import_id AND i.status = 'active'
           GROUP BY ALL ORDER BY first_import"""
    )


@cache.cached
def channel_coverage(store: Store, filters: FilterState = FilterState()) -> tuple[ChannelCoverage, ...]:
    """The brief's channels (model.BRIEF_CHANNELS, then any other holding data), in canonical order.

    SEO is also fed by rows that break views down by traffic source, whatever their channel: search
    is one of those sources.
    """
    keys = [('"channel"', "channel"), ('"platform"', "platform"), ('"traffic_source" IS NOT NULL', "by_source")]
    _, params = filters.where()
    here = store.df(
        f"SELECT channel, platform, by_source, sum(_rows) AS rows FROM ({presummed(keys, filters, ('views',))}) "
        "GROUP BY ALL",
        params,
    )
    feeds = channel_feeds(store)
    anywhere = set(feeds["channel"]) | ({"seo"} if feeds["by_source"].any() else set())
    shown = [c for c in model.CHANNELS if c in model.BRIEF_CHANNELS or c in anywhere or c in set(here["channel"])]
    out = []
    for channel in shown:
        mine = here[(here["channel"] == channel) | (here["by_source"] if channel == "seo" else False)]
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
