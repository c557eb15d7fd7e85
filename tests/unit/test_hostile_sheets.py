"""Spreadsheets that ask a reader for gigabytes, or make it panic, must be one error line, never a dead server.

Every input is generated here: minimal .xlsx / .ods packages written by hand
(tests/support/workbooks.py, so the XML is exactly the hostile shape), the same inside
ZIPs and under other names, and .xls containers. Each goes through the command line and the upload path with the
harness of test_hostile_inputs.py (tests/support/hostile.py): a refusal is one line naming the file and leaves
the database as it was; an acceptance loads whole. A second group lifts the XML
pre-check so the bounded child process alone has to hold the bomb. The count per
class is printed at the end (`pytest -s`).
"""

from __future__ import annotations

import collections
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.hostile import TOTALS, Harness, check
from tests.support.workbooks import MAIN, far_cell, ods_bytes, ods_cell, xlsx_bytes, zipped
from vmdash import demo
from vmdash.errors import ImportRejected
from vmdash.ingest import guard, sheets

# Left out of the fast loop: each hostile workbook goes through the command line and the upload path.
pytestmark = pytest.mark.slow

CLASSES: collections.Counter[str] = collections.Counter()

# -- the hostile classes ---------------------------------------------------------------------------

FAR_REFS = [
    "XFD1048576",
    "A1048576000",
    "ZZ300000",
    "ZZ60000",
    "AAAA1",
    "ZZZZZZ9",
    "A5000001",
    "CV50001",
    "xfd1048576",
    "$XFD$1048576",
    "IV65536",
    "B2500001",
    "XFE1",
    "A99999999999",
]


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {}


def _add(cls: str, name: str, build: Callable[[], bytes]) -> None:
    assert name not in CASES
    CASES[name] = (cls, build)


for ref in FAR_REFS:
    tag = ref.replace("$", "D")
    _add("far cell", f"far_{tag}.xlsx", lambda ref=ref: xlsx_bytes(far_cell(ref)))
    _add("far cell", f"far_{tag}_single_quotes.xlsx", lambda ref=ref: xlsx_bytes(far_cell(ref, "'")))
    _add("far cell", f"far_{tag}_alone.xlsx", lambda ref=ref: xlsx_bytes(raw=far_cell(ref)))
    _add("far cell in a ZIP", f"far_{tag}_zipped.zip", lambda ref=ref: zipped("report.xlsx", xlsx_bytes(far_cell(ref))))
    _add("far cell, other names", f"far_{tag}_as.xls", lambda ref=ref: xlsx_bytes(far_cell(ref)))
for n, ref in enumerate(("XFD1048576", "ZZ300000", "A9999999")):
    # A namespace prefix on every element, as some generators write.
    raw = f'<x:sheetData xmlns:x="{MAIN}">{far_cell(ref, prefix="x:")}</x:sheetData>'
    _add("far cell", f"far_prefixed_{n}.xlsx", lambda raw=raw: xlsx_bytes(raw=raw))
    _add("far cell, other names", f"far_prefixed_{n}.xlsm", lambda raw=raw: xlsx_bytes(raw=raw))
    _add("far cell, other names", f"far_{n}_no_suffix", lambda ref=ref: xlsx_bytes(far_cell(ref)))
    _add(
        "far cell in a ZIP",
        f"far_{n}_beside_a_csv.zip",
        lambda ref=ref: zipped("a.xlsx", xlsx_bytes(far_cell(ref)), {"b.csv": b"date,views\n2026-01-01,1\n"}),
    )
    _add(
        "far cell in a ZIP",
        f"far_{n}_zip_in_zip.zip",
        lambda ref=ref: zipped("inner.zip", zipped("report.xlsx", xlsx_bytes(far_cell(ref)))),
    )
# A far row without a cell reference: the row number alone places the cells.
for n, row in enumerate((1048576, 5000001, 99999999)):
    _add("far cell", f"far_row_{n}.xlsx", lambda row=row: xlsx_bytes(f'<row r="{row}"><c><v>1</v></c></row>'))
    _add(
        "far cell",
        f"far_row_{n}_wide.xlsx",
        lambda row=row: xlsx_bytes(f'<row r="{row // 100}"><c r="ZZ{row // 100}"/></row>'),
    )

DIMENSIONS = [
    "A1:XFD1048576",
    "A1:ZZ300000",
    "XFD1048576",
    "A1:IV65536",
    "B2:AAA999999",
    "A1:A99999999",
    "a1:xfd1048576",
]
for n, ref in enumerate(DIMENSIONS):
    _add("declared dimension", f"dimension_{n}.xlsx", lambda ref=ref: xlsx_bytes(dimension=ref))
    _add("declared dimension", f"dimension_{n}_zipped.zip", lambda ref=ref: zipped("d.xlsx", xlsx_bytes(dimension=ref)))
    _add("declared dimension", f"dimension_{n}.ods.xlsx", lambda ref=ref: xlsx_bytes(dimension=ref, extra_rows=""))

