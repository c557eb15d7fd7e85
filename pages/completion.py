"""Completion: the quartile funnel by channel, platform, format and length, and completion against length."""

import streamlit as st

from vmdash import charts, links, metrics, model, queries, ui
from vmdash.queries import completion

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Completion", store, filters)

left, right = st.columns(2)
by = left.segmented_control(
    "Compare by",
    list(queries.COMPLETION_SPLITS),
    default="platform",
    key=links.COMPLETION_BY.key,
    bind="query-params",
    required=True,
)
bases = {"plays started": "video_starts", "impressions": "impressions"}
base_label = right.segmented_control(
    "Share of",
    list(bases),
    default="plays started",
    key=links.BASE.key,
    bind="query-params",
    required=True,
    help="Meta and Google Ads report no starts: compare per impression to include them.",
)
base = bases[base_label]

data = completion.load(store, filters, completion.CompletionControls(by=by, base=base))
if data.funnel.empty:
    st.warning(f"No row in this selection reports {'plays started' if base == 'video_starts' else 'impressions'}.")
    ui.end_page()
step_kpis = list(data.step_kpis)
if data.unbased:
    names = ", ".join(model.platform_label(p) for p in data.unbased)
    hint = " Share of impressions includes them." if base == "video_starts" else ""
    st.caption(f"Left out: {names}, which report no {base_label}.{hint}")
ui.chart(
    charts.quartile_funnel(data.funnel, by, note=metrics.get(step_kpis[-1]).caveat), data.funnel, name="quartile_funnel"
)
table = data.table.assign(group=lambda d: [charts.series_label(by, g) for g in d["group"]])
ui.table(
    ui.formatted(table, {c: "pct" for c in table.columns if c != "group"}).rename(
        columns={"group": charts.legend_label(by)}
    )
)
if by == "format":
    st.caption(
        "Format comes from tokens in ad and video names: 9x16, 4x5 and Shorts are vertical, 1x1 square, 16x9 horizontal."
    )
if by == "length":
    st.caption("Length is the export's duration, else a length token in the ad or campaign name (e.g. “Bumper 6s”).")

st.subheader("Completion rate against video length")
videos = data.videos
if videos.empty:
    st.info("No video in this selection reports both its starts and its completions with a known length.")
else:
    ui.chart(charts.completion_vs_length(videos), videos, name="completion_vs_length")
    total = int(videos["videos_total"].iloc[0])
    shown = f"the {len(videos)} most-started of {total} videos" if total > len(videos) else f"{total} videos"
    st.caption(f"Showing {shown} that report starts, completions and a length.")
ui.definitions([*step_kpis, "completion_rate"], data.platforms)
