"""Exports open and show the chart; CSV exports cannot smuggle formulas into a spreadsheet."""

from __future__ import annotations

import io
import struct

import altair as alt
import pandas as pd
import pytest

from vmdash import export


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),  # split on tabs, '=1' would be a cell of its own
        ("Spring campaign", "Spring campaign"),
        ("", ""),
        (12.5, 12.5),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise(cell, expected):
    assert export.neutralise(cell) == expected


def test_csv_neutralises_text_cells_and_headers_but_keeps_numbers():
    frame = pd.DataFrame({"campaign": ["=1+1", "Brand"], "spend": [-12.5, 3.0], "=evil": ["a", "b"]})
    text = export.csv_bytes(frame).decode("utf-8-sig")
    rows = list(pd.read_csv(io.StringIO(text), dtype=str).itertuples(index=False))
    assert rows[0] == ("'=1+1", "-12.5", "a")
    assert "'=evil" in text.splitlines()[0]


def _chart() -> alt.Chart:
    data = pd.DataFrame({"period": pd.date_range("2026-03-01", periods=5), "value": [0.1, 0.2, 0.15, 0.3, 0.25]})
    return (
        alt.Chart(data, title="View rate over time")
        .mark_line()
        .encode(x=alt.X("period:T", title="Period"), y=alt.Y("value:Q", title="View rate (%)"))
        .properties(width="container", height=300)
    )


def test_svg_holds_the_axis_titles():
    svg = export.svg_bytes(_chart()).decode("utf-8")
    assert svg.startswith("<svg")
    for text in ("Period", "View rate (%)", "View rate over time"):
        assert text in svg


def test_png_is_a_real_image_of_the_chart_size():
    png = export.png_bytes(_chart(), scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 2 * 720 and height >= 2 * 300


def test_file_stem_is_safe():
    assert export.file_stem("../../etc/passwd <script>") == "etc_passwd_script"
    assert export.file_stem("***") == "chart"
