"""Overview: KPIs by objective with period-over-period change, trend, best and worst videos."""

import streamlit as st

from vmdash import charts, metrics, model, queries, ui

store = ui.store()
filters = ui.current_filters()
ui.page_header("Overview", store, filters)
currency = queries.currency(store, filters)

present = queries.by_objective(store, filters)
if present.empty:
    st.warning("No data matches these filters. Widen the dates or clear a filter in the sidebar.")
    st.stop()

for objective in present["objective"]:
    scoped = filters.narrowed(objectives=(objective,))
    st.subheader(objective.capitalize())
    values = queries.kpis(store, metrics.BY_OBJECTIVE[objective], scoped)
    ui.kpi_cards(values, currency, columns=len(values))

st.divider()
left, right = st.columns([3, 1])
with right:
    metric_name = st.selectbox(
        "KPI",
        [m.name for m in metrics.METRICS],
        format_func=lambda n: metrics.get(n).label,
        key="kpi",
        bind="query-params",
    )
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
        ui.chart(charts.trend(data, metric, split, currency), len(data))

focus = filters.objectives[0] if len(filters.objectives) == 1 else present["objective"].iloc[0]
primary = metrics.get(metrics.PRIMARY[focus])
st.subheader(f"Best and worst videos on {primary.label} ({focus})")
scope = filters.narrowed(objectives=(focus,))
for column, worst, title in zip(st.columns(2), (False, True), ("Top 5", "Bottom 5"), strict=True):
    ranked = queries.ranked_videos(store, primary.name, scope, limit=5, worst=worst)
    with column:
        if ranked.empty:
            st.info(f"No video in this selection reports {primary.label}.")
        else:
            ui.chart(charts.ranked_bars(ranked, primary, title, currency), len(ranked))
st.caption(model.PLATFORM_LABELS["meta"] + ": " + metrics.VIEW_DEFINITIONS["meta"])
