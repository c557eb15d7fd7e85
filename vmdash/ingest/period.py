"""The period an export covers when its rows do not say it: a preamble line, the file name, a year.

Google Ads' UI reports put the date range on a line above the header; Meta Business Suite
puts it in the file name; TikTok Studio writes dates without their year. What is found
here becomes the part's context (see pipeline._context): dates for rows that carry none,
and the year of yearless dates, or a refusal asking for it, never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vmdash.errors import ImportRejected
from vmdash.ingest import languages
from vmdash.ingest.detect import Detection, cells_of

_ENGLISH = {name: n + 1 for n, name in enumerate(languages.ENGLISH_MONTHS)}
_LOCAL = {
    spelling.rstrip("."): n + 1
    for table in languages.MONTHS.values()
    for n, spellings in enumerate(table)
    for spelling in spellings
}
_MONTH_NUMBER = {**_LOCAL, **{name[:3]: n for name, n in _ENGLISH.items()}, **_ENGLISH}
_WORD = r"[^\W\d_]+\.?"
# 'March 1, 2026', '1 de março de 2026', '1. März 2026', '1 mars 2026', '2026-03-01'
_DATE = (
    rf"(?:(?P<m1>{_WORD})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\.?\s+(?:de\s+)?(?P<m2>{_WORD})\s+(?:de\s+)?(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))"
)
_RANGE = re.compile(rf"(?P<start>{_DATE})\s*[-–—]\s*(?P<end>{_DATE.replace('?P<', '?P<e')})", re.I)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def preamble_range(lines: list[str]) -> tuple[dt.date, dt.date] | None:
    """The first 'start - end' date range written on the lines above a header."""
    for line in lines:
        # A title line is short; a long one is no preamble (and the search would cost quadratic time).
        m = _RANGE.search(line[:200].replace('"', " "))
        if m:
            start, end = _date(m.groupdict(), ""), _date(m.groupdict(), "e")
            if start and end and start <= end:
                return start, end
    return None


def _date(groups: dict[str, str | None], prefix: str) -> dt.date | None:
    g = {k[len(prefix) :]: v for k, v in groups.items() if k.startswith(prefix) and v}
    try:
        if g.get("y3"):
            return dt.date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        for n in ("1", "2"):
            if g.get("y" + n):
                month = _MONTH_NUMBER.get(g["m" + n].lower().rstrip("."))
                return dt.date(int(g["y" + n]), month, int(g["d" + n])) if month else None
    except (ValueError, TypeError):
        return None
    return None


def context(
    detection: Detection, lines: list[str], base: dict[str, str], year: int | None, name: str
) -> dict[str, Any]:
    """`base` (the part's context) with the preamble's period and the year yearless dates need.

    `year` is the one chosen at import (CLI --year, the Upload page); it wins over the file's.
    """
    out: dict[str, Any] = dict(base)
    fmt = detection.format
    if fmt.title is not None:
        _check_title(fmt.title, lines[: detection.header_line], fmt.label, name)
    span = preamble_range(lines[: detection.header_line])
    if span and "date" not in detection.matches:
        out.setdefault("date", span[0].isoformat())
        out.setdefault("date_end", span[1].isoformat())
    if "date" not in detection.matches or fmt.target != "facts":
        return out
    if not _yearless(detection, lines):
        return out
    known = year or next((int(out[k][:4]) for k in ("date_end", "date") if out.get(k)), None)
    if not year and out.get("date_end"):
        out["year_last"] = out["date_end"]
    if known is None:
        example = _yearless_example(detection, lines)
        raise ImportRejected(
            name,
            f"its dates have no year (e.g. {example!r}) and neither does its name; pass --year YYYY to "
            "`python -m vmdash import`, or choose the year on the Upload page",
        )
    out["year"] = str(known)
    return out


def _date_cells(detection: Detection, lines: list[str]) -> list[str]:
    column = detection.matches["date"].column
    start = detection.header_line + 1
    rows = (cells_of(line, detection.delimiter) for line in lines[start : start + 200])
    return [row[column].strip() for row in rows if column < len(row) and row[column].strip()]


def _is_yearless(cell: str) -> bool:
    """'February 28', '8 de marzo': a day and a month name, no year (not 'Total: Campaigns' or 'Lifetime')."""
    words = re.findall(r"[^\W\d_]+", cell.lower())
    return bool(re.search(r"\d", cell)) and not _YEAR.search(cell) and any(w in _MONTH_NUMBER for w in words)


def _yearless(detection: Detection, lines: list[str]) -> bool:
    """True when the sample's dates are written with a month name and no year."""
    return any(_is_yearless(c) for c in _date_cells(detection, lines))


def _yearless_example(detection: Detection, lines: list[str]) -> str:
    return next((c for c in _date_cells(detection, lines) if _is_yearless(c)), "")


def _check_title(pattern: str, preamble: list[str], label: str, name: str) -> None:
    """Refuse a series whose title line names another metric than the format loads."""
    titles = [t for line in preamble if (t := line.replace('"', "").strip().strip(";,").strip())]
    titles = [t for t in titles if not t.lower().startswith("sep=")]
    if titles and not re.search(pattern, titles[0], re.I):
        raise ImportRejected(
            name,
            f"this {label} export holds {titles[0]!r}, a metric vmdash does not load from this screen; "
            "export the Views series",
        )
