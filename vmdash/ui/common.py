"""Common Streamlit pieces: the store, the sample-data note, the filter bar, KPI cards, error messages.

The only vmdash module that imports streamlit; pages call these and vmdash's
query functions, and hold no SQL.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd
import streamlit as st
from streamlit import dataframe_util
from streamlit.elements.vega_charts import _altair_globals_lock

from vmdash import charts, demo, export, links, metrics, model, periods, queries, roles, share
from vmdash import saved_views as views
from vmdash.errors import DatabaseBusy, StoreUnreachable, VmdashError
from vmdash.filters import FILTERS, FilterState, ListFilter
from vmdash.ingest.pipeline import file_hash
from vmdash.numbers import float_or_none
from vmdash.queries import KpiValue
from vmdash.store import Store, default_db_path

# Streamlit switches Altair's process-wide settings under this lock (a private name of
# Streamlit's, checked by tests/unit/test_chart_threads.py): the page's own conversions
# (charts.page_spec), row counts and exports take it too.
charts.share_altair_lock(_altair_globals_lock)


# How long a query waits for a database file another process holds (a command-line import)
# before the page says so, and how often that page then checks whether the file is free.
BUSY_WAIT_S = 5.0
BUSY_RETRY_S = 3.0
_BUSY_SHOWN = "_vmdash_busy_shown"
BUSY_TEXT = (
    "The database is busy: another vmdash process (an import from the command line?) is writing to it. "
    "This page loads by itself as soon as it is free; nothing you asked for was written."
)
UNREACHABLE_TEXT = (
    "The data store is unreachable (its catalog server is down or cannot be reached); retrying. "
    "This page loads by itself as soon as it answers; nothing you asked for was written."
)


class _AppStore(Store):
    """The app's Store: a locked file or an unreachable lake shows a retrying message, never an exception box."""

    _busy_seen = 0.0  # when a query last found the file locked (monotonic seconds)
    _down_seen = 0.0  # when a query last found the lake's catalog unreachable

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the connection; when the file stays locked or the lake cannot be reached, end the page with the retrying message."""
        # Found so a moment ago: say so at once rather than wait again.
        if time.monotonic() - self._busy_seen < BUSY_RETRY_S:
            _wait_page(self, BUSY_TEXT)
        if time.monotonic() - self._down_seen < BUSY_RETRY_S:
            _wait_page(self, UNREACHABLE_TEXT)
        try:
            with super().connect() as con:
                yield con
        except DatabaseBusy:
            self._busy_seen = time.monotonic()
            _wait_page(self, BUSY_TEXT)
        except StoreUnreachable:
            self._down_seen = time.monotonic()
            _wait_page(self, UNREACHABLE_TEXT)

    def free(self) -> bool:
        """True when the store answers again (waits up to the busy timeout for a locked file)."""
        try:
            self.ping()
        except DatabaseBusy:
            self._busy_seen = time.monotonic()
            return False
        except StoreUnreachable:
            self._down_seen = time.monotonic()
            return False
        self._busy_seen = self._down_seen = 0.0
        return True


def _wait_page(s: _AppStore, text: str) -> None:
    if not st.session_state.get(_BUSY_SHOWN):
        st.session_state[_BUSY_SHOWN] = True
        st.warning(text, icon=":material/hourglass_top:")
        _wait_for_database(s, "busy" if text == BUSY_TEXT else "unreachable")
    st.stop()


@st.fragment(run_every=BUSY_RETRY_S)
def _wait_for_database(s: _AppStore, state: str) -> None:
    # Drawn with the message just after a failed attempt: only the timed reruns look again.
    if time.monotonic() - max(s._busy_seen, s._down_seen) > 1.0 and s.free():
        st.rerun(scope="app")
    st.caption(f"Still {state} at {dt.datetime.now():%H:%M:%S}; checking again every {BUSY_RETRY_S:.0f} s.")


@st.cache_resource(show_spinner=False)
def _shared_store(path: str) -> Store:
    # One Store per process: it serialises sessions' queries on one connection under a
    # lock and lets go of the file when idle, so the CLI can import while the app runs.
    return _AppStore(path, idle_release_s=1.0, busy_timeout_s=BUSY_WAIT_S)


def store() -> Store:
    """The process-wide store for the configured database."""
    # Called first by app.py and by each page, before any query of this run.
    st.session_state[_BUSY_SHOWN] = False
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


def _where_to_import() -> str:
    # Imported here: vmdash.ui.access imports this module for safe_text.
    from vmdash.ui.access import where_to_import

    return where_to_import()


def sample_note(s: Store) -> None:
    """Say so when everything shown comes from the bundled sample exports."""
    active = queries.active_hashes(s)
    if active and active <= _sample_hashes():
        st.info(
            "You are looking at the **bundled sample data** (Maison Lumière, Q1 2026: YouTube, Meta ads "
            "and organic posts, TikTok ads and organic videos, LinkedIn, Google Ads, Vimeo and Wistia exports). "
            f"Your own exports replace it {_where_to_import()}.",
            icon=":material/info:",
        )


def filter_bar(s: Store) -> FilterState:
    """The global filters in the sidebar, one per filters.FILTERS entry, bound to the URL so a copied link reproduces them.

    The period is a preset word (`?period=last-28-days`) resolved against today on every run,
    or "custom": the date picker's range (`?dates=`).
    """
    span = queries.date_span(s)
    chosen: dict[str, tuple[str, ...]] = {}
    with st.sidebar:
        st.header("Filters")
        period = st.selectbox(
            "Period",
            periods.PERIODS,
            index=periods.PERIODS.index(periods.DEFAULT_PERIOD),
            key=links.PERIOD.key,
            bind="query-params",
            help=periods.PERIOD_HELP,
        )
        preset = periods.resolve(period, periods.today())
        dates: object = None
        if preset is not None:
            dates = preset
            st.caption(periods.span_label(*preset))
        elif period == periods.CUSTOM and span[0] is not None and span[1] is not None:
            # (both or neither: min and max of one column)
            _fix_link_dates((span[0], span[1]))
            _follow_the_data((span[0], span[1]))
            dates = st.date_input(
                "Dates",
                value=(span[0], span[1]),
                min_value=span[0] - dt.timedelta(days=366),
                max_value=span[1] + dt.timedelta(days=366),
                key=links.DATES.key,
                bind="query-params",
                help="Rows whose reporting period overlaps these dates.",
            )
            _outside_note(dates)
        st.selectbox(
            "Compare with",
            periods.COMPARISONS,
            index=periods.COMPARISONS.index(periods.DEFAULT_COMPARISON),
            key=links.COMPARE.key,
            bind="query-params",
            help=periods.COMPARE_HELP,
        )
        all_options = {flt.param: _filter_options(s, flt) for flt in FILTERS}
        _link_values_to_labels(all_options)
        for flt in FILTERS:
            options = all_options[flt.param]
            # No format_func: a bound widget puts the formatted label, not the value, in the URL;
            # the options are the labels, so the URL carries readable words.
            picked = st.multiselect(
                flt.label.capitalize(), list(options), key=flt.param, bind="query-params", help=flt.help or None
            )
            chosen[flt.key] = tuple(options[label] for label in picked)
            if flt.param == links.VIDEO.key and len(picked) == 1:
                st.markdown(f"[Open this video's page]({video_url(options[picked[0]])})")
    date_from, date_to = _date_range(dates)
    if preset is None and (date_from, date_to) == span:
        # The whole span means "all dates": rows without dates (lifetime totals) stay in.
        date_from = date_to = None
    return FilterState(date_from=date_from, date_to=date_to, **chosen)


def current_period() -> str:
    """The period word chosen in the filter bar (periods.PERIODS)."""
    return str(st.session_state.get(links.PERIOD.key) or periods.DEFAULT_PERIOD)


def current_comparison() -> str:
    """The comparison word chosen in the filter bar (periods.COMPARISONS)."""
    return str(st.session_state.get(links.COMPARE.key) or periods.DEFAULT_COMPARISON)


def empty_period_note(s: Store, filters: FilterState) -> bool:
    """When the chosen dates hold no data but other dates do, say so with the latest data's date; True if said."""
    # Rows per objective come from the rollup's day sums (and the Overview asks them anyway):
    # cheaper than the dates of the facts, on every page with a period chosen.
    if not filters.has_dates or not queries.by_objective(s, filters).empty:
        return False
    first, latest = queries.date_span(s, filters.without("date_from", "date_to"))
    if latest is None or first is None:
        return False
    chosen = periods.span_label(filters.date_from or first, filters.date_to or latest)
    st.warning(
        f"No data in {periods.phrase(current_period())} ({chosen}): the latest data in this selection is from "
        f"{periods.span_label(latest, latest)}. Choose a longer period, or “all-time”, under Period in the sidebar.",
        icon=":material/event_busy:",
    )
    return True