for n, count in enumerate((4294967295, 10**12, 18446744073709551615, 5_000_001, 2**31)):
    for k, attrs in enumerate((f'count="{count}" uniqueCount="{count}"', f'uniqueCount="{count}"', f"count='{count}'")):
        sst = f'<?xml version="1.0"?><sst xmlns="{MAIN}" {attrs}><si><t>a</t></si></sst>'
        _add("shared-string count", f"sst_{n}_{k}.xlsx", lambda sst=sst: xlsx_bytes(sst=sst))
    sst = f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="{count}"><si><t>a</t></si></sst>'
    _add("shared-string count", f"sst_{n}_zipped.zip", lambda sst=sst: zipped("s.xlsx", xlsx_bytes(sst=sst)))
    _add("shared-string count", f"sst_{n}_as.xls", lambda sst=sst: xlsx_bytes(sst=sst))

# Date-styled numbers out of calamine's date range panic in Rust (PanicException).
for n, value in enumerate(("-1e15", "-1e16", "-9e18", "-2e15", "-1e300", "-1.5e15")):
    panic = f'<row r="2"><c r="A2" s="1"><v>{value}</v></c></row>'
    _add("reader panic", f"panic_{n}.xlsx", lambda panic=panic: xlsx_bytes(raw=panic))
    _add(
        "reader panic",
        f"panic_{n}_in_table.xlsx",
        lambda panic=panic: xlsx_bytes(panic.replace('"2"', '"9"').replace("A2", "A9")),
    )
    _add("reader panic", f"panic_{n}_zipped.zip", lambda panic=panic: zipped("p.xlsx", xlsx_bytes(raw=panic)))

ODS_BOMBS = {
    "both_repeats": '<table:table-row table:number-rows-repeated="1048576">'
    + ods_cell(1, 16384)
    + "</table:table-row>",
    "far_cell": '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16383"/>'
    "</table:table-row><table:table-row>"
    + '<table:table-cell table:number-columns-repeated="16383"/>'
    + ods_cell(1)
    + "</table:table-row>",
    "wide_repeat": "<table:table-row>" + ods_cell("x", 6_000_000) + "</table:table-row>",
    "tall_repeat": '<table:table-row table:number-rows-repeated="3000000">'
    + ods_cell(1)
    + ods_cell(2)
    + "</table:table-row>",
    "huge_repeat_number": '<table:table-row table:number-rows-repeated="99999999999999">'
    + ods_cell(1)
    + "</table:table-row>",
}
for label, rows in ODS_BOMBS.items():
    _add("ods repeats", f"ods_{label}.ods", lambda rows=rows: ods_bytes(rows))
    _add("ods repeats", f"ods_{label}_zipped.zip", lambda rows=rows: zipped("o.ods", ods_bytes(rows)))
    _add("ods repeats", f"ods_{label}_as.xlsx", lambda rows=rows: ods_bytes(rows))

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
for n, body in enumerate(
    (
        b"",
        b"\x00" * 512,
        b"\xff" * 4096,
        OLE * 300,
        bytes(range(256)) * 40,
        b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 1000,
    )
):
    _add("xls containers", f"ole_{n}.xls", lambda body=body: OLE + body)
    _add("xls containers", f"ole_{n}_zipped.zip", lambda body=body: zipped("old.xls", OLE + body))


# Readable workbooks around the hostile ones: the checks must not refuse them.
READABLE: dict[str, Callable[[], bytes]] = {
    "plain_table.xlsx": lambda: xlsx_bytes(),
    "plain_table.ods": lambda: ods_bytes(),
    "plain_table_zipped.zip": lambda: zipped("table.xlsx", xlsx_bytes()),
    "honest_dimension.xlsx": lambda: xlsx_bytes(dimension="A1:E3"),
    # LibreOffice pads every sheet with empty repeated rows and cells up to its edge.
    "libreoffice_padding.ods": lambda: ods_bytes(
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row>"
    ),
    "date_styled_in_range.xlsx": lambda: xlsx_bytes('<row r="4"><c r="F4" s="1"><v>46000</v></c></row>'),
}


# -- running them -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Harness:
    path = tmp_path_factory.mktemp("hostile_sheets") / "vmdash.duckdb"
    h = Harness(path)
    demo.load_samples(h.store)
    yield h
    h.store.close()
    print(f"\nhostile spreadsheets per class: {dict(sorted(CLASSES.items()))}; total {sum(CLASSES.values())}")
    print(f"hostile inputs so far: {TOTALS}")
    assert TOTALS["crashes"] == 0 and TOTALS["partial"] == 0, TOTALS


