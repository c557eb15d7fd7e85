"""Altair chart builders from tidy frames with canonical names; no data access here."""

from __future__ import annotations

import altair as alt
import pandas as pd

from vmdash import metrics, model

# One colour per platform and per channel, the same on every page.
PLATFORM_COLORS = {
    "youtube": "#d62728",
    "facebook": "#1f77b4",
    "instagram": "#e377c2",
    "meta": "#17becf",
    "tiktok": "#2b2b2b",
    "linkedin": "#0a66c2",
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
_PALETTES = {"platform": PLATFORM_COLORS, "channel": CHANNEL_COLORS, "objective": OBJECTIVE_COLORS}

_AXIS_FORMAT = {"pct": ".1~%", "money": ",.2f", "seconds": ",.0f", "ratio": ".2f", "number": "~s"}
_TOOLTIP_FORMAT = {"pct": ".1%", "money": ",.2f", "seconds": ",.1f", "ratio": ".2f", "number": ",.0f"}


def color_scale(split: str, present: list[str]) -> alt.Scale:
    """A colour scale that gives each platform / channel / objective its fixed colour."""
    palette = _PALETTES[split]
    domain = [v for v in palette if v in present] or list(palette)
    return alt.Scale(domain=domain, range=[palette[v] for v in domain])


def legend_label(split: str) -> str:
    """Legend title for a split."""
    return split.capitalize()


def metric_axis_title(metric: metrics.Metric, currency: str | None = None) -> str:
    """Axis title with the unit."""
    unit = {"pct": "%", "money": currency or "money", "seconds": "seconds", "ratio": "×"}.get(metric.fmt)
    return f"{metric.label} ({unit})" if unit else metric.label


def trend(
    data: pd.DataFrame, metric: metrics.Metric, split: str = "platform", currency: str | None = None
) -> alt.Chart:
    """A KPI over time, one line per platform / channel / objective."""
    present = sorted(data[split].dropna().unique().tolist()) if not data.empty else []
    labels = model.PLATFORM_LABELS if split == "platform" else {}
    frame = data.assign(series=data[split].map(lambda v: labels.get(v, v)) if not data.empty else [])
    scale = color_scale(split, present)
    scale = alt.Scale(domain=[labels.get(v, v) for v in scale.domain], range=scale.range)
    return (
        alt.Chart(frame, title=alt.Title(f"{metric.label} over time", subtitle=metric.help()))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("period:T", title="Period"),
            y=alt.Y(
                "value:Q", title=metric_axis_title(metric, currency), axis=alt.Axis(format=_AXIS_FORMAT[metric.fmt])
            ),
            color=alt.Color("series:N", title=legend_label(split), scale=scale),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("series:N", title=legend_label(split)),
                alt.Tooltip("value:Q", title=metric.label, format=_TOOLTIP_FORMAT[metric.fmt]),
                alt.Tooltip("volume:Q", title=f"{metric.denominator[0].replace('_', ' ')}", format=",.0f"),
            ],
        )
        .properties(height=320)
    )


def ranked_bars(data: pd.DataFrame, metric: metrics.Metric, title: str, currency: str | None = None) -> alt.Chart:
    """Horizontal bars of videos ranked by a KPI, coloured by platform."""
    present = sorted(data["platform"].dropna().unique().tolist()) if not data.empty else []
    # The same creative often runs on several placements: label each bar with its platform.
    data = data.assign(
        label=data["video"].astype(str) + " · " + data["platform"].map(lambda p: model.PLATFORM_LABELS.get(p, p))
    )
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(
                "value:Q", title=metric_axis_title(metric, currency), axis=alt.Axis(format=_AXIS_FORMAT[metric.fmt])
            ),
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("platform:N", title="Platform", scale=color_scale("platform", present)),
            tooltip=[
                alt.Tooltip("video:N", title="Video"),
                alt.Tooltip("platform:N", title="Platform"),
                alt.Tooltip("value:Q", title=metric.label, format=_TOOLTIP_FORMAT[metric.fmt]),
                alt.Tooltip("volume:Q", title="Volume", format=",.0f"),
            ],
        )
        .properties(height=max(120, 28 * len(data)))
    )