def _filter_options(s: Store, flt: ListFilter) -> dict[str, str]:
    """Label -> value for one filter: the values present in the data, named as people know them."""
    if flt.column == "video_id":
        return unique_labels(video_labels(s))
    present = queries.choices(s, flt.column)
    if flt.allowed is not None:
        present = [v for v in flt.allowed if v in set(present)]
    return {flt.name(v): v for v in present}


def video_labels(s: Store) -> dict[str, str]:
    """Video keys and the label the filter shows (and puts in the URL): title, platform and publish date."""
    return labels_of(queries.video_choices(s))


def labels_of(choices: pd.DataFrame) -> dict[str, str]:
    """Key -> label of a queries.video_choices frame, as the Video filter names each video."""
    return dict(zip(choices["key"], choices["label"], strict=True))


# The query string as the session first opened it (see ui.sharing.remember_link).
LINK_AS_OPENED = "_link_as_opened"
VIDEO_PAGE = "video"


def _link_values_to_labels(all_options: dict[str, dict[str, str]]) -> None:
    """A link naming filter values by id (`?platform=google_ads`, `?video=<key>`, as links to a video's page do)
    has its address rewritten to the labels the filters show, and the run starts again.

    The filters' options are labels, and a bound widget seeds itself from the URL as this run
    opened it, where an id is no option: it would be dropped.
    """
    fixed: dict[str, list[str]] = {}
    for param, options in all_options.items():
        if param in st.session_state:
            continue
        asked = st.query_params.get_all(param)
        by_value = {value: label for label, value in options.items()}
        wanted = [value if value in options else by_value.get(value, value) for value in asked]
        if wanted != asked:
            fixed[param] = wanted
    if not fixed:
        return
    # The page first: this runs before app.py reaches st.navigation, and a new address sent
    # without this run's page lost its path once any session had drawn the menu ("/video?…"
    # became "/?…": a shared link to a video opened the Overview).
    _navigate_first()
    opened = st.session_state.get(LINK_AS_OPENED)
    for param, wanted in fixed.items():
        st.query_params[param] = wanted
        if opened and param in opened:
            opened[param] = wanted  # an id the filter took is not a value the link lost
    st.rerun()