def test_there_are_enough_hostile_sheets():
    assert len(CASES) >= 150, len(CASES)
    assert {cls for cls, _ in CASES.values()} >= {"far cell", "shared-string count", "reader panic", "ods repeats"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_sheet_is_one_line_and_nothing_written(harness, tmp_path, name):
    cls, build = CASES[name]
    path = tmp_path / name
    path.write_bytes(build())
    check(harness, path, expect="refused")
    CLASSES[cls] += 1


# The same bombs with the XML pre-check lifted: the child process alone must hold them.
CHILD_ONLY = {
    "child_far_cell.xlsx": lambda: xlsx_bytes(raw=far_cell("XFD1048576")),
    "child_sst_count.xlsx": lambda: xlsx_bytes(
        sst=f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="4294967295"><si><t>a</t></si></sst>'
    ),
    "child_far_cell_zipped.zip": lambda: zipped("r.xlsx", xlsx_bytes(far_cell("ZZ300000"))),
    "child_ods_both_repeats.ods": lambda: ods_bytes(ODS_BOMBS["both_repeats"]),
    "child_ods_far_cell.ods": lambda: ods_bytes(ODS_BOMBS["far_cell"]),
    "child_panic.xlsx": lambda: xlsx_bytes(raw='<row r="2"><c r="A2" s="1"><v>-1e15</v></c></row>'),
}


@pytest.mark.parametrize("name", sorted(CHILD_ONLY))
def test_the_child_process_alone_holds_the_bomb(harness, tmp_path, monkeypatch, name):
    monkeypatch.setenv("VMDASH_MAX_SHEET_CELLS", str(10**15))
    monkeypatch.setattr(sheets, "check_extent", lambda path, name: None)
    path = tmp_path / name
    path.write_bytes(CHILD_ONLY[name]())
    check(harness, path, expect="refused")
    CLASSES["child process only"] += 1


@pytest.mark.parametrize("name", sorted(READABLE))
def test_readable_workbooks_still_load(harness, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(READABLE[name]())
    check(harness, path, expect="accepted")


def test_a_workbook_reads_to_the_same_csv_as_before(tmp_path):
    # The French Wistia fixture, read in the child, gives exactly the cells calamine gives in process.
    from python_calamine import CalamineWorkbook

    source = Path(__file__).resolve().parents[1] / "data" / "fr" / "wistia_media_stats_fr.xlsx"
    part = sheets.sheet_to_csv(source, source.name, tmp_path)
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    expected = io.StringIO()
    import csv

    csv.writer(expected).writerows([[sheets._cell(v) for v in row] for row in rows])
    assert part.path.read_bytes().decode("utf-8") == expected.getvalue()
    assert part.encoding == "Excel workbook"


def test_far_cell_message_names_the_extent(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bytes(raw=far_cell("XFD1048576")))
    with pytest.raises(ImportRejected) as caught:
        guard.expand(path, "bomb.xlsx", tmp_path)
    assert str(caught.value) == (
        "bomb.xlsx: the sheet reaches 1,048,576 rows × 16,384 columns, over the 5,000,000-cell limit "
        "(a cell far from the data?); save the sheet again with only its table"
    )


def test_memory_and_time_limits_are_one_line(tmp_path, monkeypatch):
    path = tmp_path / "strings.xlsx"
    path.write_bytes(CHILD_ONLY["child_sst_count.xlsx"]())
    monkeypatch.setattr(sheets, "check_extent", lambda path, name: None)
    monkeypatch.setenv("VMDASH_SHEET_MEMORY_MB", "512")
    with pytest.raises(ImportRejected) as caught:
        guard.expand(path, "strings.xlsx", tmp_path)
    assert str(caught.value) == (
        "strings.xlsx: reading the workbook needs more than 512 MB of memory (it declares far more cells "
        "than it holds?); refused"
    )
    path.write_bytes(xlsx_bytes())
    monkeypatch.setenv("VMDASH_SHEET_SECONDS", "0.001")
    with pytest.raises(ImportRejected, match=r"^strings\.xlsx: reading the workbook took longer than 0 s; refused$"):
        guard.expand(path, "strings.xlsx", tmp_path)


def test_no_server_path_in_a_reader_error(tmp_path):
    path = tmp_path / "upload_123"
    path.write_bytes(OLE + b"\x00" * 600)
    with pytest.raises(ImportRejected) as caught:
        guard.expand(path, "old.xls", tmp_path)
    text = str(caught.value)
    assert str(tmp_path) not in text and "\n" not in text, text


def test_a_base_exception_in_the_parent_is_one_line_too(tmp_path, monkeypatch):
    # calamine's PanicException derives from BaseException: were anything in the parent to
    # raise one, the upload page's `except VmdashError` must still get a refusal.
    class PanicException(BaseException):
        pass

    def panic(path, name):
        raise PanicException("TimeDelta::milliseconds out of bounds")

    monkeypatch.setattr(sheets, "check_extent", panic)
    path = tmp_path / "table.xlsx"
    path.write_bytes(xlsx_bytes())
    with pytest.raises(ImportRejected) as caught:
        guard.expand(path, "table.xlsx", tmp_path)
    assert str(caught.value) == "table.xlsx: the Excel file cannot be read (PanicException)"
