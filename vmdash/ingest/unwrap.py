"""Exports that wrap each whole CSV line in one quoted field (a CSV inside a CSV): parse twice.

Seen in Meta Business Suite video exports: every line is `"Post ID,Title,...,""a, b"",..."`,
so a CSV reader sees one column. The inner text is the real file; it is written out once,
line for line, so the rest of the import reads it like any other export.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# Looked at before deciding: a wrapped file wraps every one of its first lines.
SAMPLE_LINES = 20
_DELIMITERS = (",", ";", "\t")


def is_wrapped(lines: list[str]) -> bool:
    """True when every sampled line is one quoted field whose text holds a delimited row."""
    sample = [line for line in lines[:SAMPLE_LINES] if line.strip()]
    if len(sample) < 2 or not all(line.lstrip("\ufeff").startswith('"') for line in sample):
        return False
    try:
        rows = list(csv.reader(io.StringIO("\n".join(sample))))
    except csv.Error:
        return False
    if len(rows) != len(sample) or any(len(row) != 1 for row in rows):
        return False
    header = rows[0][0]
    delimiter = max(_DELIMITERS, key=header.count)
    return header.count(delimiter) >= 2 and all(row[0].count(delimiter) >= 1 for row in rows)


def unwrapped(path: Path, workdir: Path) -> Path | None:
    """The inner CSV written to a new file, or None when `path` (UTF-8) is not wrapped."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        # A bounded read: a hostile file may be one line of a gigabyte.
        head = [fh.readline(1 << 20).rstrip("\r\n") for _ in range(SAMPLE_LINES)]
    if not is_wrapped([line for line in head if line]):
        return None
    target = workdir / f"{path.stem}_unwrapped.csv"
    with (
        path.open(encoding="utf-8-sig", newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        for row in csv.reader(src):
            # A blank line reads as []; a wrapped row is one field holding the real line.
            dst.write((row[0] if row else "") + "\n")
    return target
