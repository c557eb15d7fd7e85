"""Retention: audience curves for one video or several, the typical band, key moments and hook retention."""

import streamlit as st

from vmdash import charts, links, metrics, queries, ui
from vmdash.queries import retention

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Retention", store, filters)

videos = retention.options(store, filters)
if videos.empty:
    st.warning(
        "No retention curve matches these filters. Import a retention export (YouTube Studio audience "
        f"retention, YouTube Analytics API, Wistia engagement) {ui.where_to_import()}, or clear a filter."
    )
    ui.end_page()

keys = ui.unique_labels(dict(zip(videos["key"], videos["label"], strict=True)))
left, right = st.columns([3, 1])
with right:
    # The labels are the options, so a shared link names videos readably.
    chosen_labels = st.multiselect(
        "Videos",
        list(keys),
        default=list(keys)[:1],
        max_selections=queries.MAX_OVERLAY,
        key=links.CURVES.key,
        bind="query-params",
        help="Pick several to overlay their curves.",
    )
    unit_label = st.segmented_control(
        "Position in",
        ["percent", "seconds"],
        default="percent",
        key=links.UNIT.key,
        bind="query-params",
        required=True,
    )
chosen = [keys[label] for label in chosen_labels]
unit = "pct" if unit_label == "percent" else "seconds"
if not chosen:
    st.info("Choose at least one video.")
    ui.end_page()

view = retention.load(store, filters, retention.RetentionControls(videos=tuple(chosen), unit=unit)).view
with left:
    if view.unit != unit:
        st.caption("Some chosen videos have no known length: positions stay in % of length.")
    spec = charts.retention(
        view.curves,
        view.band,
        view.moments,
        view.unit,
        note=metrics.mixed_views_note(list(view.curves["platform"])),
        band_note=view.band_note,
    )
    ui.chart(spec, view.curves, name="retention")

st.subheader("Hook and key moments")
ui.table(
    ui.formatted(
        view.hooks.drop(columns="video_key"),
        {"hook_3s": "pct", "hook_30s": "pct", "intro_drop": "pts", "end_ratio": "pct", "length_s": "seconds"},
    ).rename(
        columns={
            "video": "Video",
            "platform": "Platform",
            "length_s": "Length",
            "length_bucket": "Length bucket",
            "hook_3s": "Still watching at 3 s",
            "hook_30s": "Still watching at 30 s",
            "intro_drop": "Intro drop",
            "intro_until": "Intro ends at",
            "end_ratio": "Still watching at the end",
        }
    ),
    links=view.hooks["video_key"],
)
st.caption(
    "Still watching at 3 s and 30 s: the share of starting viewers still watching that far in. "
    "Intro drop: the audience lost in the intro, the first 30 s and at most the first 10 % of the video."
)
for title, group in view.moments.groupby("title", sort=False):
    st.markdown(f"**{ui.safe_text(title)}**")
    st.markdown("\n".join(f"- {ui.safe_text(label)}" for label in group["label"]))
st.caption(
    "Retention is each platform's own curve: YouTube counts rewatches (above 100 %), Wistia gives the share "
    "watching each second. Curves cover the period of their export, not the dates chosen in the sidebar."
)
ui.definitions([], list(videos["platform"].unique()))
