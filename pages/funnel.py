"""Funnel impact: impressions -> views -> engaged views -> clicks -> conversions, with cost per step."""

import streamlit as st

from vmdash import charts, links, metrics, queries, ui

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Funnel impact", store, filters)
currency = queries.currency(store, filters)

by = st.segmented_control(
    "Compare by",
    list(queries.FUNNEL_SPLITS),
    default="channel",
    key=links.FUNNEL_BY.key,
    bind="query-params",
    required=True,
)
frame = queries.funnel(store, filters, by)
if frame.empty:
    st.warning("No data matches these filters. Widen the dates or clear a filter in the sidebar.")
    ui.end_page()
platforms = queries.platforms_present(store, filters)
steps = queries.funnel_steps(frame)

table = queries.funnel_table(frame)
formats = {s.label: "number" for s in metrics.FUNNEL_STEPS}
formats |= {metrics.get(s.rate).label: "pct" for s in metrics.FUNNEL_STEPS if s.rate}
formats |= {metrics.get(s.cost).label: "money" for s in metrics.FUNNEL_STEPS if s.cost}
formats[metrics.get("roas").label] = "ratio"
shown = table.assign(group=[charts.series_label(by, g) for g in table["group"]])
ui.frame(ui.formatted(shown, formats, currency).rename(columns={"group": by.capitalize()}))
for rec in steps[steps["weakest"]].itertuples():
    st.markdown(
        f"**{ui.safe_text(charts.series_label(by, rec.group))}**: weakest step **{rec.step}** "
        f"({metrics.format_value(rec.rate, 'pct')}, {rec.index:.2f}× the same step for the whole selection)."
    )

note = metrics.mixed_views_note(platforms)
ui.chart(charts.funnel_rates(steps, by, note=note), steps, name="funnel_rates")
for rec in steps[steps["rate"] > 1].itertuples():
    # Not an error: the steps count different events, and a platform's 'view' can ask more of
    # a viewer than the next step does (30 s against 50 % of a short ad).
    st.caption(
        f"{ui.safe_text(charts.series_label(by, rec.group))}: **{rec.step}** is "
        f"{metrics.format_value(rec.rate, 'pct')}, above 100 %: more reached the second event than the "
        "platform counted at the first. See *What counts as a view* under Definitions."
    )
costs = queries.funnel_costs(frame)
if costs["value"].notna().any():
    ui.chart(charts.funnel_costs(costs, by, currency), costs, name="funnel_costs")
    silent = queries.unpriced_groups(costs)
    if silent:
        names = ", ".join(ui.safe_text(charts.series_label(by, g)) for g in silent)
        st.caption(f"No cost shown for {names}: no spend in their exports.")
else:
    st.info("No platform in this selection reports spend.")
roas = frame[frame["is_total"]].iloc[0]
if roas["roas"] == roas["roas"]:
    st.caption(
        f"ROAS over the selection: {metrics.get('roas').format(roas['roas'])}, from the "
        f"{roas['roas__coverage']:.0%} of spend whose platform reports conversion value."
    )
ui.definitions(
    [s.rate for s in metrics.FUNNEL_STEPS if s.rate] + [s.cost for s in metrics.FUNNEL_STEPS if s.cost] + ["roas"],
    platforms,
)
