"""Test & learn: variants compared with honest statistics, lifecycle cohorts, the loop log and benchmarks."""

import streamlit as st

from vmdash import charts, links, looplog, metrics, testlearn, ui
from vmdash.queries import test_learn
from vmdash.ui import experiments as tl

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Test & learn", store, filters)

st.subheader("Compare variants")
left, right = st.columns([3, 2])
with right:
    by = st.segmented_control(
        "Compare",
        list(testlearn.VARIANT_KINDS),
        default="videos / ads",
        key=links.TEST_BY.key,
        bind="query-params",
        required=True,
    )
    kpis = test_learn.kpi_options()
    kpi = kpis[st.selectbox("Judge on", list(kpis), key=links.TEST_KPI.key, bind="query-params")]
    kind = testlearn.VARIANT_KINDS[by]
    values, labels = tl.variant_picker(store, filters, kind)
    st.caption(
        "Awareness tests are judged on hook or completion rate, acquisition on CTR, conversion on "
        "conversion rate or CPA. Intervals treat every impression (start, click) as independent: people who "
        "see an ad several times make the real uncertainty wider, so give borderline results more time."
    )
# Drawn once every control is read and the page's data loaded.
variant_area = st.container()

st.divider()
st.subheader("Lifecycle: the first 1, 7 and 28 days")
cohort_options = test_learn.cohort_options()
option = st.selectbox("Measure", list(cohort_options), key=links.COHORT_MEASURE.key, bind="query-params")
measure = cohort_options[option]
controls = test_learn.LearnControls(kind=kind, variants=tuple(values), labels=labels, kpi=kpi, cohort_measure=measure)
data = test_learn.load(store, filters, controls)
currency = data.currency

metric = metrics.get(kpi)
with left:
    if data.report is None:
        st.info("Pick two or more variants to compare; the first one picked is the baseline.")
    else:
        tl.verdicts(data.report)
        ui.chart(
            charts.variant_intervals(data.report.table, metric, currency, note=metric.caveat),
            data.report.table[["label", "value", "low", "high", "successes", "trials"]],
            name="variants",
            value=metric,
            currency=currency,
        )
with variant_area:
    if data.report is not None:
        tl.variant_table(data.report, currency)
    if data.trend is not None and not data.trend.empty:
        ui.chart(
            charts.variant_trend(data.trend, metric, list(labels.values()), currency, annotations=data.trend_marks),
            data.trend,
            name="variant_trend",
            value=metric,
            currency=currency,
        )

cohorts = data.cohorts
if cohorts.empty:
    st.info(
        f"No video in this selection has {option.lower()} by day within 28 days of its publish date. "
        "Lifecycle needs exports with dates and publish times (YouTube Studio chart data has both)."
    )
else:
    tl.lifecycle_table(cohorts, option, measure, currency)
    st.caption(
        "Each video at the same age: only rows wholly inside a window count. A window is complete when the data "
        "covers every day from publish; only complete windows get an index (100 = the median video of the same "
        "platform at that age), because a partial window is not like for like."
    )

st.divider()
st.subheader("Loop log: test → learn → amplify → optimise")
judged = data.loop_log
tl.loop_log_table(judged, data.loop_log_currency)
st.caption(
    f"Before / after: the objective's main KPI over the {looplog.WINDOW_DAYS} days before the date and the "
    f"{looplog.WINDOW_DAYS} days from it, on the rows of the videos and campaigns concerned. Entries also "
    "mark the Overview trend."
)
tl.loop_log_form(store, filters)
tl.loop_log_delete(store, judged)

st.divider()
st.subheader("Benchmarks: each video against your typical one")
bench = data.benchmarks
ranked = data.furthest
if ranked.empty:
    st.info(
        f"No group of {testlearn.MIN_PEERS} or more videos shares a platform, objective and length bucket "
        "in this selection: there is no typical video to compare with yet."
    )
else:
    ui.chart(charts.benchmark_index(ranked), ranked, name="benchmarks")
    st.caption(
        f"The {len(ranked)} videos furthest from typical, on a log scale (50 and 200 are as far from 100); "
        f"a group needs {testlearn.MIN_PEERS} videos. "
        "The KPI is each objective's own: view rate (awareness), CTR (acquisition), CPA (conversion, "
        "cheaper is better), average % viewed (loyalty)."
    )
with st.expander("Every video's benchmark", icon=":material/table:"):
    ui.frame(
        ui.video.with_links(test_learn.benchmark_table(bench), bench.get("key")),
        column_config={
            "page": ui.video.video_link_column(),
            "index": st.column_config.NumberColumn("Index", format="%.0f"),
            "volume": st.column_config.NumberColumn("Volume", format="%d"),
        },
    )
ui.definitions([*testlearn.TEST_KPIS, *dict.fromkeys(metrics.PRIMARY.values())], data.platforms)
