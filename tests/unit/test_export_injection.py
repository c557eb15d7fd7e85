"""CSV exports follow OWASP's CSV injection guidance: no cell a spreadsheet runs, whichever separator it splits on."""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd
import pytest

from vmdash import export

FORMULA_CHARS = "=+-@|\t\r\n\u2212"

HOSTILE = [
    ";=1+1",
    ",=1+1",
    "\t=1+1",
    "|cmd",
    "|cmd /C calc",
    "=cmd|' /C calc'!A0",
    '＝HYPERLINK("http://evil.example","x")',
    "＋1",
    "－1",
    "＠SUM(A1)",
    "｜cmd",
    "﹦1+1",
    "﹢1",
    "\u22121",
    "  =1+1",
    "\u3000=1+1",
    "\r=1+1",
    "\n=1+1",
    'Brand;=HYPERLINK("http://evil.example")',
    "Brand; =1+1",
    'Brand;"=1+1',
    "Brand|=1+1",
    "Brand\t@SUM(A1)",
    "Brand,＝1+1",
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
]
PLAIN = ["Spring campaign", "Brand 5% off", "x - y", "a; b", "Éclat — 9x16", "A/B test", "user@example.com", ""]


@pytest.mark.parametrize("cell", HOSTILE)
def test_hostile_cells_get_an_apostrophe(cell):
    out = export.neutralise(cell)
    assert out.startswith("'") and out.replace("'", "") == cell.replace("'", "")
    # After every separator that a formula follows, an apostrophe too: a cell of its own when split there.
    for sep in ",;|\t":
        for piece in out.split(sep)[1:]:
            assert not _runs(piece), (cell, out)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(";=1+1", "';'=1+1"), ("|cmd", "'|cmd"), ("＝1", "'＝1"), ('Brand;"=1', "'Brand;'\"=1"), ("a,+1", "'a,'+1")],
)
def test_exact_neutralised_forms(cell, expected):
    assert export.neutralise(cell) == expected


def test_the_listed_compatibility_forms_are_all_of_them():
    def forms(chars: str) -> set[str]:
        return {chr(i) for i in range(0x10000) if unicodedata.normalize("NFKC", chr(i)) in set(chars)} - set(chars)

    assert set(export.FORMULA_FORMS) == forms("=+-@|")
    assert set(export.SEPARATOR_FORMS) == forms(",;")


@pytest.mark.parametrize("cell", PLAIN)
def test_plain_cells_are_kept(cell):
    assert export.neutralise(cell) == cell


@pytest.mark.parametrize("value", [12.5, -3, 0, None, float("nan"), float("inf")])
def test_numbers_are_not_text(value):
    out = export.neutralise(value)
    assert out is value or (out != out and value != value)


def _runs(cell: str) -> bool:
    if cell.startswith("'"):
        return False
    try:
        float(cell)
        return False  # a number, written by the numeric column itself
    except ValueError:
        pass
    folded = unicodedata.normalize("NFKC", cell).lstrip(" \u3000")
    return bool(folded) and (folded[0] in FORMULA_CHARS or cell[:1] in "\t\r\n")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_no_cell_runs_whichever_separator_the_spreadsheet_splits_on(delimiter):
    frame = pd.DataFrame(
        {
            "campaign": HOSTILE + PLAIN[:2],
            "spend": [-12.5 + i for i in range(len(HOSTILE) + 2)],
            ";=evil": ["a"] * (len(HOSTILE) + 2),
        }
    )
    text = export.csv_bytes(frame).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
    running = [cell for cell in cells if _runs(cell)]
    assert running == [], running


def test_the_export_reads_back_as_the_data_with_apostrophes():
    frame = pd.DataFrame({"campaign": [";=1+1", "Brand"], "spend": [-12.5, 3.0]})
    text = export.csv_bytes(frame).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str)
    assert list(back["campaign"]) == ["';'=1+1", "Brand"]
    assert list(back["spend"]) == ["-12.5", "3.0"]
    assert text.splitlines()[0] == '"campaign","spend"'
    assert text.splitlines()[1] == "\"';'=1+1\",-12.5"