def _navigate_first() -> None:
    # Imported here: vmdash.ui.access and vmdash.ui.navigation import this module.
    from vmdash.ui.access import role
    from vmdash.ui.navigation import app_pages

    st.navigation(app_pages(role()))


def video_url(key: str) -> str:
    """The relative link to a video's page (`video?video=<key>`) keeping the sidebar's other filters."""
    return video_urls([key])[0] or ""


def video_urls(keys: Iterable[object]) -> list[str | None]:
    """video_url of each key (None for a row without a video key), the URL's filters read once.

    Every read of st.query_params looks up the session (some 2 ms): a table of 30 videos read
    them 300 times.
    """
    present = set(st.query_params.keys())
    kept = {
        p.key: st.query_params.get_all(p.key)
        for p in (links.DATES, *links.FILTER_PARAMS)
        if p.key != links.VIDEO.key and p.key in present
    }
    # Dots encoded too: a value from data ("www.example.com") then reads as no address anywhere in the Markdown.
    return [
        "./" + views.link_for(VIDEO_PAGE, kept | {links.VIDEO.key: [key]}).replace(".", "%2E")
        if isinstance(key, str)
        else None
        for key in keys
    ]


def unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """Label -> key, each label unique: two creatives with one title on one platform get their key appended."""
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {(f"{v} · {k}" if seen[v] > 1 else v): k for k, v in labels.items()}


