"""Common Streamlit pieces: the store, the sample-data note, the filter bar, KPI cards.

The only vmdash module that imports streamlit; pages call these and vmdash's
query functions, and hold no SQL.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from vmdash import demo, model, queries
from vmdash.filters import FilterState
from vmdash.ingest.pipeline import file_hash
from vmdash.queries import KpiValue
from vmdash.store import Store, default_db_path


@st.cache_resource(show_spinner=False)
def _shared_store(path: str) -> Store:
    # One Store per process: it serialises sessions' queries on one connection under a
    # lock and lets go of the file when idle, so the CLI can import while the app runs.
    return Store(path, idle_release_s=1.0)


def store() -> Store:
    """The process-wide store for the configured database."""
    return _shared_store(str(default_db_path()))


def ensure_data(s: Store) -> None:
    """On a fresh machine, load the bundled sample exports once."""
    if queries.is_empty(s):
        with st.spinner("First start: loading the bundled sample exports…"):
            demo.load_samples(s)


@st.cache_data(show_spinner=False, max_entries=4)
def _sample_hashes() -> frozenset[str]:
    with tempfile.TemporaryDirectory() as tmp:
        return frozenset(file_hash(u.path) for u in demo.sample_uploads(Path(tmp)))


def sample_note(s: Store) -> None:
    """Say so when everything shown comes from the bundled sample exports."""
    active = queries.active_hashes(s)
    if active and active <= _sample_hashes():
        st.info(
            "You are looking at the **bundled sample data** (Maison Lumière, Q1 2026: YouTube, Meta, "
            "TikTok, LinkedIn, Google Ads, Vimeo and Wistia exports). Upload your own exports on "
            "**Upload & data**.",
            icon=":material/info:",
        )


def filter_bar(s: Store) -> FilterState:
    """The global filters in the sidebar, bound to the URL so a copied link reproduces them."""
    span = queries.date_span(s)
    with st.sidebar:
        st.header("Filters")
        dates = None
        if span[0] is not None:
            dates = st.date_input(
                "Dates",
                value=(span[0], span[1]),
                min_value=span[0] - dt.timedelta(days=366),
                max_value=span[1] + dt.timedelta(days=366),
                key="dates",
                bind="query-params",
                help="Rows whose reporting period overlaps these dates.",
            )
        channels = st.multiselect("Channel", model.CHANNELS, key="channel", bind="query-params")
        # No format_func: a bound widget puts the formatted label, not the value, in the URL.
        platforms = st.multiselect("Platform", model.PLATFORMS, key="platform", bind="query-params")
        objectives = st.multiselect("Objective", model.OBJECTIVES, key="objective", bind="query-params")
        campaigns = st.multiselect("Campaign", queries.choices(s, "campaign"), key="campaign", bind="query-params")
    date_from, date_to = _date_range(dates)
    return FilterState(
        date_from=date_from,
        date_to=date_to,
        channels=tuple(channels),
        platforms=tuple(platforms),
        objectives=tuple(objectives),
        campaigns=tuple(campaigns),
    )


def _date_range(value: object) -> tuple[dt.date | None, dt.date | None]:
    if isinstance(value, (tuple, list)):
        if len(value) == 2:
            return value[0], value[1]
        if len(value) == 1:
            return value[0], value[0]
        return None, None
    if isinstance(value, dt.date):
        return value, value
    return None, None


def kpi_cards(values: dict[str, KpiValue], currency: str | None = None, columns: int = 5) -> None:
    """A row of KPI cards: value, change on the previous period, definition and coverage."""
    cols = st.columns(columns)
    for i, kv in enumerate(values.values()):
        m = kv.metric
        help_text = m.help()
        if kv.coverage is not None and kv.coverage < 0.999:
            help_text += f" Based on {kv.coverage:.0%} of the data: the rest does not report {m.numerator}."
        delta = None
        if kv.change is not None:
            delta = f"{kv.change:+.1%} vs previous period"
        with cols[i % columns]:
            st.metric(
                m.label,
                m.format(kv.value, currency),
                delta=delta,
                delta_color="normal" if m.higher_is_better else "inverse",
                help=help_text,
                border=True,
            )


def chart(spec: alt.TopLevelMixin, data_rows: int) -> None:
    """Show an Altair chart (its data already aggregated in DuckDB, bounded to 5,000 rows)."""
    if data_rows > queries.MAX_CHART_POINTS:
        raise ValueError(f"chart data has {data_rows} rows; aggregate it to at most {queries.MAX_CHART_POINTS}")
    st.altair_chart(spec, width="stretch")


def safe_text(value: object) -> str:
    """Text from data (titles, campaign names) escaped for Markdown and HTML."""
    return html.escape(str(value)).replace("*", "\\*").replace("_", "\\_")


def frame(df: pd.DataFrame, **kwargs: object) -> None:
    """A read-only table; Streamlit renders cell text inert (no HTML)."""
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


def set_filters(filters: FilterState) -> None:
    """Hand the filter bar's state to the page being shown."""
    st.session_state["_filters"] = filters


def current_filters() -> FilterState:
    """The filters chosen in the sidebar for this rerun."""
    return st.session_state.get("_filters", FilterState())


def page_header(title: str, s: Store, filters: FilterState) -> None:
    """Page title, the sample-data note and what the filters select."""
    st.title(title)
    sample_note(s)
    latest = queries.latest_import(s)
    as_of = f" · data as of import #{latest[0]}, {latest[1]:%Y-%m-%d %H:%M}" if latest else ""
    st.caption(safe_text(filters.sentence()) + as_of)
