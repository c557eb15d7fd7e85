"""Reading a retention curve: the intro drop, the steepest drops, the spikes and hook retention.

Pure functions over one curve (positions in % of the video's length, audience ratios where
1.0 is everyone who started); no data access. Curves arrive already binned by
`queries.retention_curves`, so they hold at most a few hundred points; `_grid` puts them on
steps of at least 1 % of the video before anything is judged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vmdash import metrics

# The intro is the first 30 seconds, but never more than the first 10 % of the video: on a
# 40-second Short, 30 s would be the whole video. Without a known length, the first 10 %.
INTRO_SECONDS = 30.0
INTRO_MAX_PCT = 10.0
# A step of the curve is steep when it loses at least this many times the curve's typical
# loss per 1 % of the video, and at least STEEP_MIN_EXTRA more than it (1 point per 1 %).
STEEP_FACTOR = 2.5
STEEP_MIN_EXTRA = 0.01
# A drop or spike must move the audience by at least this much (in ratio units: 0.02 = 2 points).
MIN_DROP = 0.02
MIN_SPIKE = 0.01
MAX_MOMENTS = 3
HOOK_SECONDS: tuple[float, ...] = (3.0, 30.0)


@dataclass(frozen=True)
class Moment:
    """One key moment of a curve: from `start_pct` to `end_pct`, the audience moved by `change`."""

    kind: str  # intro | drop | spike
    start_pct: float
    end_pct: float
    change: float  # ratio units, negative for a loss
    duration_s: float | None = None

    @property
    def start_s(self) -> float | None:
        """Where the moment starts, in seconds (None when the video's length is unknown)."""
        return None if self.duration_s is None else self.start_pct / 100 * self.duration_s

    @property
    def end_s(self) -> float | None:
        """Where the moment ends, in seconds (None when the video's length is unknown)."""
        return None if self.duration_s is None else self.end_pct / 100 * self.duration_s

    @property
    def label(self) -> str:
        """The moment in words, e.g. 'Intro drop: −36 pts in the first 0:30'."""
        points = metrics.format_value(self.change, "pts")  # as the hook table shows it
        if self.kind == "intro":
            return f"Intro drop: {points} in the first {position(self.end_pct, self.duration_s)}"
        where = f"{position(self.start_pct, self.duration_s)}–{position(self.end_pct, self.duration_s)}"
        name = "Steep drop" if self.kind == "drop" else "Spike (rewatches)"
        return f"{name}: {points} at {where}"


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def position(pct: float, duration_s: float | None) -> str:
    """A position as a time when the length is known ('1:24'), else as a share ('12 %')."""
    if duration_s is None or _missing(duration_s):
        return f"{pct:.0f} %"
    return clock(pct / 100 * duration_s)


def intro_end_pct(duration_s: float | None) -> float:
    """Where the intro ends, in % of the video."""
    if duration_s is None or _missing(duration_s) or duration_s <= 0:
        return INTRO_MAX_PCT
    return min(INTRO_SECONDS / duration_s * 100, INTRO_MAX_PCT)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _grid(positions: Sequence[float], ratios: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """The curve sorted, one value per position, on steps of at least 1 % of the video.

    A curve already that coarse (a 1 %-step YouTube curve, a Wistia curve of a short video
    with one point per second) keeps its own points, so moments land on real seconds; a
    denser one is resampled on a 1 % grid, so one-point noise does not read as a moment.
    Both ends are kept.
    """
    pos = np.asarray(positions, dtype=float)
    val = np.asarray(ratios, dtype=float)
    keep = ~(np.isnan(pos) | np.isnan(val))
    pos, val = pos[keep], val[keep]
    if len(pos) == 0:
        return pos, val
    pos, inverse = np.unique(pos, return_inverse=True)
    val = np.bincount(inverse, weights=val) / np.bincount(inverse)
    if len(pos) < 2 or (pos[-1] - pos[0]) / (len(pos) - 1) >= 1.0:
        return pos, val
    inner = np.arange(math.floor(pos[0]) + 1, math.ceil(pos[-1]), 1.0)
    # No sliver steps at the ends: a 0.1 % step would weigh its noise ten times.
    inner = inner[(inner - pos[0] >= 0.5) & (pos[-1] - inner >= 0.5)]
    grid = np.concatenate(([pos[0]], inner, [pos[-1]]))
    return grid, np.interp(grid, pos, val)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of each run of True in mask."""
    runs, start = [], None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        if not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(mask) - 1))
    return runs


def intro_drop(positions: Sequence[float], ratios: Sequence[float], duration_s: float | None = None) -> Moment | None:
    """The audience lost between the first point and the end of the intro."""
    grid, values = _grid(positions, ratios)
    if len(grid) < 2:
        return None
    end = max(intro_end_pct(duration_s), grid[0])
    at_end = float(np.interp(end, grid, values))
    return Moment("intro", float(grid[0]), float(end), at_end - float(values[0]), _length(duration_s))


def steep_drops(positions: Sequence[float], ratios: Sequence[float], duration_s: float | None = None) -> list[Moment]:
    """After the intro, the stretches where the curve falls much faster than it usually does, steepest first."""
    grid, values = _grid(positions, ratios)
    if len(grid) < 3:
        return []
    loss = -np.diff(values) / np.diff(grid)  # loss per 1 % of the video, whatever the step
    body = grid[:-1] >= intro_end_pct(duration_s)
    if not body.any():
        return []
    typical = max(float(np.median(loss[body])), 0.0)
    threshold = max(STEEP_FACTOR * typical, typical + STEEP_MIN_EXTRA)
    moments = []
    for first, last in _runs(body & (loss >= threshold)):
        change = float(values[last + 1] - values[first])
        if -change >= MIN_DROP:
            moments.append(Moment("drop", float(grid[first]), float(grid[last + 1]), change, _length(duration_s)))
    return sorted(moments, key=lambda m: m.change)[:MAX_MOMENTS]


def spikes(positions: Sequence[float], ratios: Sequence[float], duration_s: float | None = None) -> list[Moment]:
    """Where the audience rises again (people skipping back to rewatch), largest rise first."""
    grid, values = _grid(positions, ratios)
    if len(grid) < 3:
        return []
    moments = []
    for first, last in _runs(np.diff(values) > 0):
        change = float(values[last + 1] - values[first])
        if change >= MIN_SPIKE:
            moments.append(Moment("spike", float(grid[first]), float(grid[last + 1]), change, _length(duration_s)))
    return sorted(moments, key=lambda m: -m.change)[:MAX_MOMENTS]


def key_moments(positions: Sequence[float], ratios: Sequence[float], duration_s: float | None = None) -> list[Moment]:
    """The intro drop, then the steepest drops, then the spikes of one curve."""
    intro = intro_drop(positions, ratios, duration_s)
    return (
        ([intro] if intro else []) + steep_drops(positions, ratios, duration_s) + spikes(positions, ratios, duration_s)
    )


def hook_retention(
    positions: Sequence[float],
    ratios: Sequence[float],
    duration_s: float | None,
    seconds: Sequence[float] = HOOK_SECONDS,
) -> dict[float, float | None]:
    """Share still watching at each of these seconds; None when the length is unknown or the video is shorter."""
    out: dict[float, float | None] = {}
    grid, values = _grid(positions, ratios)
    for s in seconds:
        if _missing(duration_s) or not duration_s or s > duration_s or len(grid) < 2:
            out[s] = None
            continue
        out[s] = float(np.interp(s / duration_s * 100, grid, values))
    return out


def _length(duration_s: float | None) -> float | None:
    return None if _missing(duration_s) or not duration_s else float(duration_s)


# Tags written on the chart (moments, hook, end): the room one takes, as a share of the x axis
# (about 50 px of a phone's 290 px plot) and in ratio units (about 16 px of the chart's 330 px plot).
TAG_WIDTH = 0.17
TAG_HEIGHT = 0.05
TAG_LIFT = 0.035


def place_tags(xs: Sequence[float], ys: Sequence[float], x_span: float) -> list[tuple[float, float]]:
    """Where to write short tags for points (x, y): just above each, inside the x axis, moved up a
    row at a time until no two overlap (earlier tags keep their place)."""
    half = TAG_WIDTH * x_span / 2
    placed: list[tuple[float, float]] = []
    for x, y in zip(xs, ys, strict=True):
        tx = min(max(float(x), half), x_span - half)
        ty = float(y) + TAG_LIFT
        while any(abs(tx - px) < 2 * half and abs(ty - py) < TAG_HEIGHT for px, py in placed):
            ty += TAG_HEIGHT
        placed.append((tx, ty))
    return placed


def hook_and_end(curves: pd.DataFrame, x_field: str) -> pd.DataFrame:
    """Each curve of known length: its hook (share still watching at 3 s) and its end (its length).

    `curves`: key, title, duration_s, position_pct, seconds, audience_ratio; `x_field` the
    column the chart's x reads. Returns key, title, kind ('hook' | 'end'), x, audience_ratio, tag, label.
    """
    rows = []
    for (key, title), curve in curves.groupby(["key", "title"], sort=False):
        duration = _length(curve["duration_s"].iloc[0])
        if duration is None:
            continue
        curve = curve.sort_values("position_pct")
        hook = hook_retention(curve["position_pct"], curve["audience_ratio"], duration, (HOOK_SECONDS[0],))
        share = hook[HOOK_SECONDS[0]]
        if share is not None:
            at = HOOK_SECONDS[0] / duration * 100
            rows.append(
                {
                    "key": key,
                    "title": title,
                    "kind": "hook",
                    "x": at if x_field == "position_pct" else HOOK_SECONDS[0],
                    "audience_ratio": share,
                    "tag": f"{HOOK_SECONDS[0]:.0f} s: {share:.0%}",
                    "label": f"Hook: {share:.0%} still watching at {HOOK_SECONDS[0]:.0f} s",
                }
            )
        last = curve.iloc[-1]
        rows.append(
            {
                "key": key,
                "title": title,
                "kind": "end",
                "x": float(last[x_field]),
                "audience_ratio": float(last["audience_ratio"]),
                "tag": clock(duration),
                "label": f"Length {clock(duration)}: {float(last['audience_ratio']):.0%} still watching at the end",
            }
        )
    columns = ["key", "title", "kind", "x", "audience_ratio", "tag", "label"]
    return pd.DataFrame(rows, columns=columns)
