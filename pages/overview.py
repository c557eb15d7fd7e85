"""Overview: headline volumes, KPIs by objective with the change on the comparison period, trend, best and worst videos."""

import streamlit as st

from vmdash import charts, links, metrics, queries, ui
from vmdash.queries import overview

ui.through_app()
store = ui.store()
filters = ui.current_filters()
holds_data = ui.page_header("Overview", store, filters)

objectives = list(overview.options(store, filters))
if not objectives:
    if holds_data:
        st.warning("No data matches these filters. Widen the dates or clear a filter in the sidebar.")
    ui.end_page()
# The overlap note and the cards sit above the controls but are drawn once the controls are read.
notes = st.container()
if not filters.has_dates:
    st.caption("Choose a period in the sidebar to see each volume and KPI change against the comparison period.")
volumes = st.container()
cards = st.container()

st.divider()
left, right = st.columns([3, 1])
with right:
    # Bound widgets show their options as they are: the URL then carries those readable words.
    by_label = {m.label: m.name for m in metrics.METRICS}
    metric_name = by_label[st.selectbox("KPI", list(by_label), key=links.KPI.key, bind="query-params")]
    # Read as words in the URL; "platform and channel" sets organic and paid Facebook apart.
    splits = {charts.legend_label(s).lower(): s for s in queries.TREND_SPLITS}
    split = splits[st.selectbox("Split by", list(splits), key=links.SPLIT.key, bind="query-params")]
    focus = st.selectbox(
        "Rank videos for",
        objectives,
        index=0,
        key=links.RANK_FOR.key,
        bind="query-params",
        help="Objective whose main KPI ranks the videos.",
    )
controls = overview.OverviewControls(kpi=metric_name, split=split, rank_for=focus, compare=ui.current_comparison())
data = overview.load(store, filters, controls)

with notes:
    ui.account_overlap_note(data.account_overlap)
with volumes:
    st.subheader("Volumes")
    ui.volume_cards(data.volumes, data.platforms, data.currency, versus=data.versus)
shown: list[str] = []
with cards:
    for objective, values in data.cards.items():
        st.subheader(objective.capitalize())
        ui.kpi_cards(values, data.currency, columns=4, versus=data.versus)
        shown.extend(values)

st.subheader("Channels")
st.caption(
    "Each channel of the marketing plan, the platforms and exports feeding it in this selection, and what is missing."
)
ui.channel_coverage(data.coverage)

metric = metrics.get(metric_name)
with left:
    if data.trend.empty:
        st.info(f"{metric.label} is not reported by the platforms in this selection.")
    else:
        note = metrics.views_note(metric, data.platforms)
        ui.chart(
            charts.trend(data.trend, metric, split, data.currency, note=note, annotations=data.annotations),
            data.trend,
            name="trend",
            value=metric,
            currency=data.currency,
        )

if not data.side_by_side.empty:
    st.subheader("Organic and paid, platform by platform")
    st.caption(
        "Platforms this selection reaches through more than one channel, each channel on its own row. "
        "A platform's “view” is the same on both rows; rates count only rows reporting both of their sides."
    )
    ui.table(ui.side_by_side_table(data.side_by_side, data.currency))

primary = metrics.get(data.primary)
st.subheader(f"Best and worst videos on {primary.label} ({data.focus})")
# One scale for both: a bar of the same length is the same value in either chart.
ranked_domain = charts.shared_domain(data.top, data.bottom)
for column, ranked, worst, title in zip(
    st.columns(2), (data.top, data.bottom), (False, True), ("Top 5", "Bottom 5"), strict=True
):
    with column:
        if ranked.empty:
            st.info(f"No video in this selection reports {primary.label}.")
        else:
            ui.chart(
                charts.ranked_bars(ranked, primary, title, data.currency, domain=ranked_domain),
                ranked,
                name=f"ranked_{'bottom' if worst else 'top'}",
                value=primary,
                currency=data.currency,
            )
            ui.video.ranked_links(ranked)
side_kpis = queries.SIDE_BY_SIDE_KPIS if not data.side_by_side.empty else ()
ui.definitions([*shown, metric.name, primary.name, *side_kpis], data.platforms)
