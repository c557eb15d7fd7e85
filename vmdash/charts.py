"""Altair chart builders from tidy frames with canonical names; no data access here."""

from __future__ import annotations

import functools
import hashlib
import math
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, TypeVar, cast

import altair as alt
import pandas as pd

from vmdash import metrics, model
from vmdash import retention as reading

# One colour per platform and per channel, the same on every page.
PLATFORM_COLORS = {
    "youtube": "#d62728",
    "facebook": "#1f77b4",
    "instagram": "#e377c2",
    "meta": "#aec7e8",
    "tiktok": "#17becf",
    "linkedin": "#8c564b",
    "google_ads": "#ff7f0e",
    "vimeo": "#2ca02c",
    "wistia": "#9467bd",
    "other": "#7f7f7f",
}
CHANNEL_COLORS = {
    "social": "#1f77b4",
    "ads": "#ff7f0e",
    "website": "#2ca02c",
    "sales": "#d62728",
    "seo": "#9467bd",
    "email": "#8c564b",
    "other": "#7f7f7f",
}
OBJECTIVE_COLORS = {
    "awareness": "#4c78a8",
    "acquisition": "#f58518",
    "conversion": "#54a24b",
    "loyalty": "#b279a2",
    "unassigned": "#9d9d9d",
}
FORMAT_COLORS = {"vertical": "#e45756", "square": "#72b7b2", "horizontal": "#4c78a8", "unknown": "#bab0ac"}
# Short to long: a light-to-dark ramp, so the order of the buckets reads from the colour.
LENGTH_COLORS = {
    "≤ 15 s": "#c6dbef",
    "15–60 s": "#9ecae1",
    "1–3 min": "#6baed6",
    "3–10 min": "#3182bd",
    "> 10 min": "#08519c",
    "unknown": "#bab0ac",
}
_PALETTES = {
    "platform": PLATFORM_COLORS,
    "channel": CHANNEL_COLORS,
    "objective": OBJECTIVE_COLORS,
    "format": FORMAT_COLORS,
    "length": LENGTH_COLORS,
}
_SPLIT_TITLES = {"length": "Video length", "source": "Platform and channel"}

# Marks drawn in "ink" (annotations, outlines, labels) sit on a white page or on Streamlit's
# dark theme: a mid grey reads on both (about 4.4:1 on either), black vanishes on dark.
INK = "#7a7a7a"
# Money axes take Vega's own tick format, which follows the tick step (0.005 steps read
# 0.000, 0.005, 0.010; a fixed two decimals repeated 0.01).
_AXIS_FORMAT: dict[str, alt.typing.Optional[str]] = {
    "pct": ".1~%",
    "money": alt.Undefined,
    "seconds": ",.0f",
    "ratio": ".2f",
    "number": "~s",
}
# Sized by the plot, not the whole view: the chart's height grows with its rows, and the
# title, subtitle and legend take what they need on top (Streamlit sizes the element to it).
_FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# Legends go below the plot: at the side they leave a phone's plot a few pixels wide.
_BELOW = alt.Legend(orient="bottom", columns=2, labelLimit=150)
_TOOLTIP_FORMAT = {"pct": ".1%", "money": ",.2f", "seconds": ",.1f", "ratio": ".2f", "number": ",.0f"}


def _source_palette() -> dict[str, str]:
    """'platform/channel' pairs in canonical order, each in its platform's colour."""
    return {
        f"{p}/{c}": PLATFORM_COLORS.get(p, PLATFORM_COLORS["other"]) for p in model.PLATFORMS for c in model.CHANNELS
    }


def color_scale(split: str, present: list[str]) -> alt.Scale:
    """A colour scale that gives each platform / channel / objective its fixed colour."""
    palette = _source_palette() if split == "source" else _PALETTES[split]
    domain = [v for v in palette if v in present] or list(palette)
    return alt.Scale(domain=domain, range=[palette[v] for v in domain])


def legend_label(split: str) -> str:
    """Legend title for a split."""
    return _SPLIT_TITLES.get(split, split.capitalize())


def series_label(split: str, value: object) -> str:
    """How a group is named on a chart: platforms by their product name, the rest as stored."""
    if split == "platform":
        return model.platform_label(str(value))
    if split == "source":
        platform, _, channel = str(value).partition("/")
        return f"{series_label('platform', platform)} {model.CHANNEL_LABELS.get(channel, channel)}"
    return str(value)


def _palette_order(split: str, groups: pd.Series) -> list[str]:
    """The groups present, in the order of their split's palette (the legend's order), unknown ones last."""
    seen = groups.dropna().astype(str).unique().tolist()
    palette = list(_PALETTES.get(split, {}))
    return [v for v in palette if v in seen] + sorted(v for v in seen if v not in palette)


def _labelled_scale(split: str, present: list[str]) -> alt.Scale:
    scale = color_scale(split, present)
    return alt.Scale(domain=[series_label(split, v) for v in scale.domain], range=scale.range)


# Altair converts a chart with process-wide settings (the data transformer, the theme), and
# Streamlit switches them under a lock of its own while it draws a session's chart. The app
# hands that lock over (vmdash.ui.common) so that this module's conversions take it too.
_altair_lock: AbstractContextManager = threading.Lock()


