"""The Video page's queries and its `load`: one video (the Video filter's one choice) against the team's typical video.

Its identity, its KPIs beside the median of its peers (other videos of its main platform and
objective), its retention curve, the trend of its primary KPI, its funnel, its first days, its
traffic sources and every platform it ran on. With no single video chosen, `load` returns only
what the page's picker offers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vmdash import cache, looplog, metrics, model
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.numbers import float_or_none
from vmdash.queries.funnel_impact import funnel
from vmdash.queries.kpis import kpis
from vmdash.queries.overview import channels_side_by_side, trend
from vmdash.queries.retention import RetentionView, retention_videos, retention_view
from vmdash.queries.scorecards import VideoCard, video_card
from vmdash.queries.selection import currency, video_choices
from vmdash.sql import alias
from vmdash.store import Store
from vmdash.store.rollup import presummed
from vmdash.testlearn.choices import WINDOWS
from vmdash.testlearn.data import lifecycle

# The first days of a video compared with its peers': Test & learn's lifecycle windows.
EARLY_DAYS: tuple[int, ...] = WINDOWS
# The export that breaks a video's views down by where they came from.
TRAFFIC_EXPORT = (
    "YouTube Studio's traffic-source report (Analytics → Advanced mode → Traffic source → export "
    "the table or chart data)"
)


@dataclass(frozen=True)
class VideoIdentity:
    """Who the video is: its names, where and when it ran, how long it is, what it is for."""

    key: str
    title: str
    platforms: tuple[str, ...]
    channels: tuple[str, ...]
    objective: str  # its main objective: the one most of its rows serve
    platform: str  # its main platform: the one most of its rows come from
    published: dt.date | None
    length_s: float | None
    first_day: dt.date | None
    last_day: dt.date | None


@cache.cached
def identity(store: Store, key: str) -> VideoIdentity | None:
    """The video's identity over all its rows (whatever the other filters), None when no row has this key.

    Read from the per-video summary's all-time rows (a few blocks, in key order): `_first` /
    `_last` are the days its facts cover, `_rows` how many facts each row stands for (the main
    objective and platform are those of most rows; a tie goes to the first name).
    """
    row = store.rows(
        """WITH v AS (SELECT * FROM video_summed WHERE _grain = 'all' AND video_key = $k)
           SELECT coalesce(any_value("video_title"), $k),
                  list_sort(list_distinct(list("platform"))), list_sort(list_distinct(list("channel"))),
                  (SELECT "objective" FROM v GROUP BY 1 ORDER BY sum(_rows) DESC, 1 LIMIT 1),
                  (SELECT "platform" FROM v GROUP BY 1 ORDER BY sum(_rows) DESC, 1 LIMIT 1),
                  min("published_at"), max("video_duration_s"), min(_first), max(_last), sum(_rows)
           FROM v""",
        {"k": key},
    )[0]
    if not row[9]:
        return None
    # An objective outside the KPI registry's (a database from before a rename) reads as unassigned.
    objective = row[3] if row[3] in metrics.BY_OBJECTIVE else "unassigned"
    return VideoIdentity(
        key, row[0], tuple(row[1]), tuple(row[2]), objective, row[4], row[5], float_or_none(row[6]), row[7], row[8]
    )


def peer_scope(filters: FilterState, video: VideoIdentity) -> FilterState:
    """The videos this one is judged against: the selection's videos of its main platform and objective."""
    return filters.without("videos").narrowed(platforms=(video.platform,), objectives=(video.objective,))


def peer_words(video: VideoIdentity, peers: int) -> str:
    """What "typical" means for this video, in words."""
    videos = "video" if peers == 1 else "videos"
    return (
        f"median of the {peers} other {model.platform_label(video.platform)} {videos} "
        f"with the objective “{video.objective}” in this selection"
    )


@cache.cached
def typical_kpis(store: Store, names: tuple[str, ...], scope: FilterState, exclude: str) -> pd.DataFrame:
    """Per KPI: the median over the scope's videos (each its own ratio of sums) but `exclude`, and how many report it."""
    chosen = [metrics.get(n) for n in names]
    measures = [c for m in chosen for c in m.measures]
    _, params = scope.where()
    params["exclude"] = exclude
    per_video = ", ".join(f"{m.sql()} AS {alias(m.name)}" for m in chosen)
    medians = ", ".join(f"median({alias(m.name)}), count({alias(m.name)})" for m in chosen)
    row = store.rows(
        f"""SELECT {medians} FROM (
                SELECT key, {per_video} FROM ({presummed([(VIDEO_KEY_SQL, "key")], scope, measures)})
                WHERE key IS NOT NULL AND key <> $exclude GROUP BY key
            )""",
        params,
    )[0]
    return pd.DataFrame(
        {"kpi": names, "typical": [float_or_none(row[2 * i]) for i in range(len(names))]}
        | {"peers": [int(row[2 * i + 1]) for i in range(len(names))]}
    )


