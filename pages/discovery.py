"""Discovery: where views come from (search, suggested, browse, external, direct), with search share, by video and over time."""

import streamlit as st

from vmdash import charts, discovery_charts, ui
from vmdash.queries import discovery

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Discovery", store, filters)

data = discovery.load(store, filters, discovery.DiscoveryControls())
if data.sources.empty:
    st.info(
        "No row in this selection names a traffic source. Views by source come from YouTube Studio's "
        f"Traffic source export ({discovery.SOURCE_EXPORT}); import it on Upload & data, "
        "or widen the filters in the sidebar."
    )
    ui.end_page()

ui.kpi_cards({"search_share": data.search_share}, columns=3)
ui.chart(discovery_charts.views_by_source(data.sources), data.sources, name="views_by_source")
if data.trend.empty:
    st.caption("No dated row names a traffic source: export the Traffic source tab's chart data to see it over time.")
else:
    ui.chart(discovery_charts.sources_over_time(data.trend, data.sources), data.trend, name="sources_over_time")

st.subheader("By video")
sourced = [c for c in data.table.columns if c not in ("video", "platform", "views", "search_share")]
shown = ui.formatted(data.table, {"views": "number", "search_share": "pct"} | {c: "number" for c in sourced})
ui.frame(
    shown.assign(platform=[charts.series_label("platform", p) for p in data.table["platform"]]).rename(
        columns={
            "video": "Video",
            "platform": "Platform",
            "views": "Views with a source",
            "search_share": "Search share",
        }
    )
)
if data.videos_total > len(data.table):
    st.caption(f"The {len(data.table)} most-viewed of {data.videos_total} videos.")
ui.definitions(["search_share"], data.platforms)
