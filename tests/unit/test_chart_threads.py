"""Charts are counted and exported correctly while other sessions' charts are being drawn.

Altair converts charts with process-wide settings, and st.altair_chart switches them (under
a lock of its own) while it draws. Twenty sessions of one server draw in twenty threads; a
row count or an export taken without that lock read another session's settings.
"""

from __future__ import annotations

import threading

import altair as alt
import pandas as pd
from streamlit.elements import vega_charts

from vmdash import charts, export
from vmdash.ui import common  # hands Streamlit's lock to vmdash.charts

ROWS = 300


def _chart() -> alt.Chart:
    frame = pd.DataFrame({"x": range(ROWS), "y": range(ROWS)})
    return alt.Chart(frame).mark_line().encode(x="x", y="y")


def test_the_app_converts_charts_under_streamlits_own_lock():
    assert charts._altair_lock is vega_charts._altair_globals_lock


def test_row_counts_and_exports_stay_right_while_another_thread_draws():
    chart = _chart()
    drawn, errors = [], []
    done = threading.Event()

    def draw() -> None:
        # What st.altair_chart does for another session, over and over.
        while not done.is_set():
            try:
                spec = vega_charts._convert_altair_to_vega_lite_spec(chart)
                drawn.append(sum(len(rows) for rows in spec.get("datasets", {}).values()) > 0)
            except Exception as exc:  # noqa: BLE001 - any failure of the drawing thread counts
                errors.append(repr(exc))

    drawer = threading.Thread(target=draw)
    drawer.start()
    try:
        counts = [charts.spec_rows(chart) for _ in range(150)]
        svg = export.svg_bytes(chart)
    finally:
        done.set()
        drawer.join()
    assert drawn, "the drawing thread never drew"
    assert errors == []
    assert set(counts) == {ROWS}
    assert svg.startswith(b"<svg")


def test_a_drawn_chart_sends_its_rows_as_arrow_converted_once():
    import pyarrow as pa

    sent = charts.sent_spec(_chart())
    drawn, rows = common._drawn(sent)
    assert rows == ROWS
    assert common._drawn(sent) == (drawn, rows) and common._drawn(sent)[0] is drawn
    ((name, values),) = sent["datasets"].items()
    table = pa.ipc.open_stream(drawn["datasets"][name]).read_all()
    assert table.to_pylist() == values
    # The kept spec itself is left as it was: other pages read it.
    assert isinstance(sent["datasets"][name], list)
