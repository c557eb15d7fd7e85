"""Find the header row, the export format, the delimiter and the locale of a text file."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass

from vmdash.errors import ImportRejected, UnknownFormat
from vmdash.ingest import (
    generic,
    google_ads,
    languages,
    linkedin,
    meta,
    meta_business_suite,
    tiktok,
    tiktok_studio,
    vimeo,
    wistia,
    youtube,
)
from vmdash.ingest.spec import Format, HeaderMatch, match_headers

FORMATS: tuple[Format, ...] = (
    *youtube.FORMATS,
    *meta.FORMATS,
    *tiktok.FORMATS,
    *linkedin.FORMATS,
    *google_ads.FORMATS,
    *vimeo.FORMATS,
    *wistia.FORMATS,
    *meta_business_suite.FORMATS,
    *tiktok_studio.FORMATS,
    *generic.FORMATS,
)
BY_NAME = {f.name: f for f in FORMATS}

# Preambles are short (Google Ads 2 lines, LinkedIn about 5); look a little further.
MAX_PREAMBLE_LINES = 30
DELIMITERS = (",", ";", "\t")
_DECIMAL_COMMA_CELL = re.compile(r"^-?\d+,\d{1,2}\s*%?$|^-?\d{1,3}([\u00a0\u202f ]\d{3})+(,\d+)?\s*%?$")
# '12.5', '0.39%' or '1,234.5': a number written with a decimal point.
_DECIMAL_POINT_CELL = re.compile(r"^-?\d+\.\d+\s*%?$|^-?\d{1,3}(,\d{3})+\.\d+\s*%?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}\b")


@dataclass(frozen=True)
class Detection:
    """What a file was recognised as, and why."""

    format: Format
    header_line: int  # 0-based line index of the header in the decoded text
    delimiter: str
    headers: tuple[str, ...]
    matches: dict[str, HeaderMatch]
    language: str  # a code of languages.NAMES
    decimal_comma: bool
    encoding: str
    currency: str | None
    day_first: bool = False  # '01/03/2026' is the 1st of March

    @property
    def locale(self) -> str:
        """The language code ('en', 'fr', 'de', ...)."""
        return self.language

    def reason(self) -> str:
        """One sentence a person can check: format, locale and the evidence."""
        shown = [m.header for m in self.matches.values() if m.language == self.language][:2]
        if not shown:
            shown = [m.header for m in self.matches.values()][:2]
        language = languages.NAMES.get(self.language, self.language)
        delimiter = {"\t": "tab", ",": "','", ";": "';'"}[self.delimiter]
        decimal = "decimal comma" if self.decimal_comma else "decimal point"
        quoted = ", ".join(f"'{h.strip()}'" for h in shown)
        preamble = f", {self.header_line} preamble line(s) skipped" if self.header_line else ""
        return (
            f"{self.format.label}, {language}: headers {quoted}, {decimal}, {delimiter} delimiter, "
            f"{self.encoding}{preamble}"
        )


def detect(file_name: str, lines: list[str], encoding: str, saved: tuple[Format, ...] = ()) -> Detection:
    """Recognise the export from its first lines; raise UnknownFormat with what was seen.

    `saved` are the formats of column mappings analysts saved; they are tried with the built-in ones.
    """
    if not any(line.strip() for line in lines):
        raise ImportRejected(file_name, "the file is empty")
    best: tuple[int, Detection] | None = None
    for index, line in enumerate(lines[:MAX_PREAMBLE_LINES]):
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = cells_of(line, delimiter)
            if len(cells) < 2:
                continue
            for fmt in (*saved, *FORMATS):
                found = match_headers(fmt, cells)
                if found is None:
                    continue
                score = len(found)
                if best is None or score > best[0]:
                    best = (score, _detection(fmt, index, delimiter, cells, found, lines, encoding))
        if best is not None:
            # The first line that matches anything is the header; later lines are data.
            return best[1]
    first = lines[0].strip()[:80] if lines else ""
    raise UnknownFormat(
        file_name,
        "this is not an export vmdash recognises (no header row of YouTube, Meta, TikTok, LinkedIn, "
        f"Google Ads, Vimeo or Wistia in the first {MAX_PREAMBLE_LINES} lines; first line: {first!r}). "
        "Map its columns on the Upload page, or rename the headers to vmdash's canonical names.",
    )


def _detection(
    fmt: Format,
    index: int,
    delimiter: str,
    cells: list[str],
    found: dict[str, HeaderMatch],
    lines: list[str],
    encoding: str,
) -> Detection:
    # The language most headers were found in; English wins a tie (many headers read alike).
    counts = Counter(m.language for m in found.values())
    language = max(counts, key=lambda code: (counts[code], code == "en")) if counts else "en"
    currency = next((m.currency for m in found.values() if m.currency), None)
    sample = [cells_of(line, delimiter) for line in lines[index + 1 : index + 200]]
    # Only the first lines are sampled: where they show no decimal mark or date order, the
    # locale decides (a French or ';' file is a European one), not a silent English default.
    european = language in languages.DECIMAL_COMMA or delimiter == ";"
    style = _number_style(sample, delimiter)
    decimal_comma = style == "comma" or (style is None and european)
    order = _date_order(sample)
    day_first = order == "day" or (order is None and (european or decimal_comma))
    return Detection(
        format=fmt,
        header_line=index,
        delimiter=delimiter,
        headers=tuple(cells),
        matches=found,
        language=language,
        decimal_comma=decimal_comma,
        encoding=encoding,
        currency=currency,
        day_first=day_first,
    )


def cells_of(line: str, delimiter: str) -> list[str]:
    """One line's cells; none when it is no CSV line at all (a cell of megabytes, a stray NUL)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _number_style(sample: list[list[str]], delimiter: str) -> str | None:
    """'comma' or 'point' for the decimal mark the sample's numbers show; None when none shows one."""
    # With ',' as delimiter a decimal comma only survives inside quotes ("45,2"); "45,905" is
    # a thousands separator, so only one or two digits after the comma count.
    points = False
    for row in sample:
        for cell in row:
            cell = cell.strip()
            if _DECIMAL_COMMA_CELL.match(cell):
                if delimiter == "," and re.match(r"^-?\d{1,3}(,\d{3})+$", cell):
                    continue
                return "comma"
            if not points and _DECIMAL_POINT_CELL.match(cell):
                points = True
    return "point" if points else None


def _date_order(sample: list[list[str]]) -> str | None:
    """'day' or 'month' when a slashed date in the sample can only be read one way, else None."""
    for row in sample:
        for cell in row:
            m = _SLASH_DATE.match(cell.strip())
            if m:
                first, second = int(m.group(1)), int(m.group(2))
                if first > 12 >= second:
                    return "day"
                if second > 12 >= first:
                    return "month"
    return None
