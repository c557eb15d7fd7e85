"""Overview: KPIs by objective with period-over-period change, trend, best and worst videos."""

import streamlit as st

from vmdash import charts, looplog, metrics, queries, ui

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
    metric_name = by_label[st.selectbox("KPI", list(by_label), key="kpi", bind="query-params")]
    split = st.segmented_control(
        "Split by",
        ["platform", "channel", "objective"],
        default="platform",
        key="split",
        bind="query-params",
        required=True,
    )
metric = metrics.get(metric_name)
with left:
    data = queries.trend(store, metric.name, filters, split=split)
    if data.empty:
        st.info(f"{metric.label} is not reported by the platforms in this selection.")
    else:
        note = metrics.views_note(metric, platforms)
        marks = looplog.annotations(store, filters)
        ui.chart(charts.trend(data, metric, split, currency, note=note, annotations=marks), data, name="trend")

objectives = list(present["objective"])
with right:
    focus = st.selectbox(
        "Rank videos for",
        objectives,
        index=0,
        key="rank_for",
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
ui.definitions([*shown, metric.name, primary.name], platforms)