_SPAN_SHOWN = "_vmdash_dates_span"
_OUTSIDE_NOTE = "_vmdash_dates_outside"


def _follow_the_data(span: tuple[dt.date, dt.date]) -> None:
    """Widen (or narrow) the date range to the data's span when the range was the data's, not the person's.

    The picker starts on the whole span. Once an import or an undo moves the span, a picker
    still on the old span would filter by dates nobody chose: new months stay hidden, and after
    an undo the undated lifetime totals drop out. A range the person chose (or a link set) stays.
    """
    before = st.session_state.get(_SPAN_SHOWN)
    st.session_state[_SPAN_SHOWN] = span
    current = st.session_state.get(links.DATES.key)
    if before is None or before == span or current is None:
        return
    chosen = _date_range(current)
    if tuple(chosen) == tuple(before):
        st.session_state[links.DATES.key] = span
        return
    lo, hi = chosen
    if lo is None or hi is None:
        return
    if span[0] < min(before[0], lo) or span[1] > max(before[1], hi):
        # New days the chosen range hides: say so beside the picker until the range changes.
        text = (
            f"The data now runs {periods.span_label(*span)}, past the dates you chose "
            f"({periods.span_label(lo, hi)}): widen them to see the new days."
        )
        st.session_state[_OUTSIDE_NOTE] = (chosen, text)


def _outside_note(dates: object) -> None:
    """The note _follow_the_data left, while the range it speaks of is still the one chosen."""
    note = st.session_state.get(_OUTSIDE_NOTE)
    if note is None:
        return
    if tuple(_date_range(dates)) != tuple(note[0]):
        del st.session_state[_OUTSIDE_NOTE]
        return
    st.caption(note[1])


# Notes on what the app changed in a link as opened, shown with the link notes (ui.sharing).
LINK_FIXES = "_link_fixes"


def _fix_link_dates(span: tuple[dt.date, dt.date]) -> None:
    """A link's dates that run backwards or past the data are put in order and clamped, with a note.

    The picker would take a backwards range as it is (and show nothing), and Streamlit resets
    dates outside the picker's bounds as if they were malformed. The URL is corrected and the
    run starts again: the picker reads its first value from the URL as this run opened it.
    """
    if links.DATES.key in st.session_state:
        return
    fixed, note = share.fix_dates(st.query_params.get_all(links.DATES.key), span)
    if fixed is None:
        return
    values = [d.isoformat() for d in fixed]
    st.query_params[links.DATES.key] = values
    st.session_state[LINK_FIXES] = [*st.session_state.get(LINK_FIXES, []), note]
    opened = st.session_state.get(LINK_AS_OPENED)
    if opened and links.DATES.key in opened:
        opened[links.DATES.key] = values  # dates the app fixed are not values the link lost
    st.rerun()


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


def kpi_cards(
    values: dict[str, KpiValue], currency: str | None = None, columns: int = 5, versus: str | None = None
) -> None:
    """KPI cards, `columns` to a row: value, change on the comparison period, definition and coverage.

    `versus` names that period beside each change chip ("vs 1–28 Feb 2026", periods.versus).
    """
    for i, kv in enumerate(values.values()):
        if i % columns == 0:
            # A row at a time: on a phone, where columns stack, the cards keep their order.
            cols = st.columns(columns)
        m = kv.metric
        help_text = m.help()
        help_text = f"{help_text} {m.coverage_note(kv.coverage)}".strip()
        delta = None
        if kv.change is not None and math.isfinite(kv.change):
            delta = f"{kv.change:+.1%}"
        with cols[i % columns]:
            st.metric(
                m.label,
                kv.text(currency),
                delta=delta,
                delta_color="normal" if m.higher_is_better else "inverse",
                help=help_text,
                border=True,
                delta_description=(versus or "vs previous period") if delta else None,
            )


