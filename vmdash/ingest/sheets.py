"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) to UTF-8 CSV, without letting one file take the server down.

python-calamine sizes its memory by what a workbook declares: one cell at `XFD1048576`
asks for 512 GiB, `uniqueCount="4294967295"` in the shared strings for 103 GB, and a
failed allocation aborts the whole process (SIGABRT); its Rust panics surface as
`PanicException`, a BaseException. So a workbook is first measured from its XML (plain
regular expressions over bounded, streamed reads: no XML parser, hence no entities to
expand), then read in a child process with a memory and a time limit. A reader crash
is one error line; the server never notices.

Run as a script, this file is that child: it imports nothing from vmdash, so it
starts in milliseconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import lzma
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the child runs without the vmdash package on its path
    from vmdash.ingest.guard import Part

MB = 1024 * 1024
_CHUNK = MB
# A tag longer than this is no tag the scan needs; keeping it would let one tag fill memory.
_MAX_TAG = 64 * 1024
_EXCEL_COLUMNS = 16_384


def max_sheet_cells() -> int:
    """The most cells one sheet may span from A1 (`$VMDASH_MAX_SHEET_CELLS`, default 5,000,000)."""
    return int(os.environ.get("VMDASH_MAX_SHEET_CELLS", "5000000"))


def sheet_memory_bytes() -> int:
    """The address space the reading child may use (`$VMDASH_SHEET_MEMORY_MB`, default 2048)."""
    return int(float(os.environ.get("VMDASH_SHEET_MEMORY_MB", "2048")) * MB)


def sheet_seconds() -> float:
    """How long the reading child may run (`$VMDASH_SHEET_SECONDS`, default 120)."""
    return float(os.environ.get("VMDASH_SHEET_SECONDS", "120"))


def sheet_to_csv(path: Path, name: str, workdir: Path, context: dict[str, str] | None = None) -> Part:
    """Read the first sheet of a workbook in a bounded child process and write it as UTF-8 CSV."""
    from vmdash.errors import ImportRejected
    from vmdash.ingest.guard import Part, context_from_name

    target = workdir / f"{path.stem}_sheet.csv"
    try:
        check_extent(path, name)
        _read_in_child(path, target, name)
    except ImportRejected:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # e.g. a PanicException, which `except Exception` misses
        raise ImportRejected(name, f"the Excel file cannot be read ({type(exc).__name__})") from None
    return Part(target, name, "Excel workbook", context or context_from_name(name))


# -- measuring a workbook from its XML ------------------------------------------------------------

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_DIMENSION = re.compile(rb"<" + _NS + rb"dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']{0,64})[\"']")
# Only a cell's `r` holds letters then digits (`ref=`, `sqref=` are other names); only a row's
# holds digits alone. A literal start keeps each pass fast (a sheet has millions of cells); a
# reference written some other way gets past this check only to meet the child's limits.
_CELL_COLUMN = re.compile(rb" r=[\"']\$?([A-Za-z]{1,8})\$?\d")
_CELL_ROW = re.compile(rb" r=[\"']\$?[A-Za-z]{1,8}\$?(\d{1,15})[\"']")
_ROW = re.compile(rb" r=[\"'](\d{1,15})[\"']")
_SST = re.compile(rb"<" + _NS + rb"sst\b([^>]*)>")
_COUNT = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"'](\d{1,20})[\"']")
_REF = re.compile(r"^\$?([A-Za-z]{1,8})\$?(\d{1,15})$")
# OpenDocument: rows and cells that repeat themselves N times, and cells that hold something.
_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>",
)
_ODS_ROWS = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d{1,15})[\"']")
_ODS_COLUMNS = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d{1,15})[\"']")


