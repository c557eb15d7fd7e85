"""Chart and data exports: PNG and SVG rendered server-side, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import vl_convert

from vmdash import charts, metrics, model

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


@dataclass(frozen=True)
class Context:
    """What a chart file shows: the filters in words, the period and the import its data is as of."""

    filters: str = "no filter"
    period: str = "all dates"
    import_id: int | None = None
    imported_at: datetime | None = None

    def lines(self) -> list[str]:
        """The subtitle lines a chart file carries."""
        as_of = (
            f"Data as of import #{self.import_id}"
            + (f" ({self.imported_at:%Y-%m-%d %H:%M})" if self.imported_at else "")
            if self.import_id is not None
            else "No import yet"
        )
        return [f"Period: {self.period}", f"Filters: {self.filters}", as_of]


def with_context(spec: dict, context: Context | None) -> dict:
    """The spec with the context's lines added to its title's subtitle (a title made for them if it has none)."""
    if context is None:
        return spec
    spec = dict(spec)
    title = spec.get("title")
    if isinstance(title, dict):
        subtitle = title.get("subtitle", [])
        subtitle = [subtitle] if isinstance(subtitle, str) else list(subtitle)
        spec["title"] = {**title, "subtitle": [*subtitle, *context.lines()]}
    else:
        # Vega draws no subtitle under an empty title.
        spec["title"] = {"text": title or " ", "subtitle": context.lines(), "anchor": "start"}
    return spec


# Columns of the charts' tidy frames as people read them, and how their values are rounded:
# 'pct' (a share, written ×100 with one decimal), 'money', 'number' (one decimal), 'ratio'
# (two), 'count' (whole), 'date', 'platform' and 'kpi' (their labels), 'text'.
COLUMNS: dict[str, tuple[str, str]] = {
    "period": ("Period start", "date"),
    "period_end": ("Period end", "date"),
    "date": ("Date", "date"),
    "platform": ("Platform", "platform"),
    "channel": ("Channel", "text"),
    "objective": ("Objective", "text"),
    "group": ("Group", "text"),
    "series": ("Series", "text"),
    "source": ("Platform and channel", "text"),
    "video": ("Video", "text"),
    "title": ("Video", "text"),
    "label": ("Label", "text"),
    "key": ("Video key", "text"),
    "video_key": ("Video key", "text"),
    "kpi": ("KPI", "kpi"),
    "step": ("Step", "text"),
    "kind": ("Kind", "text"),
    "grain": ("Grain", "text"),
    "length_bucket": ("Length", "text"),
    "traffic_source": ("Traffic source", "text"),
    "volume": ("Volume", "count"),
    "views": ("Views", "count"),
    "starts": ("Starts", "count"),
    "plays": ("Plays", "count"),
    "trials": ("Trials", "count"),
    "successes": ("Successes", "count"),
    "peers": ("Videos in the group", "count"),
    "videos": ("Videos compared", "count"),
    "points": ("Points", "count"),
    "order": ("Order", "count"),
    "rate": ("Rate (%)", "pct"),
    "completion_rate": ("Completion rate (%)", "pct"),
    "coverage": ("Coverage (%)", "pct"),
    "audience_ratio": ("Still watching (% of starts)", "pct"),
    "relative_ratio": ("Against similar videos (%)", "pct"),
    "search_share": ("Search share (%)", "pct"),
    "share": ("Share (%)", "pct"),
    "median": ("Typical, median (%)", "pct"),
    "q1": ("Lower quartile (%)", "pct"),
    "q3": ("Upper quartile (%)", "pct"),
    "change": ("Change (pts)", "pct"),
    "position_pct": ("Position (% of length)", "number"),
    "seconds": ("Position (s)", "number"),
    "duration_s": ("Length (s)", "number"),
    "x": ("Position", "number"),
    "index": ("Index", "ratio"),
    "value": ("Value", "number"),
    "low": ("Interval from", "number"),
    "high": ("Interval to", "number"),
}
_VALUE_COLUMNS = {"value": "{}", "low": "{}: interval from", "high": "{}: interval to"}
_DIGITS = {"pct": 1, "money": 2, "number": 1, "ratio": 2, "seconds": 1}


def _rounded(value: Any, fmt: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    if math.isinf(value):
        return value
    if fmt == "pct":
        return round(value * 100, _DIGITS["pct"])
    if fmt == "money":
        # The digits the page shows: enough to tell small costs apart (a CPV of 0.0061 is not 0.01).
        return round(value, metrics._money_digits(value))
    return round(value, _DIGITS.get(fmt, 1))


def labelled(frame: pd.DataFrame, value: tuple[str, str] | None = None, currency: str | None = None) -> pd.DataFrame:
    """The chart's frame for a spreadsheet: columns named for people, values rounded and typed.

    `value`: the label and format ('pct', 'money', ...) of the frame's `value` column (the KPI
    charted). Every rounded float column keeps its unrounded twin, named '… (raw)'; whole counts
    become integers, dates ISO dates, platforms their product names; NULL stays empty.
    """
    out: dict[str, pd.Series] = {}
    for column in frame.columns:
        label, fmt = COLUMNS.get(str(column), (str(column).replace("_", " ").capitalize(), ""))
        if column in _VALUE_COLUMNS and value is not None:
            # An interval's ends are in the KPI's unit too.
            fmt = value[1]
            unit = {"pct": "%", "money": currency or "money", "seconds": "s"}.get(fmt)
            label = _VALUE_COLUMNS[str(column)].format(value[0]) + (f" ({unit})" if unit else "")
        series = frame[column]
        if fmt == "date":
            out[label] = series.map(lambda v: None if pd.isna(v) else pd.Timestamp(v).date().isoformat())
        elif fmt == "platform":
            out[label] = series.map(lambda v: None if pd.isna(v) else model.platform_label(str(v)))
        elif fmt == "kpi":
            out[label] = series.map(lambda v: metrics.BY_NAME[v].label if v in metrics.BY_NAME else v)
        elif fmt == "count" and pd.api.types.is_numeric_dtype(series):
            out[label] = series.round().astype("Int64")
        elif fmt and fmt not in ("text", "count") and pd.api.types.is_float_dtype(series):
            out[label] = series.map(lambda v, f=fmt: _rounded(v, f)).astype("Float64")
            out[f"{label} (raw)"] = series
        elif pd.api.types.is_float_dtype(series):
            out[f"{label} (raw)"] = series
        else:
            out[label] = series.map(lambda v: v.isoformat() if isinstance(v, (date, datetime)) else v)
    return pd.DataFrame(out)


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


def svg_bytes(chart: Any, context: Context | None = None) -> bytes:
    """The chart rendered to SVG on the server (no browser involved), `context` in its subtitle."""
    return vl_convert.vegalite_to_svg(with_context(_spec(chart), context)).encode("utf-8")


def png_bytes(chart: Any, scale: float = 2.0, context: Context | None = None) -> bytes:
    """The chart rendered to PNG on the server, at `scale` times its size for sharp slides, `context` in its subtitle."""
    return bytes(vl_convert.vegalite_to_png(with_context(_spec(chart), context), scale=scale))


def file_stem(name: str) -> str:
    """A safe file name stem from a chart title."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return stem[:80] or "chart"
