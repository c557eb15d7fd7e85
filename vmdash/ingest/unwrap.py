"""Exports that wrap each whole CSV line in one quoted field (a CSV inside a CSV): parse twice.

Seen in Meta Business Suite video exports: every line is `"Post ID,Title,...,""a, b"",..."`,
so a CSV reader sees one column. The inner text is the real file; it is written out once,
line for line, so the rest of the import reads it like any other export.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

# Looked at before deciding: a wrapped file wraps every one of its first rows.
SAMPLE_ROWS = 20
SAMPLE_CHARS = 256 * 1024
_DELIMITERS = (",", ";", "\t")


def is_wrapped(head: str) -> bool:
    """True when the text's first rows are each one quoted field whose text holds a delimited row."""
    head = head.lstrip("\ufeff")
    if not head.startswith('"'):
        return False
    try:
        rows = [row for row in itertools.islice(csv.reader(io.StringIO(head)), SAMPLE_ROWS + 1) if row]
    except csv.Error:
        return False
    rows = rows[:SAMPLE_ROWS]  # the row after them may be cut by the sample
    if len(rows) < 2 or any(len(row) != 1 for row in rows):
        return False
    header = rows[0][0]
    delimiter = max(_DELIMITERS, key=header.count)
    return header.count(delimiter) >= 2 and all(row[0].count(delimiter) >= 1 for row in rows)


def unwrapped(path: Path, workdir: Path) -> Path | None:
    """The inner CSV written to a new file, or None when `path` (UTF-8) is not wrapped."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        head = fh.read(SAMPLE_CHARS)
    if not is_wrapped(head):
        return None
    target = workdir / f"{path.stem}_unwrapped.csv"
    try:
        with (
            path.open(encoding="utf-8-sig", newline="") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            for row in csv.reader(src):
                # A blank line reads as []; a wrapped row is one field holding the real line.
                dst.write((row[0] if row else "") + "\n")
    except csv.Error:
        # A field past the csv module's limit: not a wrapped export after all; read it as it is.
        return None
    return target
