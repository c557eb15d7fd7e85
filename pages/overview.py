"""Overview: KPIs by objective with period-over-period change, trend, best and worst videos."""

import streamlit as st

from vmdash import charts, links, looplog, metrics, queries, ui

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Overview", store, filters)
currency = queries.currency(store, filters)

present = queries.by_objective(store, filters)
if present.empty:
    st.warning("No data matches these filters. Widen the dates or clear a filter in the sidebar.")
    ui.end_page()
platforms = queries.platforms_present(store, filters)
ui.account_overlap_note(store, filters)
if filters.shifted_back() is None:
    st.caption("Choose a date range in the sidebar to compare each KPI with the period before it.")

shown: list[str] = []
cards = queries.objective_kpis(store, tuple(present["objective"]), filters)
for objective, values in cards.items():
    st.subheader(objective.capitalize())
    ui.kpi_cards(values, currency, columns=len(values))
    shown.extend(values)

st.divider()
left, right = st.columns([3, 1])
with right:
    # Bound widgets show their options as they are: the URL then carries those readable words.
    by_label = {m.label: m.name for m in metrics.METRICS}
    metric_name = by_label[st.selectbox("KPI", list(by_label), key=links.KPI.key, bind="query-params")]
    # Read as words in the URL; "platform and channel" sets organic and paid Facebook apart.
    splits = {charts.legend_label(s).lower(): s for s in queries.TREND_SPLITS}
    split = splits[st.selectbox("Split by", list(splits), key=links.SPLIT.key, bind="query-params")]
metric = metrics.get(metric_name)
with left:
    data = queries.trend(store, metric.name, filters, split=split)
    if data.empty:
        st.info(f"{metric.label} is not reported by the platforms in this selection.")
    else:
        note = metrics.views_note(metric, platforms)
        marks = looplog.annotations(store, filters)
        ui.chart(charts.trend(data, metric, split, currency, note=note, annotations=marks), data, name="trend")

side_by_side = queries.channels_side_by_side(store, filters)
if not side_by_side.empty:
    st.subheader("Organic and paid, platform by platform")
    st.caption(
        "Platforms this selection reaches through more than one channel, each channel on its own row. "
        "A platform's “view” is the same on both rows; rates count only rows reporting both of their sides."
    )
    ui.frame(ui.side_by_side_table(side_by_side, currency))

objectives = list(present["objective"])
with right:
    focus = st.selectbox(
        "Rank videos for",
        objectives,
        index=0,
        key=links.RANK_FOR.key,
        bind="query-params",
        help="Objective whose main KPI ranks the videos.",
    )
primary = metrics.get(metrics.PRIMARY[focus])
st.subheader(f"Best and worst videos on {primary.label} ({focus})")
scope = filters.narrowed(objectives=(focus,))
for column, worst, title in zip(st.columns(2), (False, True), ("Top 5", "Bottom 5"), strict=True):
    ranked = queries.ranked_videos(store, primary.name, scope, limit=5, worst=worst)
    with column:
        if ranked.empty:
            st.info(f"No video in this selection reports {primary.label}.")
        else:
            ui.chart(
                charts.ranked_bars(ranked, primary, title, currency),
                ranked,
                name=f"ranked_{'bottom' if worst else 'top'}",
            )
side_kpis = queries.SIDE_BY_SIDE_KPIS if not side_by_side.empty else ()
ui.definitions([*shown, metric.name, primary.name, *side_kpis], platforms)
