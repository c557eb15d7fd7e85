"""Funnel impact: impressions -> views -> half-watched plays -> clicks -> conversions, with cost per step."""

import streamlit as st

from vmdash import charts, links, metrics, queries, ui
from vmdash.queries import funnel_impact

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Funnel impact", store, filters)

by = st.segmented_control(
    "Compare by",
    list(queries.FUNNEL_SPLITS),
    default="channel",
    key=links.FUNNEL_BY.key,
    bind="query-params",
    required=True,
)
data = funnel_impact.load(store, filters, funnel_impact.FunnelControls(by=by))
if data.frame.empty:
    st.warning("No data matches these filters. Widen the dates or clear a filter in the sidebar.")
    ui.end_page()
currency = data.currency

formats = {s.label: "number" for s in metrics.FUNNEL_STEPS}
formats |= {metrics.get(s.rate).label: "pct" for s in metrics.FUNNEL_STEPS if s.rate}
formats |= {metrics.get(s.cost).label: "money" for s in metrics.FUNNEL_STEPS if s.cost}
formats[metrics.get("roas").label] = "ratio"
shown = data.table.assign(group=[charts.series_label(by, g) for g in data.table["group"]])
ui.table(ui.formatted(shown, formats, currency, data.undefined).rename(columns={"group": by.capitalize()}))
for rec in data.weakest.itertuples():
    st.markdown(
        f"**{ui.safe_text(charts.series_label(by, rec.group))}**: weakest step **{rec.step}** "
        f"({metrics.format_value(rec.rate, 'pct')}, {rec.index:.2f}× the same step for the whole selection)."
    )

note = metrics.mixed_views_note(data.platforms)
ui.chart(charts.funnel_rates(data.steps, by, note=note), data.steps, name="funnel_rates")
for rec in data.above_one.itertuples():
    # Not an error: the steps count different events, and a platform's 'view' can ask more of
    # a viewer than the next step does (30 s against 50 % of a short ad).
    st.caption(
        f"{ui.safe_text(charts.series_label(by, rec.group))}: **{rec.step}** is "
        f"{metrics.format_value(rec.rate, 'pct')}, above 100 %: more reached the second event than the "
        "platform counted at the first. See *What counts as a view* under Definitions."
    )
if data.priced:
    ui.chart(
        charts.funnel_costs(data.costs, by, currency),
        data.costs,
        name="funnel_costs",
        value=("Cost", "money"),
        currency=currency,
    )
    if data.unpriced:
        names = ", ".join(ui.safe_text(charts.series_label(by, g)) for g in data.unpriced)
        st.caption(f"No cost shown for {names}: no spend in their exports.")
else:
    st.info("No platform in this selection reports spend.")
if data.roas is not None:
    st.caption(
        f"ROAS over the selection: {metrics.get('roas').format(data.roas)}, from the "
        f"{data.roas_coverage:.0%} of spend whose platform reports conversion value."
    )
ui.definitions(
    [s.rate for s in metrics.FUNNEL_STEPS if s.rate] + [s.cost for s in metrics.FUNNEL_STEPS if s.cost] + ["roas"],
    data.platforms,
)