def chart(
    spec: alt.TopLevelMixin,
    data: pd.DataFrame,
    name: str,
    value: metrics.Metric | tuple[str, str] | None = None,
    currency: str | None = None,
) -> None:
    """Show a chart built from `data` (a tidy frame aggregated in DuckDB); every chart goes through here.

    Refuses a chart that would send more than queries.MAX_CHART_POINTS rows to the browser.
    `name` identifies the chart (its key and its export file names); `value` is what the
    frame's `value` column holds (a KPI, or a label and format), for the CSV's column.
    """
    drawn, rows = _drawn(charts.sent_spec(spec))
    if rows > queries.MAX_CHART_POINTS or len(data) > queries.MAX_CHART_POINTS:
        raise ValueError(
            f"chart {name!r} would send {max(rows, len(data))} rows; aggregate it to at most {queries.MAX_CHART_POINTS}"
        )
    st.vega_lite_chart(drawn, width="stretch", key=f"chart_{name}")
    column = (value.label, value.fmt) if isinstance(value, metrics.Metric) else value
    _export_buttons(spec, data, name, column, currency)


# Per sent spec (charts.sent_spec keeps one per chart): the spec with its datasets as Arrow
# bytes, which Streamlit sends as they are instead of converting the rows on every draw, and
# how many rows it sends.
_drawn_specs: charts.Derived[tuple[dict, int]] = charts.Derived()


def _drawn(sent: dict) -> tuple[dict, int]:
    def make() -> tuple[dict, int]:
        drawn = dict(sent)
        if "datasets" in sent:
            drawn["datasets"] = {
                name: dataframe_util.convert_anything_to_arrow_bytes(values)
                for name, values in sent["datasets"].items()
            }
        return drawn, charts.spec_rows(sent)

    return _drawn_specs.of(sent, make)


_EXPORT_CONTEXT = "_export_context"


def _remember_export_context(s: Store, filters: FilterState, latest: tuple | None) -> None:
    """Keep what the page's header says (filters, period, import) for the files its charts export."""
    period = (
        f"{filters.date_from or 'the start'} to {filters.date_to or 'the latest data'}"
        if filters.has_dates
        else "all dates"
    )
    rest = filters.without("date_from", "date_to")
    sentence = rest.sentence(video_labels(s) if rest.videos else None)
    st.session_state[_EXPORT_CONTEXT] = export.Context(
        filters="no filter" if sentence == "All data" else sentence.removeprefix("Showing "),
        period=period,
        import_id=latest[0] if latest else None,
        imported_at=latest[1] if latest else None,
    )


def _export_buttons(
    spec: alt.TopLevelMixin, data: pd.DataFrame, name: str, value: tuple[str, str] | None, currency: str | None
) -> None:
    # Files are rendered only when asked for (a callable), so a rerun does not pay for them.
    stem = export.file_stem(name)
    context = st.session_state.get(_EXPORT_CONTEXT)
    with st.popover("Export", icon=":material/download:"):
        for label, fmt, mime, render in (
            ("PNG image", "png", "image/png", lambda: export.png_bytes(spec, context=context)),
            ("SVG image", "svg", "image/svg+xml", lambda: export.svg_bytes(spec, context=context)),
            ("Data (CSV)", "csv", "text/csv", lambda: export.csv_bytes(export.labelled(data, value, currency))),
        ):
            st.download_button(
                label, render, file_name=f"{stem}.{fmt}", mime=mime, key=f"export_{name}_{fmt}", on_click="ignore"
            )


def definitions(metric_names: list[str] | tuple[str, ...], platforms: list[str] | tuple[str, ...]) -> None:
    """An expander with the definition of every KPI shown and what each platform shown counts as a view."""
    with st.expander("Definitions", icon=":material/menu_book:"):
        lines = []
        for name in dict.fromkeys(metric_names):
            m = metrics.get(name)
            den = " × ".join(m.denominator)
            lines.append(f"- **{m.label}** — {safe_text(m.help())} *(sum of {m.numerator_text} / sum of {den})*")
        st.markdown("\n".join(lines))
        views = metrics.view_definitions(platforms)
        if views:
            st.markdown("**What counts as a view**")
            st.markdown("\n".join(f"- **{model.platform_label(p)}**: {safe_text(text)}" for p, text in views.items()))
        st.caption(
            "Every rate is a ratio of sums over the rows that report both of its sides; a platform that does not "
            "report a measure shows “not reported” and is left out, never counted as 0."
        )