def column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def check_extent(path: Path, name: str) -> None:
    """Refuse a workbook whose XML declares or places cells beyond the cell cap, before any reader sees it."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # .xls (OLE2) or not a ZIP at all: the child's limits are the guard
    with zf:
        names = {info.filename: info for info in zf.infolist()}
        if "content.xml" in names:
            _check_ods(zf, names["content.xml"], name)
        for member, info in names.items():
            lower = member.lower()
            if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                _check_worksheet(zf, info, name)
            elif lower.startswith("xl/") and lower.endswith("sharedstrings.xml"):
                _check_shared_strings(zf, info, name)


def _refuse(name: str, reason: str) -> None:
    from vmdash.errors import ImportRejected

    raise ImportRejected(name, reason)


def _too_many(name: str, rows: int, columns: int, what: str) -> None:
    cap = max_sheet_cells()
    if rows * columns > cap:
        _refuse(
            name,
            f"the sheet {what} {rows:,} rows × {columns:,} columns, over the {cap:,}-cell limit "
            "(a cell far from the data?); save the sheet again with only its table",
        )


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """A member's XML in pieces that end at a tag's end, streamed, its output bounded like an upload."""
    from vmdash.ingest.guard import max_file_bytes

    cap = max_file_bytes()
    carry = b""
    read = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                read += len(chunk)
                if read > cap:
                    _refuse(name, f"the workbook part {info.filename!r} expands beyond {cap // MB:,} MB; refused")
                buffer = carry + chunk
                cut = buffer.rfind(b">") + 1
                yield buffer[:cut]
                carry = buffer[cut:][-_MAX_TAG:]
    except _DAMAGED:
        # A damaged or password-protected part: the reader says so in its own words.
        return


_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, RuntimeError, NotImplementedError, OSError)


def _check_worksheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    max_row = max_column = 0
    for text in _chunks(zf, info, name):
        for dimension in _DIMENSION.findall(text) if b"dimension" in text else ():
            ref = _REF.match(dimension.decode("ascii", "replace").split(":")[-1])
            if ref:
                _too_many(name, int(ref.group(2)), column_number(ref.group(1)), "declares")
        columns = set(_CELL_COLUMN.findall(text))
        if columns:
            max_column = max(max_column, *(column_number(c.decode("ascii")) for c in columns))
        rows = set(_CELL_ROW.findall(text)) | set(_ROW.findall(text))
        if rows:
            max_row = max(max_row, *map(int, rows))
        if max_column > _EXCEL_COLUMNS:
            _refuse(
                name, f"the sheet places a cell in column {max_column:,}, beyond Excel's last column (XFD); refused"
            )
        _too_many(name, max_row, max(max_column, 1), "reaches")


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    for text in _chunks(zf, info, name):
        tag = _SST.search(text)
        if tag is None:
            continue
        counts = [int(c) for c in _COUNT.findall(tag.group(1))]
        cap = max_sheet_cells()
        if counts and max(counts) > cap:
            _refuse(
                name,
                f"the workbook declares {max(counts):,} shared strings, over the {cap:,}-cell limit; "
                "save the sheet again with only its table",
            )
        return  # one <sst> per workbook, at its start


def _check_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    # The extent of cells that hold something: LibreOffice ends every sheet with empty
    # rows and cells repeated to the sheet's edge, which are no content and are fine.
    row = column = row_repeat = 0
    max_row = max_column = 0
    for m in (m for text in _chunks(zf, info, name) for m in _ODS_TAG.finditer(text)):
        closing, kind, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if kind == b"table":
            if not closing:
                row = 0
            continue
        if kind == b"table-row":
            if closing:
                row += row_repeat
            else:
                repeat = _ODS_ROWS.search(attrs)
                row_repeat = int(repeat.group(1)) if repeat else 1
                column = 0
                if empty:
                    row += row_repeat
            continue
        if closing:
            continue
        repeat = _ODS_COLUMNS.search(attrs)
        columns = int(repeat.group(1)) if repeat else 1
        if not empty or b"value-type" in attrs:
            max_column = max(max_column, column + columns)
            max_row = max(max_row, row + max(row_repeat, 1))
            _too_many(name, max_row, max_column, "reaches")
        column += columns


# -- reading in a child process -------------------------------------------------------------------

_EXIT_UNREADABLE = 2
_EXIT_TOO_LARGE = 3


def _read_in_child(source: Path, target: Path, name: str) -> None:
    seconds = sheet_seconds()
    memory = sheet_memory_bytes()
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    command = [sys.executable, "-P", str(Path(__file__).resolve()), str(source), str(target)]
    command += [str(max_sheet_cells()), str(memory), str(int(seconds) + 1)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        _refuse(name, f"reading the workbook took longer than {seconds:,.0f} s; refused")
    except BaseException as exc:  # could not even start the reader: still one line
        if isinstance(exc, KeyboardInterrupt):
            raise
        _refuse(name, f"the Excel file cannot be read ({type(exc).__name__})")
    said = _first_line(done.stderr, source, name)
    if done.returncode == 0 and target.exists():
        return
    if done.returncode == _EXIT_TOO_LARGE:
        _refuse(name, said)
    if done.returncode == _EXIT_UNREADABLE and "MemoryError" not in said:
        _refuse(name, f"the Excel file cannot be read ({said[:120]})")
    _refuse(
        name,
        f"reading the workbook needs more than {memory // MB:,} MB of memory (it declares far more cells "
        "than it holds?); refused",
    )


def _first_line(stderr: bytes, source: Path, name: str) -> str:
    """The child's one-line reason, with no server path in it and no control character."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("vmdash-sheet: ")]
    text = lines[-1][len("vmdash-sheet: ") :] if lines else ""
    for path in (str(source), str(source.parent)):
        text = text.replace(path, name)
    # Any other absolute path (a library's, a temp folder's) says nothing to the user.
    text = re.sub(r"(?:/[^\s/:'\"()]+)+/([^\s/:'\"()]+)", r"\1", text)
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text).strip() or "no reason given"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return str(value)


def _child(source: str, target: str, max_cells: int, memory: int, seconds: int) -> int:
    """The reading child: limits first, then calamine; every failure one line on stderr."""
    import resource

    try:
        # Imported before the limits: the reader's own code is no part of a workbook's cost.
        from python_calamine import CalamineWorkbook

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        sheet = CalamineWorkbook.from_path(source).get_sheet_by_index(0)
        # The rows are padded from A1 (skip_empty_area=False): the span from A1 is what is built.
        end_row, end_column = sheet.end or (0, 0)
        rows, columns = end_row + 1, end_column + 1
        if rows * columns > max_cells:
            sys.stderr.write(
                f"vmdash-sheet: the sheet reaches {rows:,} rows × {columns:,} columns, over the "
                f"{max_cells:,}-cell limit (a cell far from the data?); save the sheet again with only its table\n"
            )
            return _EXIT_TOO_LARGE
        data = sheet.to_python(skip_empty_area=False)
        with open(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for row in data:
                writer.writerow([_cell(v) for v in row])
    except BaseException as exc:  # calamine's PanicException is a BaseException
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        sys.stderr.write(f"vmdash-sheet: {type(exc).__name__}: {message[:200]}\n")
        return _EXIT_UNREADABLE
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])))
