"""Video: one video against the team's typical video; its address is a shared link (`video?video=<key>`)."""

import streamlit as st

from vmdash import charts, metrics, ui
from vmdash.queries import video

ui.through_app()
store = ui.store()
filters = ui.current_filters()
data = video.load(store, filters, video.VideoControls())

if data.video is None:
    ui.page_header("Video", store, filters)
    ui.video.video_picker(data, len(filters.videos))
    ui.end_page()

ui.page_header(ui.safe_text(data.video.title), store, filters)
ui.video.identity(data)
if data.card is not None:
    ui.plan_scorecard(data.card)

st.subheader("KPIs against your typical video")
ui.video.kpis_against_typical(data)

st.subheader("Retention")
if data.retention is None:
    st.info(
        "Not reported: no retention curve for this video. Import a retention export (YouTube Studio audience "
        f"retention, YouTube Analytics API, Wistia engagement) {ui.where_to_import()}."
    )
else:
    view = data.retention
    ui.chart(
        charts.retention(view.curves, view.band, view.moments, view.unit, band_note=view.band_note),
        view.curves,
        name="video_retention",
    )
    st.markdown("\n".join(f"- {ui.safe_text(label)}" for label in view.moments["label"]) or "No key moment found.")

primary = metrics.get(data.primary)
st.subheader("Its primary KPI over time")
if data.trend.empty:
    st.info(f"Not reported: {primary.label}, this video's primary KPI, needs measures its exports do not give.")
else:
    ui.chart(
        charts.trend(data.trend, primary, "platform", data.currency, annotations=data.annotations),
        data.trend,
        name="video_trend",
        value=primary,
        currency=data.currency,
    )

st.subheader("Funnel and cost per step")
ui.video.funnel_steps(data)

st.subheader("First days against your typical video")
ui.video.early_days(data)

st.subheader("Where its views come from")
ui.video.traffic_sources(data)

st.subheader("Every platform it ran on")
ui.table(ui.side_by_side_table(data.platforms, data.currency))
ui.definitions([*data.kpis["kpi"], primary.name], list(data.video.platforms))