def formatted(
    frame: pd.DataFrame, formats: dict[str, str], currency: str | None = None, undefined: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of the frame with these columns rendered for people; missing values read 'not reported'.

    `undefined` (same index, some of the same columns) says instead what a missing ratio lacks
    where its base was reported as 0 ("no views").
    """
    out = frame.copy()
    for column, fmt in formats.items():
        if column not in out.columns:
            continue
        why = undefined[column] if undefined is not None and column in undefined.columns else None
        out[column] = [
            why[i]
            if why is not None and v is None and isinstance(why[i], str)
            else metrics.format_value(v, fmt, currency)
            for i, v in zip(out.index, map(float_or_none, out[column]), strict=True)
        ]
    return out


def account_overlap_note(overlap: pd.DataFrame) -> None:
    """Warn where account series and per-video rows of one platform and channel are summed together
    (`overlap`: queries.account_totals_beside_videos)."""
    for row in overlap.itertuples():
        source = charts.series_label("source", f"{row.platform}/{row.channel}")
        views = "no" if pd.isna(row.account_views) else f"{int(row.account_views):,}"
        st.warning(
            f"{source}: the selection holds both the account's own totals ({views} views) and per-video rows, "
            "and sums count the same views twice. Pick videos in the Video filter to read per-video rows "
            f"alone, or undo one of the two imports {_where_to_import()}."
        )


def side_by_side_table(frame: pd.DataFrame, currency: str | None = None) -> pd.DataFrame:
    """queries.channels_side_by_side for people: platform and channel by name, totals and KPIs formatted."""
    totals = [c for c in frame.columns if c in model.MEASURE_NAMES]
    kpis = [c for c in frame.columns if c in metrics.BY_NAME]
    formats = {c: "money" if c == "spend" else "number" for c in totals} | {m: metrics.get(m).fmt for m in kpis}
    out = formatted(frame, formats, currency).assign(
        platform=frame["platform"].map(model.platform_label),
        channel=frame["channel"].map(lambda c: model.CHANNEL_LABELS.get(c, c)),
    )
    names = {"platform": "Platform", "channel": "Channel"} | {c: c.replace("_", " ").capitalize() for c in totals}
    return out.rename(columns=names | {m: metrics.get(m).label for m in kpis})


# Markdown a title could use to format, link ('[x](url)'), colour (':red[x]'), typeset
# ('$x$') or strike; and, at the start of a line, to open a heading, list or table.
# CommonMark reads a backslash before any punctuation as the plain character.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]()$~|])")
_MARKDOWN_LINE_START = re.compile(r"(?m)^(\s*\d*)([#+=.)-])")


# GitHub-flavoured Markdown links bare URLs ('https://…', 'www.…') and e-mail addresses, and
# does so after backslash escapes are resolved: only a character between the pieces breaks
# the pattern. A word joiner is invisible and keeps the text on one line. After a letter and a
# colon one too, whatever follows: 'mailto:', 'xmpp:' (times such as 0:30 stay as they are).
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]:)(?=\S)|(?<=www)(?=\.)|(?=@)")


def no_links(text: object) -> str:
    """Text that Markdown cannot turn into a link (bare URLs, www., e-mail), shown the same."""
    return _AUTOLINK.sub(_WORD_JOINER, str(text))


def safe_text(value: object) -> str:
    """Text from data (titles, campaign names) shown as typed: inert as Markdown and as HTML, never a link."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", html.escape(str(value), quote=False))
    return no_links(_MARKDOWN_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text))