def share_altair_lock(lock: AbstractContextManager) -> None:
    """Convert charts under `lock`, the one the drawing code holds while it changes Altair's settings."""
    global _altair_lock
    _altair_lock = lock


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, for counting its rows or rendering it to a file.

    Converted while another thread draws with Streamlit's transformer switched on, a chart's
    rows would go into the datasets of the chart being drawn (which then fails with
    "dictionary changed size during iteration") and be missing from this spec.
    """
    with _altair_lock:
        return chart.to_dict()


# Whether page_spec checks a chart against the Vega-Lite schema: the tests switch it on
# (tests/conftest.py), so every chart the app tests draw is checked; on a page it doubled the
# cost of each chart, paid on every rerun.
VALIDATE_SPECS = False


def page_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's spec as a page sends it: converted once, as Streamlit converts it (no 300 px default view)."""
    with _altair_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme:
            return chart.to_dict(validate=VALIDATE_SPECS)


# Charts built again from the same answers (every rerun and every session reading the kept
# ones) are the same chart: kept, each is built and converted once. Building and converting
# were half of a warm page run.
_KEPT_CHARTS = 256
_kept: OrderedDict[tuple, Any] = OrderedDict()
_kept_lock = threading.Lock()
_Build = TypeVar("_Build", bound=Callable[..., Any])
_Derived = TypeVar("_Derived")


class _Unkeyable(Exception):
    """An argument a kept chart cannot be told apart by (it is then built anew)."""


