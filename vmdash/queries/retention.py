"""The Retention page's queries and its `load`: videos with curves, curves, the typical band, key moments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vmdash import cache, model, retention
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.queries.names import length_bucket_sql
from vmdash.queries.selection import video_label
from vmdash.store import Store
from vmdash.store.rollup import fact_rows

# -- retention -------------------------------------------------------------------------------

# A typical band needs at least this many videos to say anything about "typical".
MIN_BAND_VIDEOS = 3
# Curves are binned to this share of the video so an overlay stays far below the point limit.
CURVE_STEP_PCT = 0.25
BAND_STEP_PCT = 2.0
MAX_OVERLAY = 8


def _retention_videos_sql(params: dict[str, object]) -> str:
    # A YouTube Studio retention export names its video only by title (from the ZIP's name):
    # match it to the fact rows by id or by title to learn its id and length (from the per-video
    # summary's all-time rows, which hold every fact's names, length and publish day).
    bucket = length_bucket_sql("duration_s", params)
    return f"""rv AS (
        SELECT *, {bucket} AS length_bucket FROM (
            SELECT r.video_id AS key, r.platform,
                   coalesce(any_value(f.video_id), r.video_id) AS video_id,
                   coalesce(any_value(f.video_title), any_value(r.video_title), r.video_id) AS title,
                   max(f.duration_s) AS duration_s, min(f.published) AS published, any_value(r.points) AS points
            FROM (SELECT video_id, platform, any_value(video_title) AS video_title, count(*) AS points
                  FROM active_retention GROUP BY ALL) AS r
            LEFT JOIN (SELECT video_id, platform, any_value(video_title) AS video_title,
                              max(video_duration_s) AS duration_s, min(published_at) AS published
                       FROM video_summed WHERE _grain = 'all' AND video_id IS NOT NULL GROUP BY ALL) AS f
              ON f.platform = r.platform AND (f.video_id = r.video_id OR f.video_title = r.video_id)
            GROUP BY r.video_id, r.platform
        )
    )"""


def _retention_scope(filters: FilterState, params: dict[str, object], ids: Sequence[str] | None = None) -> str:
    # Retention points carry only a video and a platform: those filters apply directly; the
    # others (channel, objective, campaign, dates) keep the videos whose fact rows match.
    # `ids`, when given, holds every rv.video_id the direct filters can keep: only their facts
    # are looked for, in the per-video summary, instead of every video's in the rollup.
    clauses = []
    if filters.platforms:
        params["r_platforms"] = list(filters.platforms)
        clauses.append("list_contains($r_platforms, rv.platform)")
    if filters.videos:
        params["r_videos"] = list(filters.videos)
        clauses.append("(list_contains($r_videos, rv.video_id) OR list_contains($r_videos, rv.key))")
    rest = filters.without("platforms", "videos")
    if rest != FilterState() and ids is not None and not ids:
        clauses.append("FALSE")  # the direct filters keep no video
    elif rest != FilterState():
        # From the rollup (whole months, and only a range's edge days from the facts): the
        # videos any fact under the filters names.
        if ids is not None:
            rest = rest.narrowed(videos=tuple(ids))
        params.update(rest.where()[1])
        rows = fact_rows(rest, columns={"video_id", "ad"})
        clauses.append(f"rv.video_id IN (SELECT {VIDEO_KEY_SQL} FROM ({rows}))")
    return " AND ".join(clauses) or "TRUE"


@cache.cached
def retention_videos(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Videos with retention points under these filters: key, platform, title, duration, length bucket,
    publish date and label (queries.video_label: how the picker names it)."""
    params: dict[str, object] = {}
    cte = _retention_videos_sql(params)
    ids = None
    if filters.videos and filters.without("platforms", "videos") != FilterState():
        # A few chosen videos (the Video page's one) under other filters too: their ids first,
        # a cheap statement, so the facts looked for are theirs alone.
        direct = _retention_scope(FilterState(platforms=filters.platforms, videos=filters.videos), params)
        ids = [key for (key,) in store.rows(f"WITH {cte} SELECT DISTINCT video_id FROM rv WHERE {direct}", params)]
    scope = _retention_scope(filters, params, ids)
    frame = store.df(
        f"""WITH {cte} SELECT key, platform, video_id, title, duration_s, length_bucket, published, points
            FROM rv WHERE {scope} ORDER BY title, key LIMIT 2000""",
        params,
    )
    labels = [
        video_label(title, [platform], published)
        for title, platform, published in zip(
            frame["title"].tolist(), frame["platform"].tolist(), frame["published"].tolist(), strict=True
        )
    ]
    return frame.assign(label=pd.Series(labels, index=frame.index, dtype=object))


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
    label = model.platform_label(video["platform"])
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
                "video_key": video.video_id,  # what a link to the video's page names
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


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionControls:
    """The Retention page's widget values; the defaults are the widgets' own.

    `videos` are retention keys; None stands for the picker's default, the first video it offers.
    """

    videos: tuple[str, ...] | None = None
    unit: str = "pct"


@dataclass(frozen=True)
class RetentionData:
    """Everything the Retention page draws: the videos offered, and the view of those chosen (None: none chosen)."""

    videos: pd.DataFrame
    view: RetentionView | None


def options(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """The videos with retention curves under these filters: what the page's video picker offers."""
    return retention_videos(store, filters)


def load(
    store: Store, filters: FilterState = FilterState(), controls: RetentionControls = RetentionControls()
) -> RetentionData:
    """The Retention page's data: curves, typical band, key moments and hooks of the chosen videos."""
    videos = options(store, filters)
    keys = tuple(videos["key"].iloc[:1]) if controls.videos is None else controls.videos
    view = retention_view(store, list(keys), filters, controls.unit) if keys else None
    return RetentionData(videos, view)