def early_days(store: Store, scope: FilterState, key: str) -> pd.DataFrame:
    """Views in the video's first 1, 7 and 28 days since publish beside the median of its peers' (same scope).

    The windows are Test & learn's lifecycle (testlearn.lifecycle): only a window the data covers
    from the publish day to its end counts, for the video (else NULL) as for its peers.
    Columns: days, video, typical, peers.
    """
    own = lifecycle(store, "views", scope.narrowed(videos=(key,)))
    peers = lifecycle(store, "views", scope)
    peers = peers[peers["complete"] & (peers["key"] != key)]
    out = []
    for days in EARLY_DAYS:
        mine = own[(own["window_days"] == days) & own["complete"]]["value"]
        theirs = peers[peers["window_days"] == days]["value"]
        out.append(
            {
                "days": days,
                "video": float(mine.sum()) if len(mine) else None,
                "typical": float(theirs.median()) if len(theirs) else None,
                "peers": len(theirs),
            }
        )
    return pd.DataFrame(out, columns=["days", "video", "typical", "peers"])


@cache.cached
def traffic_sources(store: Store, filters: FilterState) -> pd.DataFrame:
    """Views and watch time by traffic source, largest first, with each source's share of views (empty: not reported)."""
    _, params = filters.where()
    # Keyed by source, so one video's rows come from the per-video summary (see presummed).
    pre = presummed([('"traffic_source"', "traffic_source")], filters, ("views", "watch_time_s"))
    frame = store.df(
        f"""SELECT traffic_source, sum(views) AS views, sum(watch_time_s) AS watch_time_s
            FROM ({pre}) WHERE traffic_source IS NOT NULL GROUP BY 1 ORDER BY views DESC NULLS LAST, 1""",
        params,
    )
    total = frame["views"].sum(min_count=1)
    return frame.assign(share=frame["views"] / total if pd.notna(total) and total else None)


def funnel_by_step(frame: pd.DataFrame) -> pd.DataFrame:
    """The 'All' row of a funnel (queries.funnel) step by step: volume, the rate from the step
    before and the cost per step (NULL: not reported). Columns: step, volume, rate_kpi, rate, cost_kpi, cost.
    """
    columns = ["step", "volume", "rate_kpi", "rate", "cost_kpi", "cost"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    total = frame[frame["is_total"]].iloc[0]
    rows = [
        {
            "step": s.label,
            "volume": float_or_none(total[s.measure]),
            "rate_kpi": s.rate,
            "rate": float_or_none(total[s.rate]) if s.rate else None,
            "cost_kpi": s.cost,
            "cost": float_or_none(total[s.cost]) if s.cost else None,
        }
        for s in metrics.FUNNEL_STEPS
    ]
    return pd.DataFrame(rows, columns=columns)


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoControls:
    """The Video page draws no control of its own: the video is the Video filter's one choice."""


@dataclass(frozen=True)
class VideoData:
    """Everything the Video page draws; `video` is None (and the rest empty) unless exactly one video is chosen.

    `kpis`: kpi, value, coverage, typical, peers (the objective's KPIs); `early`: days, video,
    typical, peers; `steps`: funnel_by_step of the whole video; `sources`: traffic_source,
    views, watch_time_s, share; `platforms`: one row per platform and channel, totals and KPIs.
    """

    currency: str | None
    choices: pd.DataFrame  # what the picker offers (queries.video_choices); empty once a video is chosen
    video: VideoIdentity | None = None
    peers: str = ""  # what "typical" means, in words
    primary: str | None = None
    kpis: pd.DataFrame | None = None
    retention: RetentionView | None = None
    trend: pd.DataFrame | None = None
    annotations: pd.DataFrame | None = None
    steps: pd.DataFrame | None = None
    early: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    platforms: pd.DataFrame | None = None
    card: VideoCard | None = None  # its plan and scorecard (queries.scorecards.video_card)


def load(store: Store, filters: FilterState = FilterState(), controls: VideoControls = VideoControls()) -> VideoData:
    """The Video page's data for the one video the filters choose, or the picker's choices."""
    money = currency(store, filters)
    video = identity(store, filters.videos[0]) if len(filters.videos) == 1 else None
    if video is None:
        return VideoData(money, video_choices(store, filters.without("videos")))
    # The picker is not drawn once a video is chosen: its list is not read.
    choices = pd.DataFrame(columns=["key", "title", "platforms", "published", "label"])
    scope = peer_scope(filters, video)
    names = metrics.BY_OBJECTIVE[video.objective]
    own = kpis(store, names, filters)
    typical = typical_kpis(store, names, scope, video.key)
    values = pd.DataFrame(
        {
            "kpi": list(names),
            "value": [own[n].value for n in names],
            "coverage": [own[n].coverage for n in names],
        }
    ).merge(typical, on="kpi")
    primary = metrics.PRIMARY[video.objective]
    series = trend(store, primary, filters, split="platform")
    curves = retention_videos(store, filters)
    view = retention_view(store, [curves["key"].iloc[0]], filters) if not curves.empty else None
    frame = funnel(store, filters, by="platform")
    return VideoData(
        currency=money,
        choices=choices,
        video=video,
        peers=peer_words(video, int(typical["peers"].max() or 0)),
        primary=primary,
        kpis=values,
        retention=view,
        trend=series,
        annotations=None if series.empty else looplog.annotations(store, filters),
        steps=funnel_by_step(frame),
        early=early_days(store, scope, video.key),
        sources=traffic_sources(store, filters),
        platforms=channels_side_by_side(store, filters, min_channels=1),
        card=video_card(store, filters, video.key),
    )
