"""The Video page's pieces: the picker, its sections, and links to a video's page from lists and tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from vmdash import links, metrics, model
from vmdash.queries.video import EARLY_DAYS, TRAFFIC_EXPORT, VideoData
from vmdash.ui.common import (
    formatted,
    labels_of,
    no_links,
    safe_text,
    table,
    unique_labels,
    video_urls,
)


def _choose(label_key: str) -> None:
    # A callback runs before the next rerun draws the filter bar, so it may set the filter's value.
    st.session_state[links.VIDEO.key] = [st.session_state[label_key]]


def video_picker(data: VideoData, chosen: int) -> None:
    """With no single video chosen: say so and offer every video of the selection; a pick sets the Video filter."""
    if chosen > 1:
        st.info(f"{chosen} videos are chosen in the Video filter; this page shows one. Pick it here or in the sidebar.")
    else:
        st.info("Choose a video to see it against your typical video. The sidebar's other filters stay as they are.")
    if data.choices.empty:
        st.warning("No video matches these filters. Widen the dates or clear a filter in the sidebar.")
        return
    labels = list(unique_labels(labels_of(data.choices)))
    st.selectbox("Video", labels, index=None, key="_video_pick", on_change=_choose, args=("_video_pick",))


def identity(data: VideoData) -> None:
    """Where and when the video ran, how long it is and what it is for, in one line."""
    video = data.video
    assert video is not None
    parts = [
        ", ".join(model.platform_label(p) for p in video.platforms),
        ", ".join(model.CHANNEL_LABELS.get(c, c) for c in video.channels),
        f"published {video.published:%Y-%m-%d}" if video.published else "publish date not reported",
        f"length {metrics.format_value(video.length_s, 'seconds')}" if video.length_s else "length not reported",
        f"objective: {video.objective}",
    ]
    if video.first_day:
        parts.append(f"in the data {video.first_day:%Y-%m-%d} to {video.last_day:%Y-%m-%d}")
    else:
        parts.append("lifetime totals, no dates")
    st.markdown(" · ".join(safe_text(p) for p in parts))


def kpis_against_typical(data: VideoData) -> None:
    """One card per KPI of the video's objective: its value, and how far it is from the typical video's."""
    assert data.kpis is not None
    st.caption(f"Typical: {safe_text(data.peers)}, each video's own ratio of sums.")
    per_row = 4  # as the Overview's cards: six to a row cut "not reported" to "not r…"
    for i, row in enumerate(data.kpis.itertuples()):
        if i % per_row == 0:
            # A row at a time: on a phone, where columns stack, the cards keep their order.
            cols = st.columns(per_row)
        col = cols[i % per_row]
        m = metrics.get(row.kpi)
        value = None if pd.isna(row.value) else float(row.value)
        typical = None if pd.isna(row.typical) else float(row.typical)
        delta = None
        if value is not None and typical:
            delta = f"{(value - typical) / abs(typical):+.0%} vs typical"
        with col:
            st.metric(
                m.label,
                m.format(value, data.currency),
                delta=delta,
                delta_color="normal" if m.higher_is_better else "inverse",
                help=f"{m.help()} Typical: {m.format(typical, data.currency)} over {row.peers} video(s).",
                border=True,
            )


def early_days(data: VideoData) -> None:
    """Views in the first days beside the typical video's, or why they cannot be compared."""
    assert data.early is not None
    if data.early["video"].isna().all():
        st.info(
            "Not reported: the first days need the video's publish date and daily rows from that day on; "
            "this video's exports give no publish date, period totals only, or too few days yet."
        )
        return
    windows = data.early.assign(
        window=[("First day" if d == 1 else f"First {d} days") for d in EARLY_DAYS],
    )[["window", "video", "typical", "peers"]]
    table(
        formatted(windows, {"video": "number", "typical": "number"}).rename(
            columns={
                "window": "Views in",
                "video": "This video",
                "typical": "Typical video",
                "peers": "Videos compared",
            }
        )
    )
    st.caption("Videos compared: the peers whose data covers the whole window.")


def funnel_steps(data: VideoData) -> None:
    """The video's funnel step by step: volume, rate from the step before and cost per step."""
    assert data.steps is not None
    steps = data.steps
    if steps.empty or steps["volume"].isna().all():
        st.info("Not reported: this video's exports give no funnel measure.")
        return
    rows = pd.DataFrame(
        {
            "step": steps["step"],
            "volume": [metrics.format_value(v, "number") for v in steps["volume"]],
            # A step without a rate or a cost (the first has no step before it) leaves its cell empty.
            "rate": [
                metrics.get(k).format(v) if isinstance(k, str) else ""
                for k, v in zip(steps["rate_kpi"], steps["rate"], strict=True)
            ],
            "cost": [
                f"{metrics.get(k).label}: {metrics.get(k).format(v, data.currency)}" if isinstance(k, str) else ""
                for k, v in zip(steps["cost_kpi"], steps["cost"], strict=True)
            ],
        }
    )
    table(rows.rename(columns={"step": "Step", "volume": "Volume", "rate": "Rate", "cost": "Cost"}))
    st.caption("Rate: this step over the step before it. Cost: spend per unit of this step.")


def traffic_sources(data: VideoData) -> None:
    """Where the video's views came from, or which export gives it."""
    assert data.sources is not None
    if data.sources.empty:
        st.info(f"Not reported for this video: traffic sources come from {TRAFFIC_EXPORT}.")
        return
    table(
        formatted(data.sources, {"views": "number", "watch_time_s": "seconds", "share": "pct"}).rename(
            columns={
                "traffic_source": "Source",
                "views": "Views",
                "watch_time_s": "Watch time",
                "share": "Share of views",
            }
        )
    )


def ranked_links(ranked: pd.DataFrame) -> None:
    """Under a ranked chart: each video's name as a link to its page (rows without a video key stay plain)."""
    lines = []
    urls = video_urls(ranked["key"] if "key" in ranked else [None] * len(ranked))
    for row, url in zip(ranked.itertuples(), urls, strict=True):
        name = no_links(f"{safe_text(row.video)} · {model.platform_label(row.platform)}")
        lines.append(f"1. [{name}]({url})" if url else f"1. {name}")
    if lines:
        st.markdown("\n".join(lines))


def video_link_column(label: str = "Page") -> ColumnConfig:
    """A table column of links to each row's video page (the column holds ui.video_url values)."""
    return st.column_config.LinkColumn(label, display_text=":material/open_in_new:", help="Open the video's page.")


def with_links(table: pd.DataFrame, keys: pd.Series | None, column: str = "page") -> pd.DataFrame:
    """The table with a first column of links to each row's video page (None where a row has no video key)."""
    urls = video_urls(keys) if keys is not None else [None] * len(table)
    return table.reset_index(drop=True).assign(**{column: urls})[[column, *table.columns]]
