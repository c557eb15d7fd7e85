"""Cell parsing in both locales: what each spelling of a number, date or duration reads as."""

from __future__ import annotations

import datetime as dt

import pytest

from vmdash.ingest import sqlkit
from vmdash.ingest.spec import Field
from vmdash.store import Store

NBSP, NNBSP = "\u00a0", "\u202f"


def _parse(store: Store, kind: str, cell: str | None, *, decimal_comma: bool = False, day_first: bool = False):
    fld = Field("x", ("x",), kind=kind)
    text = sqlkit.clean(sqlkit.trimmed("c0"))
    expr = sqlkit.parse_expr(fld, "c0", text, decimal_comma=decimal_comma, day_first=day_first)
    failed = sqlkit.failed_expr("c0", "x")
    return store.rows(
        f"SELECT x, {failed} FROM (SELECT c0, {expr} AS x FROM (SELECT $cell::VARCHAR AS c0))", {"cell": cell}
    )[0]


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "want"),
    [
        ("1234", False, 1234.0),
        ("1,234.5", False, 1234.5),
        ("$1,234.50", False, 1234.5),
        (" 42 ", False, 42.0),
        ("1 234,5", True, 1234.5),
        (f"1{NBSP}234,5", True, 1234.5),
        (f"12{NNBSP}345{NNBSP}678", True, 12345678.0),
        ("1.234,5", True, 1234.5),
        ("1234.5", True, 1234.5),  # an Excel cell in a French export keeps its point
        ("1 234,56 €", True, 1234.56),
        ("+12", False, 12.0),
        (f"{NBSP}7{NBSP}", True, 7.0),
    ],
)
def test_numbers_read_in_both_locales(store, cell, decimal_comma, want):
    value, failed = _parse(store, "number", cell, decimal_comma=decimal_comma)
    assert value == pytest.approx(want)
    assert failed is False


@pytest.mark.parametrize(("cell", "decimal_comma", "want"), [("45,2 %", True, 0.452), ("45.2%", False, 0.452)])
def test_percentages_become_ratios(store, cell, decimal_comma, want):
    assert _parse(store, "pct", cell, decimal_comma=decimal_comma)[0] == pytest.approx(want)


@pytest.mark.parametrize("cell", ["--", "-", "—", "n/a", "N/A", "<5", "< 5", "", "   ", None, f"{NBSP}--{NBSP}"])
def test_unknown_markers_are_null_and_not_a_failure(store, cell):
    assert _parse(store, "number", cell) == (None, False)
    assert _parse(store, "text", cell) == (None, False)


@pytest.mark.parametrize("cell", ["abc", "12abc", "1.2.3,4,5"])
def test_garbage_in_a_number_column_is_a_failure(store, cell):
    assert _parse(store, "number", cell) == (None, True)


@pytest.mark.parametrize(
    ("cell", "day_first", "want"),
    [
        ("2026-03-01", False, dt.date(2026, 3, 1)),
        (" 2026-03-01 ", True, dt.date(2026, 3, 1)),
        ("03/01/2026", False, dt.date(2026, 3, 1)),
        ("01/03/2026", True, dt.date(2026, 3, 1)),
        ("Mar 1, 2026", False, dt.date(2026, 3, 1)),
        ("March 1, 2026", False, dt.date(2026, 3, 1)),
        ("1er mars 2026", True, dt.date(2026, 3, 1)),
        ("3 janv. 2026", True, dt.date(2026, 1, 3)),
        ("15 février 2026", True, dt.date(2026, 2, 15)),
        ("2 août 2026", True, dt.date(2026, 8, 2)),
        ("24 déc. 2026", True, dt.date(2026, 12, 24)),
        ("01.03.2026", True, dt.date(2026, 3, 1)),
        ("2026-03-01 10:11:12", False, dt.date(2026, 3, 1)),
    ],
)
def test_dates_in_english_and_french_spellings(store, cell, day_first, want):
    assert _parse(store, "date", cell, day_first=day_first) == (want, False)


def test_a_date_that_is_not_one_is_a_failure(store):
    assert _parse(store, "date", "31/02/2026", day_first=True) == (None, True)


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "want"),
    [("0:01:05", False, 65.0), ("1:05", False, 65.0), ("26:00:00", False, 93600.0), ("12,5", True, 12.5)],
)
def test_durations(store, cell, decimal_comma, want):
    assert _parse(store, "duration", cell, decimal_comma=decimal_comma)[0] == pytest.approx(want)


def test_text_is_trimmed_of_every_kind_of_space(store):
    assert _parse(store, "text", f"{NBSP} Spring launch \t")[0] == "Spring launch"