def _fingerprint(value: object) -> object:
    """A hashable stand-in for a builder's argument: a frame by its columns, types and every cell."""
    if isinstance(value, pd.DataFrame):
        try:
            cells = pd.util.hash_pandas_object(value, index=True).to_numpy()
        except TypeError:
            raise _Unkeyable from None
        digest = hashlib.blake2b(cells.tobytes(), digest_size=16).digest()
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), digest)
    if isinstance(value, list | tuple):
        return (type(value).__name__, *(_fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *((k, _fingerprint(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        raise _Unkeyable from None
    # By type too: 1, 1.0 and True are equal keys but may not draw the same.
    return (type(value).__name__, value)


def _keep(table: OrderedDict, key: object, value: object) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > _KEPT_CHARTS:
        table.popitem(last=False)


class Derived(Generic[_Derived]):
    """What is made from an object, kept while that object is: looked up by the object's identity.

    For objects kept elsewhere (a kept chart, its sent spec) that are not hashable or costly to
    fingerprint. Bounded like the kept charts; each entry holds its object, so the object's id is
    not reused while the entry stands.
    """

    def __init__(self) -> None:
        self._table: OrderedDict[int, tuple[object, _Derived]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, source: object, make: Callable[[], _Derived]) -> _Derived:
        """The value made from `source`, made by `make()` the first time."""
        with self._lock:
            hit = self._table.get(id(source))
        if hit is not None and hit[0] is source:
            return hit[1]
        value = make()
        with self._lock:
            _keep(self._table, id(source), (source, value))
        return value


_sent: Derived[dict] = Derived()


def kept(build: _Build) -> _Build:
    """A chart builder whose charts are kept by their arguments: equal answers give the same chart object."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (build.__qualname__, _fingerprint(args), _fingerprint(dict(sorted(kwargs.items()))))
        except _Unkeyable:
            return build(*args, **kwargs)
        with _kept_lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
        chart = build(*args, **kwargs)
        with _kept_lock:
            _keep(_kept, key, chart)
        return chart

    return cast(_Build, wrapper)


def sent_spec(chart: alt.TopLevelMixin) -> dict:
    """The spec a page sends for `chart` (subtitles in INK, see page_spec), converted once per kept chart.

    Not to be changed by the caller: the same dict goes to every page drawing this chart.
    """
    # Subtitles (definitions, mixed-view notes) in the same mid grey as the annotations: Vega's
    # default is black, unreadable on the dark theme.
    return _sent.of(chart, lambda: page_spec(chart.configure_title(subtitleColor=INK)))


def spec_rows(chart: alt.TopLevelMixin | dict) -> int:
    """How many data rows a chart (or its spec) sends to the browser (every dataset of its spec)."""
    spec = chart if isinstance(chart, dict) else to_spec(chart)
    rows = sum(len(values) for values in spec.get("datasets", {}).values())

    def inline(node: object) -> int:
        if isinstance(node, dict):
            data = node.get("data")
            own = len(data["values"]) if isinstance(data, dict) and isinstance(data.get("values"), list) else 0
            return own + sum(inline(v) for k, v in node.items() if k != "data")
        if isinstance(node, list):
            return sum(inline(v) for v in node)
        return 0

    return rows + inline(spec)


def _subtitle(*parts: str) -> list[str]:
    # Vega does not wrap titles: long definitions become several lines instead of running off.
    # 64 characters fit the width of a phone (390 px); on a laptop they read as short lines.
    return [line for p in parts if p for line in textwrap.wrap(p, 64)]


def metric_axis_title(metric: metrics.Metric, currency: str | None = None) -> str:
    """Axis title with the unit."""
    unit = {"pct": "%", "money": currency or "money", "seconds": "seconds", "ratio": "×"}.get(metric.fmt)
    return f"{metric.label} ({unit})" if unit else metric.label


@kept
def trend(
    data: pd.DataFrame,
    metric: metrics.Metric,
    split: str = "platform",
    currency: str | None = None,
    note: str = "",
    annotations: pd.DataFrame | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """A KPI over time, one line per group; rows reported for a longer period drawn as a segment over it.

    `annotations` (date, label, stage, note, subjects, status): loop-log entries marked as dashed rules.
    """
    present = sorted(data[split].dropna().unique().tolist()) if not data.empty else []
    frame = data.assign(series=data[split].map(lambda v: series_label(split, v)) if not data.empty else [])
    scale = _labelled_scale(split, present)
    y = alt.Y("value:Q", title=metric_axis_title(metric, currency), axis=alt.Axis(format=_AXIS_FORMAT[metric.fmt]))
    # Below the plot: a legend at the side leaves a phone's chart a few pixels wide.
    color = alt.Color("series:N", title=legend_label(split), scale=scale, legend=alt.Legend(orient="bottom", columns=2))
    # Organic and paid lines of one platform share its colour; the dash tells them apart.
    dash = (
        {
            "strokeDash": alt.StrokeDash(
                "reached_as:N",
                title="Channel",
                # Paid first, so it takes the solid line: organic rows are mostly flat period spans.
                sort=sorted(model.CHANNEL_LABELS.values(), key=lambda v: v != model.CHANNEL_LABELS["ads"]),
                # The colour legend already names each line "Facebook organic" / "Facebook paid".
                legend=None,
            )
        }
        if split == "source"
        else {}
    )
    if split == "source" and not frame.empty:
        frame = frame.assign(reached_as=frame["source"].map(lambda v: model.CHANNEL_LABELS.get(v.partition("/")[2])))
    tooltip = [
        alt.Tooltip("period:T", title="From"),
        alt.Tooltip("period_end:T", title="To"),
        alt.Tooltip("series:N", title=legend_label(split)),
        alt.Tooltip("value:Q", title=metric.label, format=_TOOLTIP_FORMAT[metric.fmt]),
        alt.Tooltip("volume:Q", title=f"{metric.denominator[0].replace('_', ' ')}", format=",.0f"),
    ]
    has_spans = not frame.empty and (frame["kind"] == "span").any()
    span_note = (
        "Flat segments: rows reported for a whole period (e.g. a month of Meta), one value over their span."
        if has_spans
        else ""
    )
    base = alt.Chart(
        frame,
        title=alt.Title(f"{metric.label} over time", subtitle=(subtitle := _subtitle(metric.help(), note, span_note))),
    )
    # A line drawn with its points would give the dash legend point symbols, which show no dash:
    # with a dash, the points are a layer of their own.
    points = (
        base.transform_filter(alt.datum.kind == "point")
        .mark_line(point=not dash, strokeWidth=2)
        .encode(x=alt.X("period:T", title="Period"), y=y, color=color, tooltip=tooltip, **dash)
    )
    dots = (
        [
            base.transform_filter(alt.datum.kind == "point")
            .mark_circle(size=30, opacity=1)
            .encode(x="period:T", y=y, color=color, tooltip=tooltip)
        ]
        if dash
        else []
    )
    spans = (
        base.transform_filter(alt.datum.kind == "span")
        .mark_rule(strokeWidth=4, opacity=0.6, strokeCap="round")
        .encode(x="period:T", x2="period_end:T", y=y, color=color, tooltip=tooltip, **dash)
    )
    # Streamlit sizes the whole chart to this height (title, subtitle and legend included): the
    # plot keeps about 300 px however many lines the subtitle and the legend take.
    height = 300 + 60 + 14 * len(subtitle) + 22 * math.ceil(len(present) / 2) + 30
    return alt.layer(points, *dots, spans, *annotation_layers(annotations)).properties(height=height)


def annotation_layers(annotations: pd.DataFrame | None) -> list[alt.Chart]:
    """Loop-log entries as dashed vertical rules labelled at the top, to layer over a time chart."""
    if annotations is None or annotations.empty:
        return []
    frame = annotations.assign(date=pd.to_datetime(annotations["date"])).sort_values("date", kind="stable")
    # Two rows of labels, alternating, so entries a few days apart stay readable.
    frame["row"] = [i % 2 for i in range(len(frame))]
    base = alt.Chart(frame)
    tooltip = [
        alt.Tooltip("date:T", title="Date"),
        alt.Tooltip("stage:N", title="Loop log"),
        alt.Tooltip("note:N", title="Note"),
        alt.Tooltip("subjects:N", title="About"),
        alt.Tooltip("status:N", title="Status"),
    ]
    rules = base.mark_rule(color=INK, strokeDash=[5, 4], strokeWidth=1.5).encode(x="date:T", tooltip=tooltip)
    labels = [
        base.transform_filter(alt.datum.row == row)
        .mark_text(align="left", baseline="top", dx=4, dy=2 + 14 * row, fontSize=11, color=INK)
        .encode(x="date:T", y=alt.value(0), text="label:N", tooltip=tooltip)
        for row in (0, 1)
    ]
    return [rules, *labels]


def label_limit(widest: int, share: float = 0.4, extra: int = 0) -> alt.ExprRef:
    """How wide category labels may be: `share` of the chart's container, at most `widest` px.

    A fixed limit that suits a laptop leaves a phone's bars a few pixels wide; a label cut
    short ends in an ellipsis, and every such chart names it whole in its tooltip. Rendered
    to a file there is no container, and the labels keep their widest. `extra` px are added
    (an axis's extent holds its labels, their padding and its ticks).
    """
    limit = f"(containerSize()[0] > 0 ? clamp(containerSize()[0] * {share}, 80, {widest}) : {widest})"
    return alt.ExprRef(f"{limit} + {extra}" if extra else limit)


def shared_domain(*frames: pd.DataFrame, column: str = "value") -> tuple[float, float]:
    """One x domain for several bar charts compared side by side: from zero (or below) to their largest value."""
    values = pd.concat([f[column] for f in frames if not f.empty]) if any(not f.empty for f in frames) else None
    if values is None or values.dropna().empty:
        return (0.0, 1.0)
    low, high = float(values.min()), float(values.max())
    return (min(0.0, low), max(0.0, high) or 1.0)


@kept
def ranked_bars(
    data: pd.DataFrame,
    metric: metrics.Metric,
    title: str,
    currency: str | None = None,
    domain: tuple[float, float] | None = None,
) -> alt.Chart:
    """Horizontal bars of videos ranked by a KPI, coloured by platform.

    `domain`: the x domain, so that charts read side by side (Top 5 and Bottom 5) share one scale.
    """
    present = sorted(data["platform"].dropna().unique().tolist()) if not data.empty else []
    # The same creative often runs on several placements: label each bar with its platform.
    data = data.assign(series=data["platform"].map(model.platform_label))
    data = data.assign(label=data["video"].astype(str) + " · " + data["series"])
    scale = alt.Scale(domain=list(domain), nice=False) if domain is not None else alt.Undefined
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(
                "value:Q",
                title=metric_axis_title(metric, currency),
                axis=alt.Axis(format=_AXIS_FORMAT[metric.fmt], tickCount=4),
                scale=scale,
            ),
            # Labels take the same room in every such chart, so charts side by side share their plot width too.
            y=alt.Y(
                "label:N",
                sort=None,
                title=None,
                axis=alt.Axis(
                    labelLimit=label_limit(260),
                    minExtent=label_limit(260, extra=16),
                    maxExtent=label_limit(260, extra=16),
                ),
            ),
            color=alt.Color(
                "series:N",
                title="Platform",
                scale=_labelled_scale("platform", present),
                # Each bar's label already names its platform; a legend would only crowd a half-width column.
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("video:N", title="Video"),
                alt.Tooltip("series:N", title="Platform"),
                alt.Tooltip("value:Q", title=metric.label, format=_TOOLTIP_FORMAT[metric.fmt]),
                alt.Tooltip("volume:Q", title="Volume", format=",.0f"),
            ],
        )
        .properties(height=190 + 30 * len(data))
    )


def _pct_axis(title: str) -> alt.Axis:
    return alt.Axis(format=".0%", title=title)


# The marks on a retention curve: the shape of each and its name in the legend.
_MARK_NAMES = {
    "intro": ("circle", "intro drop"),
    "drop": ("triangle-down", "steep drop"),
    "spike": ("triangle-up", "spike"),
    "hook": ("diamond", "hook (3 s)"),
    "end": ("square", "end (length)"),
}
_MARK_NAMES_EXPR = "{" + ", ".join(f"'{k}': '{v}'" for k, (_, v) in _MARK_NAMES.items()) + "}"


@kept
def retention(
    curves: pd.DataFrame,
    band: pd.DataFrame,
    moments: pd.DataFrame,
    unit: str = "pct",
    note: str = "",
    band_note: str = "",
) -> alt.LayerChart | alt.FacetChart:
    """Retention curves (one line per video) over the typical band, with key moments marked.

    `curves`: key, title, platform, position_pct, seconds, audience_ratio; `band`: x, median,
    q1, q3, videos (already on the chosen unit); `moments`: key, title, x, audience_ratio,
    kind, label. `unit` is 'pct' (of the video's length) or 'seconds'.
    """
    x_field = "position_pct" if unit == "pct" else "seconds"
    x_title = "Position in the video (% of its length)" if unit == "pct" else "Position in the video (seconds)"
    x_axis = alt.Axis(title=x_title, format=".0f")
    curves = curves.assign(
        x=curves[x_field], video=curves["title"].astype(str), platform=curves["platform"].map(model.platform_label)
    )
    videos = list(dict.fromkeys(curves["video"]))
    palette = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6"]
    color = alt.Color(
        "video:N",
        title="Video",
        scale=alt.Scale(domain=videos, range=palette[: max(len(videos), 1)]),
        legend=alt.Legend(orient="bottom", labelLimit=320),
    )
    y = alt.Y("audience_ratio:Q", axis=_pct_axis("Audience still watching (% of starts)"))
    layers = []
    if not band.empty:
        band_base = alt.Chart(band.assign(label="Typical (middle half)"))
        layers.append(
            band_base.mark_area(opacity=0.25, color="#9d9d9d").encode(
                x=alt.X("x:Q", axis=x_axis),
                y=alt.Y("q1:Q", axis=_pct_axis("Audience still watching (% of starts)")),
                y2="q3:Q",
                tooltip=[
                    alt.Tooltip("x:Q", title=x_title, format=".1f"),
                    alt.Tooltip("median:Q", title="Typical (median)", format=".1%"),
                    alt.Tooltip("q1:Q", title="Lower quartile", format=".1%"),
                    alt.Tooltip("q3:Q", title="Upper quartile", format=".1%"),
                    alt.Tooltip("videos:Q", title="Videos compared"),
                ],
            )
        )
        layers.append(band_base.mark_line(color="#6f6f6f", strokeDash=[4, 3]).encode(x="x:Q", y="median:Q"))
    layers.append(
        alt.Chart(curves)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("x:Q", axis=x_axis),
            y=y,
            color=color,
            tooltip=[
                alt.Tooltip("video:N", title="Video"),
                alt.Tooltip("platform:N", title="Platform"),
                alt.Tooltip("position_pct:Q", title="Position (% of length)", format=".1f"),
                alt.Tooltip("seconds:Q", title="Position (s)", format=".0f"),
                alt.Tooltip("audience_ratio:Q", title="Still watching", format=".1%"),
            ],
        )
    )
    # Each curve of known length: where its hook (3 s) and its end sit, marked like its moments.
    ends = reading.hook_and_end(curves, x_field)
    marked = (
        pd.concat([frame for frame in (moments.assign(tag=""), ends) if not frame.empty], ignore_index=True)
        if not (moments.empty and ends.empty)
        else pd.DataFrame()
    )
    if not marked.empty:
        marks = alt.Chart(marked.assign(video=marked["title"].astype(str)))
        shape = alt.Shape(
            "kind:N",
            title="Marked",
            scale=alt.Scale(domain=list(_MARK_NAMES), range=[shape for shape, _ in _MARK_NAMES.values()]),
            # Below the plot, as the curves' legend, and stacked: beside it in a row it runs off a phone.
            legend=alt.Legend(
                orient="bottom",
                direction="vertical",
                symbolSize=90,
                # Filled and without the points' white outline, which eats a small triangle.
                symbolFillColor=INK,
                symbolStrokeWidth=0,
                labelExpr=f"{_MARK_NAMES_EXPR}[datum.label] || datum.label",
            ),
        )
        layers.append(
            marks.mark_point(size=140, filled=True, stroke="white", strokeWidth=1).encode(
                x="x:Q",
                y="audience_ratio:Q",
                color=color,
                shape=shape,
                tooltip=[alt.Tooltip("video:N", title="Video"), alt.Tooltip("label:N", title="Marked")],
            )
        )
        if len(videos) == 1:
            tags = retention_tags(marked, x_span=100.0 if unit == "pct" else float(curves["seconds"].max() or 1.0))
            layers.append(
                alt.Chart(tags)
                .mark_text(align="center", baseline="bottom", fontSize=11, fontWeight="bold", color=INK)
                .encode(x="tag_x:Q", y="tag_y:Q", text="tag:N", tooltip=[alt.Tooltip("label:N", title="Marked")])
            )
    # The plot's own height (legends below add to it): tags are spaced in audience units, so the
    # plot keeps the same height on a phone, where the legends take more rows.
    return alt.layer(*layers).properties(
        height=330, autosize=_FIT_WIDTH, title=alt.Title("Audience retention", subtitle=_subtitle(band_note, note))
    )


def retention_tags(marked: pd.DataFrame, x_span: float) -> pd.DataFrame:
    """Short tags for the marks of one curve (moments: the points moved; hook; end), placed apart.

    `marked`: kind, x, audience_ratio, change (moments), tag (hook and end), label. The full
    label is in the tooltip and listed under the chart.
    """
    order = marked.assign(order=marked["kind"].map(list(_MARK_NAMES).index)).sort_values("order", kind="stable")
    tags = [
        tag
        if kind in ("hook", "end")
        else (f"{change * 100:+.0f}" if abs(change) >= 0.1 else f"{change * 100:+.1f}").replace("-", "−") + " pts"
        for kind, change, tag in zip(order["kind"], order["change"], order["tag"], strict=True)
    ]
    places = reading.place_tags(order["x"].tolist(), order["audience_ratio"].tolist(), x_span)
    return order.assign(tag=tags, tag_x=[x for x, _ in places], tag_y=[y for _, y in places])[
        ["kind", "x", "audience_ratio", "tag", "tag_x", "tag_y", "label"]
    ]


@kept
def quartile_funnel(data: pd.DataFrame, split: str, note: str = "") -> alt.Chart:
    """Share of the base still watching at each quartile step, one line per group."""
    present = sorted(data["group"].dropna().unique().tolist()) if not data.empty else []
    frame = data.assign(series=data["group"].map(lambda v: series_label(split, v)))
    steps = list(dict.fromkeys(frame.sort_values("order")["step"]))
    base_label = steps[0] if steps else "Starts"
    return (
        alt.Chart(
            frame.dropna(subset=["rate"]),
            title=alt.Title(
                f"Quartile funnel by {legend_label(split).lower()}",
                subtitle=_subtitle(f"Share of {base_label.lower()} still watching at each point of the video.", note),
            ),
        )
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True), strokeWidth=2.5)
        .encode(
            x=alt.X("step:O", sort=steps, title="Point reached in the video", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", axis=_pct_axis(f"Still watching (% of {base_label.lower()})")),
            color=alt.Color(
                "series:N",
                title=legend_label(split),
                scale=_labelled_scale(split, present),
                legend=_BELOW,
            ),
            tooltip=[
                alt.Tooltip("series:N", title=legend_label(split)),
                alt.Tooltip("step:N", title="Point reached"),
                alt.Tooltip("rate:Q", title=f"Share of {base_label.lower()}", format=".1%"),
                alt.Tooltip("plays:Q", title="Plays", format=",.0f"),
                alt.Tooltip("coverage:Q", title="Coverage (base reporting this step)", format=".0%"),
            ],
        )
        .properties(height=360, autosize=_FIT_WIDTH)
    )


@kept
def completion_vs_length(data: pd.DataFrame, note: str = "") -> alt.LayerChart | alt.FacetChart:
    """Completion rate against video length, one dot per video sized by its starts."""
    present = sorted(data["platform"].dropna().unique().tolist()) if not data.empty else []
    frame = data.assign(series=data["platform"].map(lambda v: series_label("platform", v)))
    edges = pd.DataFrame({"edge": [upper for upper, _ in model.LENGTH_BUCKETS if upper != float("inf")]}).assign(
        label=lambda d: d["edge"].map(lambda e: f"{e:.0f} s" if e < 60 else f"{e / 60:.0f} min")
    )
    x_scale = alt.Scale(type="log", domain=[3, max(1200.0, float(frame["duration_s"].max() or 0) * 1.2)])
    rules = alt.Chart(edges).mark_rule(color="#bbbbbb", strokeDash=[3, 3]).encode(x=alt.X("edge:Q", scale=x_scale))
    labels = (
        alt.Chart(edges)
        .mark_text(align="left", dx=3, dy=-4, color="#888888", fontSize=10)
        .encode(x=alt.X("edge:Q", scale=x_scale), y=alt.value(8), text="label:N")
    )
    dots = (
        alt.Chart(frame)
        .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("duration_s:Q", title="Video length (seconds, log scale)", scale=x_scale),
            y=alt.Y("completion_rate:Q", axis=_pct_axis("Completion rate (% of starts)")),
            size=alt.Size(
                "starts:Q",
                title="Starts",
                scale=alt.Scale(range=[30, 600]),
                legend=alt.Legend(format="~s", orient="bottom", direction="horizontal", tickCount=3),
            ),
            color=alt.Color("series:N", title="Platform", scale=_labelled_scale("platform", present), legend=_BELOW),
            tooltip=[
                alt.Tooltip("video:N", title="Video"),
                alt.Tooltip("series:N", title="Platform"),
                alt.Tooltip("duration_s:Q", title="Length (s)", format=",.0f"),
                alt.Tooltip("completion_rate:Q", title="Completion rate", format=".1%"),
                alt.Tooltip("starts:Q", title="Starts", format=",.0f"),
            ],
        )
    )
    return alt.layer(rules, labels, dots).properties(
        height=360,
        autosize=_FIT_WIDTH,
        title=alt.Title(
            "Completion rate against video length",
            subtitle=_subtitle(metrics.get("completion_rate").help(), note),
        ),
    )


# Bars this thick whatever the number of groups: thinner ones read as lines.
FUNNEL_BAR_PX = 18
# Between the last bar of one step and the first of the next: room for the step's second label line.
_FUNNEL_STEP_GAP_PX = 14


def two_line_label(separator: str = " → ") -> str:
    """A Vega label expression breaking 'A → B' after the arrow, so a step's name stays whole on a phone."""
    parts = f"split(datum.label, '{separator}')"
    return f"length({parts}) == 2 ? [{parts}[0] + '{separator.rstrip()}', {parts}[1]] : datum.label"


@kept
def funnel_rates(data: pd.DataFrame, split: str, note: str = "") -> alt.LayerChart | alt.FacetChart:
    """Step conversion rates per group, the weakest step of each group outlined and labelled.

    Bars run across, one band per step, each bar FUNNEL_BAR_PX thick: step names such as
    'Views → Half-watched plays' stay whole on the side, on two lines, instead of being
    dropped when they would overlap.
    """
    present = _palette_order(split, data["group"])
    frame = data.dropna(subset=["rate"]).assign(
        series=lambda d: d["group"].map(lambda v: series_label(split, v)),
        flag=lambda d: d["weakest"].map(lambda w: "weakest" if w else ""),
    )
    steps = list(dict.fromkeys(data.sort_values("order")["step"]))
    groups = max(len(present), 1)
    # The band of a step holds its groups' bars and a gap; padding is a share of the band.
    band = groups * FUNNEL_BAR_PX + _FUNNEL_STEP_GAP_PX
    y = alt.Y(
        "step:N",
        sort=steps,
        title=None,
        scale=alt.Scale(paddingInner=_FUNNEL_STEP_GAP_PX / band, paddingOuter=0),
        axis=alt.Axis(
            labelLimit=label_limit(200, 0.35),
            labelFontSize=12,
            labelExpr=two_line_label(),
            labelOverlap=False,
            labelPadding=6,
        ),
    )
    offset = alt.YOffset("series:N", sort=[series_label(split, v) for v in present])
    x = alt.X("rate:Q", axis=alt.Axis(format=".0%", title="Step conversion rate", tickCount=4))
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y=y,
        yOffset=offset,
        x=x,
        color=alt.Color(
            "series:N",
            title=legend_label(split),
            scale=_labelled_scale(split, present),
            legend=_BELOW,
        ),
        stroke=alt.condition(alt.datum.weakest, alt.value(INK), alt.value(None)),
        strokeWidth=alt.condition(alt.datum.weakest, alt.value(2), alt.value(0)),
        tooltip=[
            alt.Tooltip("series:N", title=legend_label(split)),
            alt.Tooltip("step:N", title="Step"),
            alt.Tooltip("rate:Q", title="Step conversion", format=".2%"),
            alt.Tooltip("index:Q", title="Against the whole selection", format=".2f"),
            alt.Tooltip("coverage:Q", title="Coverage", format=".0%"),
            alt.Tooltip("flag:N", title="Flag"),
        ],
    )
    flags = (
        base.transform_filter(alt.datum.weakest)
        .mark_text(align="left", dx=3, fontSize=10, color=INK)
        .encode(y=y, yOffset=offset, x=x, text=alt.value("◀"))
    )
    return alt.layer(bars, flags).properties(
        height=len(steps) * band,
        autosize=_FIT_WIDTH,
        title=alt.Title(
            "Step conversion rates",
            subtitle=_subtitle(
                "Each step over the previous one. Outlined and marked ◀: the group's weakest step, "
                "furthest below the same step for the whole selection.",
                note,
            ),
        ),
    )


@kept
def funnel_costs(data: pd.DataFrame, split: str, currency: str | None = None) -> alt.VConcatChart:
    """Cost per step (CPM, CPV, CPC, CPA) per group: small charts stacked, each on its own scale.

    Stacked, not side by side: each takes the page's whole width (Streamlit fits a stack's
    charts to it), so four costs read on a phone as on a laptop. The groups are rows in the
    same order in every chart (their colours match the rates chart).
    """
    # Groups that report no cost at all (no spend) are left out; the page names them.
    present = _palette_order(split, data.dropna(subset=["value"])["group"])
    order = [series_label(split, v) for v in present]
    frame = data.dropna(subset=["value"]).assign(series=lambda d: d["group"].map(lambda v: series_label(split, v)))
    height = max(FUNNEL_BAR_PX + 6, len(present) * (FUNNEL_BAR_PX + 6))
    charts = []
    for name in dict.fromkeys(data["kpi"]):
        m = metrics.get(name)
        # A group without this one cost keeps its (empty) row, so the rows line up across charts.
        charts.append(
            alt.Chart(frame[frame["kpi"] == name], title=alt.Title(m.label, subtitle=m.definition))
            .mark_bar()
            .encode(
                y=alt.Y(
                    "series:N",
                    title=None,
                    sort=order,
                    scale=alt.Scale(domain=order),
                    axis=alt.Axis(labelLimit=label_limit(160, 0.35)),
                ),
                x=alt.X(
                    "value:Q",
                    title=metric_axis_title(m, currency),
                    axis=alt.Axis(format=_AXIS_FORMAT[m.fmt], tickCount=4),
                ),
                color=alt.Color("series:N", scale=_labelled_scale(split, present), legend=None),
                tooltip=[
                    alt.Tooltip("series:N", title=legend_label(split)),
                    alt.Tooltip("value:Q", title=m.label, format=_TOOLTIP_FORMAT[m.fmt]),
                    alt.Tooltip("coverage:Q", title="Coverage", format=".0%"),
                ],
            )
            .properties(height=height)
        )
    return alt.vconcat(
        *charts, spacing=28, title=alt.Title("Cost per step", subtitle="Each cost on its own scale.", anchor="start")
    )


# -- test & learn --------------------------------------------------------------------------------

# Variants are not platforms: a categorical palette in pick order, the baseline first.
VARIANT_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d")


def _variant_scale(labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=list(VARIANT_COLORS[: max(len(labels), 1)]))


@kept
def variant_intervals(
    data: pd.DataFrame, metric: metrics.Metric, currency: str | None = None, level: float = 0.95, note: str = ""
) -> alt.LayerChart | alt.FacetChart:
    """Each variant's KPI as a dot with its confidence interval as a bar, baseline first."""
    frame = data.dropna(subset=["value"]).assign(label=lambda d: d["label"].astype(str))
    labels = list(dict.fromkeys(data["label"].astype(str)))
    fmt = _TOOLTIP_FORMAT[metric.fmt]
    # Not from zero: the intervals are what is compared, and they can be narrow.
    scale = alt.Scale(zero=False, nice=True)
    axis = alt.Axis(format=_AXIS_FORMAT[metric.fmt], tickCount=6)
    x = alt.X("value:Q", title=metric_axis_title(metric, currency), axis=axis, scale=scale)
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=label_limit(280)))
    color = alt.Color("label:N", scale=_variant_scale(labels), legend=None)
    tooltip = [
        alt.Tooltip("label:N", title="Variant"),
        alt.Tooltip("value:Q", title=metric.label, format=fmt),
        alt.Tooltip("low:Q", title="Interval from", format=fmt),
        alt.Tooltip("high:Q", title="Interval to", format=fmt),
        alt.Tooltip("trials:Q", title=metric.denominator[0].replace("_", " "), format=",.0f"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_rule(strokeWidth=6, opacity=0.45, strokeCap="round").encode(
        x=alt.X("low:Q", title=metric_axis_title(metric, currency), axis=axis, scale=scale),
        x2="high:Q",
        y=y,
        color=color,
        tooltip=tooltip,
    )
    dots = base.mark_point(filled=True, size=160, opacity=1).encode(x=x, y=y, color=color, tooltip=tooltip)
    values = base.mark_text(align="left", dx=10, dy=-12, fontSize=12, color=INK).encode(
        x=x, y=y, text=alt.Text("value:Q", format=fmt)
    )
    title = alt.Title(
        f"{metric.label} by variant",
        subtitle=_subtitle(f"Dot: each variant's value; bar: its {level * 100:.3g} % confidence interval.", note),
    )
    # In the app the height includes title and axis: room for them, then a row per variant.
    return alt.layer(bars, dots, values).properties(height=130 + 56 * len(labels), title=title)


@kept
def variant_trend(
    data: pd.DataFrame,
    metric: metrics.Metric,
    labels: list[str],
    currency: str | None = None,
    annotations: pd.DataFrame | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """The KPI per variant over time (`data`: label, period, value, volume, grain), loop-log entries marked."""
    grain = str(data["grain"].iloc[0]) if not data.empty else "day"
    fmt = _TOOLTIP_FORMAT[metric.fmt]
    line = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("period:T", title=f"Period ({grain})"),
            y=alt.Y(
                "value:Q", title=metric_axis_title(metric, currency), axis=alt.Axis(format=_AXIS_FORMAT[metric.fmt])
            ),
            color=alt.Color(
                "label:N", title="Variant", scale=_variant_scale(labels), legend=alt.Legend(orient="bottom")
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Variant"),
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("value:Q", title=metric.label, format=fmt),
                alt.Tooltip("volume:Q", title=metric.denominator[0].replace("_", " "), format=",.0f"),
            ],
        )
    )
    title = alt.Title(
        f"{metric.label} over time by variant",
        subtitle="Rows reported for a longer period than one point (a month of Meta) are left out; dashed: loop log.",
    )
    return alt.layer(line, *annotation_layers(annotations)).properties(height=300, title=title)


@kept
def benchmark_index(data: pd.DataFrame, note: str = "") -> alt.LayerChart | alt.FacetChart:
    """Videos' benchmark index (100 = the median of their platform, objective and length bucket), as bars."""
    present = sorted(data["platform"].dropna().unique().tolist()) if not data.empty else []
    frame = data.assign(
        series=data["platform"].map(lambda v: series_label("platform", v)),
        name=data["title"].astype(str) + " · " + data["platform"].map(lambda v: series_label("platform", v)),
        kpi_label=data["kpi"].map(lambda k: metrics.get(k).label),
    )
    frame["name"] = frame["name"] + " · " + frame["objective"].astype(str)
    frame["typical"] = 100.0
    # A ratio: on a log scale half as good and twice as good lie equally far from 100.
    low, high = min(50.0, float(frame["index"].min()) * 0.9), max(200.0, float(frame["index"].max()) * 1.1)
    scale = alt.Scale(type="log", domain=[low, high])
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "index:Q",
                # On two lines: one would run off a phone.
                title=["Index (100 = typical; above = better)", "log scale"],
                scale=scale,
                # Halves and doubles of typical: a phone has room for a few ticks, and these read at once.
                axis=alt.Axis(values=[v for v in (12.5, 25, 50, 100, 200, 400, 800, 1600) if low <= v <= high]),
            ),
            x2="typical:Q",
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=label_limit(320))),
            color=alt.Color("series:N", title="Platform", scale=_labelled_scale("platform", present), legend=_BELOW),
            tooltip=[
                alt.Tooltip("title:N", title="Video"),
                alt.Tooltip("series:N", title="Platform"),
                alt.Tooltip("objective:N", title="Objective"),
                alt.Tooltip("length_bucket:N", title="Length"),
                alt.Tooltip("kpi_label:N", title="KPI"),
                alt.Tooltip("index:Q", title="Index", format=".0f"),
                alt.Tooltip("peers:Q", title="Videos in the group"),
            ],
        )
    )
    typical = (
        alt.Chart(pd.DataFrame({"x": [100]}))
        .mark_rule(color=INK, strokeDash=[4, 3])
        .encode(x=alt.X("x:Q", scale=scale))
    )
    return alt.layer(bars, typical).properties(
        height=22 * len(frame),
        autosize=_FIT_WIDTH,
        title=alt.Title(
            "Against the team's typical video",
            subtitle=_subtitle(
                "Each video's objective KPI over the median of its platform, objective and length bucket.", note
            ),
        ),
    )
