"""Chart and data exports: PNG and SVG rendered server-side, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import vl_convert

from vmdash import charts

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with BOM, so Excel reads accents) and text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def _spec(chart: Any) -> dict:
    spec = charts.to_spec(chart) if hasattr(chart, "to_dict") else dict(chart)
    # Streamlit sizes charts to their container; a file needs a fixed width.
    if spec.get("width") in (None, "container"):
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
