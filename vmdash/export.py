"""Chart and data exports: PNG and SVG rendered server-side, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import re
from typing import Any

import pandas as pd
import vl_convert

from vmdash import charts

# OWASP's CSV injection guidance: a cell starting with one of these is run as a formula (or a
# DDE command, '|') by Excel, LibreOffice or Sheets, also after leading spaces some of them
# trim; full-width and other compatibility forms ('＝', '﹢') count, as East Asian Excel reads
# them so. A separator inside a cell starts a new cell when a spreadsheet splits on it
# (French Excel splits on ';', whatever the quoting says), so a formula after one counts too.
# Every character NFKC folds onto '=', '+', '-', '@', '|' and onto ',', ';' (the BMP, listed
# once here; tests/unit/test_export_injection.py recomputes them).
FORMULA_FORMS = "\u207a\u207c\u208a\u208c\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20\uff5c"
SEPARATOR_FORMS = "\u037e\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b"
_FORMULA = re.escape("=+-@|\u2212" + FORMULA_FORMS)
_SEPARATOR = re.escape(",;|\t" + SEPARATOR_FORMS)
_FORMULA_START = re.compile(r"^(?:[\t\r\n]|[\s\u3000]*[" + _FORMULA + "])")
_FORMULA_AFTER_SEPARATOR = re.compile(r"([" + _SEPARATOR + r"])([\s\u3000\"']*[" + _FORMULA + "])")


def neutralise(value: Any) -> Any:
    """Make a text cell inert: an apostrophe before it, and after any separator a formula follows."""
    if not isinstance(value, str) or not value:
        return value
    split_safe = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    if split_safe != value or _FORMULA_START.match(value):
        return "'" + split_safe
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with BOM, so Excel reads accents), text cells neutralised and quoted."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    # Text quoted: a reader splitting on ',' keeps a cell's commas, quotes and line breaks inside it.
    return safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def _spec(chart: Any) -> dict:
    spec = charts.to_spec(chart) if hasattr(chart, "to_dict") else dict(chart)
    # Streamlit sizes charts to their container; a file needs a fixed width.
    if "vconcat" in spec:
        # A stack fits the page in the app; in a file each chart of it takes the file's width.
        spec["vconcat"] = [
            {**child, "width": 720} if child.get("width") in (None, "container") else child for child in spec["vconcat"]
        ]
    elif spec.get("width") in (None, "container"):
        spec["width"] = 720
    return spec


def svg_bytes(chart: Any) -> bytes:
    """The chart rendered to SVG on the server (no browser involved)."""
    return vl_convert.vegalite_to_svg(_spec(chart)).encode("utf-8")


def png_bytes(chart: Any, scale: float = 2.0) -> bytes:
    """The chart rendered to PNG on the server, at `scale` times its size for sharp slides."""
    return bytes(vl_convert.vegalite_to_png(_spec(chart), scale=scale))


def file_stem(name: str) -> str:
    """A safe file name stem from a chart title."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return stem[:80] or "chart"