def show_error(exc: VmdashError, before: str = "") -> None:
    """Show any error vmdash raised on purpose; the one place the UI renders one.

    The message can carry what a person typed or a link asked for: it is shown inert.
    `before` says what did not happen ("Nothing was imported: ").
    """
    st.error(before + safe_text(exc), icon=":material/error:")


def frame(df: pd.DataFrame, **kwargs: Any) -> None:
    """A read-only table of any length (a scrolling grid); Streamlit renders cell text inert (no HTML)."""
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


# A static table's cells this short keep on one line (see _cell).
_ONE_LINE = 20


def table(df: pd.DataFrame, links: pd.Series | None = None) -> None:
    """A short read-only summary (a row per group, platform, channel or video compared) as a static table.

    The grid `frame` draws loads its own script and paints a canvas: on a page with no other grid,
    a static table brings the first chart 0.1–0.2 s sooner and the page to rest 0.4 s sooner
    (Completion, Funnel and Retention at 1M rows, fresh sessions). Its headings and cells are
    Markdown: every value from data is made inert (safe_text), missing ones left blank. `links`:
    each row's video key, shown first as a link to the video's page.
    """
    shown = pd.DataFrame({safe_text(c): [_cell(v) for v in df[c]] for c in df.columns}, index=range(len(df)))
    if links is not None:
        shown.insert(0, "Page", [f"[Open]({url})" if url else "" for url in video_urls(links)])
    st.table(shown, hide_index=True)


def _cell(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = safe_text(value)
    # A figure ("914.23 k", "7.6 %", "not reported") reads on one line, the table scrolling sideways
    # when it must, as in a grid; only long text (a video's name) wraps.
    return text.replace(" ", "\u00a0") if len(text) <= _ONE_LINE else text


def set_filters(filters: FilterState) -> None:
    """Hand the filter bar's state to the page being shown."""
    st.session_state["_filters"] = filters


def current_filters() -> FilterState:
    """The filters chosen in the sidebar for this rerun."""
    return st.session_state.get("_filters", FilterState())


# What an empty database says, by role: how to load data, never "widen the filters".
NO_DATA_ANALYST = (
    "**No data yet**: no import is active. Add your platforms' exports on **Upload & data**, or from a "
    "terminal with `python -m vmdash import <files>`."
)
NO_DATA_VIEWER = (
    "**No data yet**: no import is active. Ask an analyst to add the platforms' exports (an analyst signs in "
    "from the sidebar); this page fills in once they have."
)


def no_data_yet(s: Store) -> bool:
    """True when no import is active: every page then says how data gets in, and draws nothing else."""
    return not queries.active_hashes(s)


def page_header(title: str, s: Store, filters: FilterState, needs_data: bool = True) -> bool:
    """Page title, the sample-data note and what the filters select; False when the chosen dates hold
    no data (the page then says so, with the latest data's date).

    On an empty database a page that `needs_data` says how to load some, and ends there.
    """
    # Imported here: vmdash.ui.access and vmdash.ui.navigation import this module.
    from vmdash.ui.access import role
    from vmdash.ui.navigation import end_page, header_drawn, title_drawn

    st.title(title)
    title_drawn()
    if needs_data and no_data_yet(s):
        header_drawn(more=False)
        st.info(NO_DATA_ANALYST if role() == roles.ANALYST else NO_DATA_VIEWER, icon=":material/inbox:")
        end_page()
    sample_note(s)
    latest = queries.latest_import(s)
    as_of = f" · data as of import #{latest[0]}, {latest[1]:%Y-%m-%d %H:%M}" if latest else ""
    st.caption(safe_text(filters.sentence(video_labels(s) if filters.videos else None)) + as_of)
    _remember_export_context(s, filters, latest)
    header_drawn()
    if empty_period_note(s, filters):
        return False
    if filters.has_dates:
        undated = queries.undated_rows(s, filters)
        if not undated.empty:
            names = ", ".join(model.platform_label(p) for p in undated["platform"])
            st.caption(
                f"{names}: {int(undated['rows'].sum())} rows of lifetime totals carry no dates and are left out "
                "while a date range is chosen; choose “all-time” under Period to include them."
            )
    return True
