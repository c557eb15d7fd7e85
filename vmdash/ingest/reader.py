"""Where the CSV reader starts, and which physical line of a file each row it read came from.

DuckDB reads the rows; this module hands it a file that starts at the data (its `skip`
counts CSV rows, a header found by physical lines may sit below a quoted line break) and
turns what it reports back into the line numbers a person sees in a text editor.
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
# Fields up to DuckDB's own line limit (2 MB) must not stop the line count.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class Source:
    """The file DuckDB reads, how many CSV rows it skips, and the lines before it in the upload."""

    path: Path
    skip: int
    line_offset: int  # physical lines of the upload before the first line of `path`


def data_source(path: Path, header_line: int, workdir: Path) -> Source:
    """The file to read: the upload itself below a first-line header, else a copy starting at the data."""
    if header_line == 0:
        return Source(path, 1, 0)
    target = workdir / f"{path.stem}_data{len(list(workdir.glob('*_data*.csv')))}.csv"
    with path.open("rb") as src:
        for _ in range(header_line + 1):
            if not src.readline():
                break
        with target.open("wb") as dst:
            shutil.copyfileobj(src, dst, MB)
    return Source(target, 0, header_line + 1)


def lines_at(path: Path, positions: list[int]) -> dict[int, int]:
    """The 1-based physical line holding each byte position of the file (read once, in chunks)."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    if not wanted:
        return found
    newlines, offset, k = 0, 0, 0
    with path.open("rb") as fh:
        while k < len(wanted) and (chunk := fh.read(8 * MB)):
            while k < len(wanted) and wanted[k] < offset + len(chunk):
                found[wanted[k]] = newlines + chunk.count(b"\n", 0, wanted[k] - offset) + 1
                k += 1
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    for position in wanted[k:]:
        found[position] = newlines + 1
    return found


def record_lines(source: Source, delimiter: str, skipped_lines: set[int], rows: list[int]) -> dict[int, int]:
    """The physical line (in `source.path`) where each read row starts, by its 0-based order.

    Rows are counted as DuckDB counts them: CSV records after `skip`, without empty lines and
    without the records it refused (`skipped_lines`, their first lines). Reads only as far as
    the last row asked for.
    """
    wanted = sorted(set(rows))
    found: dict[int, int] = {}
    if not wanted:
        return found
    k, index, previous, record = 0, -1, 0, 0
    with source.path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True)
        try:
            for cells in reader:
                start, previous = previous + 1, reader.line_num
                record += 1
                if record <= source.skip or not cells or start in skipped_lines:
                    continue
                index += 1
                if index == wanted[k]:
                    found[index] = start
                    k += 1
                    if k == len(wanted):
                        break
        except csv.Error:
            pass  # a line the module cannot read: the rows after it keep no line number
    return found


# What DuckDB's reject_errors.error_type means for a person.
_REJECT_REASONS = {
    "TOO MANY COLUMNS": "it has more fields than the header's {n}",
    "UNQUOTED VALUE": "a quote in it is not closed or stands inside a field",
    "LINE SIZE OVER MAXIMUM": "the line is longer than 2 MB",
    "INVALID ENCODING": "its text is not valid UTF-8",
    "INVALID UNICODE": "its text is not valid UTF-8",
}


def reject_reason(error_type: str, fields: int | None, columns: int) -> str:
    """Why the CSV reader refused a row, in words (never DuckDB's own message)."""
    if error_type == "MISSING COLUMNS":
        return f"it has {fields} of the header's {columns} fields"
    return _REJECT_REASONS.get(error_type, "it cannot be read as a CSV row").format(n=columns)
