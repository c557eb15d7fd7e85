"""SQL expressions that parse raw export cells, rendered from fixed templates.

Only column identifiers generated here (c0, c1, ...), registry names and the
templates below enter SQL text; file names, paths and values are bound
parameters. Locale choices switch between templates, they are never spliced.
"""

from __future__ import annotations

import re

from vmdash import model
from vmdash.ingest import languages
from vmdash.ingest.spec import Field
from vmdash.sql import literal

# Whitespace a cell may be padded with, including the no-break and narrow no-break spaces
# French exports use as thousands separators.
_PAD = " \t\r\n\u00a0\u202f"
_PAD_CODES = "[" + ", ".join(str(ord(c)) for c in _PAD) + "]"
# '--', '<5' and blank mean "unknown": NULL, never 0 or 5.
_NA_TOKENS = ("--", "-", "—", "n/a", "na", "null", "none", "<5", "< 5")
# Removed before reading a number: spaces of every kind, units and an explicit plus sign.
_NUMBER_NOISE = (" ", "\u00a0", "\u202f", "\t", "%", "€", "$", "£", "+")


def _month_patterns() -> tuple[tuple[str, str], ...]:
    """(regular expression, English name) per month, from every language's spellings."""
    out = []
    for index, english in enumerate(languages.ENGLISH_MONTHS):
        spellings = {s.rstrip(".") for table in languages.MONTHS.values() for s in table[index]}
        spellings.discard(english)
        # Longest first, so 'marzo' is not read as 'mar' + 'zo'; the dot of an abbreviation goes too.
        ordered = sorted(spellings, key=lambda s: (-len(s), s))
        out.append(("\\b(" + "|".join(re.escape(s) for s in ordered) + ")\\b\\.?", english))
    return tuple(out)


_MONTHS = _month_patterns()
# Formats for a date written without its year ('February 28', '8 de marzo'), once the year is added.
_DATE_FORMATS_NO_YEAR = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")

_DATE_FORMATS_MONTH_FIRST = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y",
    "%d-%b-%y",  # '8-May-20': a Studio table re-saved by Excel
    "%d-%B-%y",  # the same once month folding spelled a shared abbreviation out ('24-Sep-20')
)
_DATE_FORMATS_DAY_FIRST = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",  # 'Feb 2, 2026': an English Studio table re-saved by a European Excel (';')
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y",
    "%d-%b-%y",  # '8-May-20': a Studio table re-saved by Excel
    "%d-%B-%y",  # the same once month folding spelled a shared abbreviation out ('24-Sep-20')
)


def col(index: int) -> str:
    """The generated identifier of the raw column at this position."""
    return f"c{int(index)}"


def trimmed(raw: str) -> str:
    """The cell without the padding around it (trimming only the cells that have some is faster)."""
    # Told by the first character's code point and the cell's last bytes: `right()` would walk
    # the cell's grapheme clusters, twice the cost of every other step of the trim together.
    ends = " OR ".join(f"suffix({raw}, chr({ord(c)}))" for c in _PAD)
    padded = f"list_contains({_PAD_CODES}, ord({raw})) OR {ends}"
    return f"CASE WHEN {padded} THEN trim({raw}, {literal(_PAD)}) ELSE {raw} END"


def clean(text: str) -> str:
    """A trimmed cell, NULL for blank or 'unknown' markers (tokens are short: longer text skips the lookup)."""
    tokens = ", ".join(literal(t) for t in _NA_TOKENS)
    return (
        f"CASE WHEN length({text}) > 4 THEN {text} "
        f"WHEN list_contains([{tokens}], lower({text})) THEN NULL ELSE nullif({text}, '') END"
    )


def number(raw: str, decimal_comma: bool) -> str:
    """A raw cell as DOUBLE, reading thousands separators and the locale's decimal mark.

    Most cells are plain numbers: they cast directly, and only the rest pay for the cleanup.
    '1.234,5' (dot thousands) and '1234,5' both read 1234.5 with a decimal comma; '1234.5'
    (an Excel cell in a French export) stays.
    """
    return _finite(_number_value(raw, decimal_comma))


def _number_value(raw: str, decimal_comma: bool) -> str:
    # The number as written, 'nan', 'inf' and '1e400' included: `bounded` decides what is one.
    stripped = raw
    for noise in _NUMBER_NOISE:
        stripped = f"replace({stripped}, {literal(noise)}, '')"
    if decimal_comma:
        body = (
            f"CASE WHEN contains({stripped}, ',') "
            f"THEN replace(replace({stripped}, '.', ''), ',', '.') ELSE {stripped} END"
        )
    else:
        body = f"replace({stripped}, ',', '')"
    return f"coalesce(TRY_CAST({raw} AS DOUBLE), TRY_CAST({body} AS DOUBLE))"


def _finite(value: str) -> str:
    # 'nan', 'inf' and '1e400' cast to DOUBLE too, and one of them would poison every sum
    # of its group: they are not numbers. (DuckDB computes the repeated value once.)
    return f"(CASE WHEN isfinite({value}) THEN {value} END)"


def duration(text: str, decimal_comma: bool) -> str:
    """'H:MM:SS', 'M:SS' or plain seconds as DOUBLE seconds (hours may exceed 24)."""
    return _finite(_duration_value(text, decimal_comma))


# 'H:MM:SS' or 'M:SS': digits only, so 'nan:00', 'inf:00', '1e308:00:00' and 200 parts are not durations.
_CLOCK = r"^\d{1,12}(:\d{1,2}){1,2}(\.\d+)?$"


def _duration_value(text: str, decimal_comma: bool) -> str:
    parts = f"list_transform(string_split({text}, ':'), lambda v: TRY_CAST(v AS DOUBLE))"
    hms = f"list_reduce({parts}, lambda acc, v: acc * 60 + v)"
    return (
        f"CASE WHEN NOT contains({text}, ':') THEN {_number_value(text, decimal_comma)} "
        f"WHEN regexp_matches({text}, {literal(_CLOCK)}) THEN {hms} END"
    )


def date(raw: str, day_first: bool, year: bool = False) -> str:
    """A raw date cell in the usual spellings of every language in languages.MONTHS, as DATE.

    ISO dates cast directly; only other spellings go through month-name folding and the formats.
    `year`: a date without a year ('February 28') takes the bound parameter `$year` (and
    `$year_last`, the period's last day, moves it a year back when it would fall after it).
    """
    folded = f"regexp_replace(lower({trimmed(raw)}), '\\b1er\\b', '1')"
    for pattern, english in _MONTHS:
        folded = f"regexp_replace({folded}, {literal(pattern)}, {literal(english)})"
    # '8 de marzo de 2026' (Spanish, Portuguese) and '8. März 2026' (German) read as '8 march 2026'.
    folded = f"regexp_replace(regexp_replace({folded}, '\\s+de\\s+', ' ', 'g'), '^(\\d{{1,2}})\\.\\s+', '\\1 ')"
    formats = _DATE_FORMATS_DAY_FIRST if day_first else _DATE_FORMATS_MONTH_FIRST
    listed = ", ".join(literal(f) for f in formats)
    parsed = f"CAST(try_strptime({folded}, [{listed}]) AS DATE)"
    if year:
        no_year = ", ".join(literal(f) for f in _DATE_FORMATS_NO_YEAR)
        guess = f"CAST(try_strptime({folded} || ' ' || CAST($year AS VARCHAR), [{no_year}]) AS DATE)"
        # With a period ending in January, 'December 30' belongs to the year before ($year_last:
        # the period's last day, or NULL when the year was chosen at import).
        guess = f"(CASE WHEN {guess} > CAST($year_last AS DATE) THEN CAST({guess} - INTERVAL 1 YEAR AS DATE) ELSE {guess} END)"
        parsed = f"coalesce({parsed}, {guess})"
    return _in_range(f"coalesce(TRY_CAST({raw} AS DATE), {parsed})")


def _in_range(value: str) -> str:
    first, last = model.FIRST_DATE.isoformat(), model.LAST_DATE.isoformat()
    return f"(CASE WHEN {value} BETWEEN DATE '{first}' AND DATE '{last}' THEN {value} END)"


_VOCABULARY = {"platform": model.PLATFORMS, "channel": model.CHANNELS, "objective": model.OBJECTIVES}


def choice(text: str, kind: str) -> str:
    """A cell as one of the canonical names of its vocabulary, NULL when it is not one."""
    names = ", ".join(literal(p) for p in _VOCABULARY[kind])
    lowered = f"replace(lower({text}), ' ', '_')"
    # Not `IN (...)`: DuckDB plans a long IN list as a hash join, which reorders rows, and the
    # staging table's rowid must stay the file's row number.
    return f"CASE WHEN list_contains([{names}], {lowered}) THEN {lowered} END"


# Kinds read from the trimmed text; the others parse the raw cell, trimming only when needed.
TEXT_KINDS = frozenset({"text", "duration", *_VOCABULARY})


# Kinds DuckDB's CSV reader can type by itself, when a file writes them plainly (see `plain`):
# numbers then skip the locale-aware cleanup, the costliest part of reading a large export.
READER_TYPES = {"int": "DOUBLE", "number": "DOUBLE", "pct": "DOUBLE", "hours": "DOUBLE", "date": "DATE"}
_PLAIN = {"DOUBLE": re.compile(r"^-?\d{1,15}(\.\d{1,15})?$"), "DATE": re.compile(r"^\d{4}-\d{2}-\d{2}$")}


def plain(kind: str, cell: str) -> bool:
    """True when the CSV reader types this cell exactly as `parse_expr` would read its text."""
    return cell == "" or bool(_PLAIN[READER_TYPES[kind]].match(cell))


def typed_expr(fld: Field, value: str) -> str:
    """The SQL turning a value the CSV reader already typed (READER_TYPES) into the field's value."""
    if fld.kind == "date":
        return _in_range(value)
    return _cast(fld.kind, bounded(fld.kind, typed_value(fld, value)))


def typed_value(fld: Field, value: str) -> str:
    """Like `parse_value`, for a value the CSV reader already typed."""
    if fld.kind == "date":
        return _in_range(value)
    return _scaled(fld.kind, value)


def parse_expr(fld: Field, raw: str, text: str, *, decimal_comma: bool, day_first: bool, year: bool = False) -> str:
    """The SQL turning a cell into the field's typed value: `raw` is the cell, `text` its cleaned text.

    `text` (see `clean`) is only read for TEXT_KINDS; `year`: see `date`. Numbers beyond their kind's bounds are NULL.
    """
    value = parse_value(fld, raw, text, decimal_comma=decimal_comma, day_first=day_first, year=year)
    if fld.kind in NUMERIC_KINDS:
        return _cast(fld.kind, bounded(fld.kind, value))
    return value


def parse_value(fld: Field, raw: str, text: str, *, decimal_comma: bool, day_first: bool, year: bool = False) -> str:
    """Like `parse_expr`, but numbers come as DOUBLE as written (non-finite or huge included).

    `bounded` then keeps the plausible ones and `out_of_bounds` says which cells claimed more.
    """
    kind = fld.kind
    if kind == "text":
        return text
    if kind in _VOCABULARY:
        return choice(text, kind)
    if kind == "duration":
        return _duration_value(text, decimal_comma)
    if kind == "date":
        return date(raw, day_first, year)
    if kind == "int" and decimal_comma:
        return _scaled(kind, _count_value(raw))
    return _scaled(kind, _number_value(raw, decimal_comma))


def _count_value(raw: str) -> str:
    # A count in a decimal-comma file: '1.500' and '1.234.567' use the dot for thousands
    # (Excel in German or Portuguese, Google Ads' total rows); anything else reads as a number.
    stripped = raw
    for noise in _NUMBER_NOISE:
        stripped = f"replace({stripped}, {literal(noise)}, '')"
    return (
        f"CASE WHEN regexp_full_match({stripped}, '-?[0-9]{{1,3}}([.][0-9]{{3}})+') "
        f"THEN TRY_CAST(replace({stripped}, '.', '') AS DOUBLE) ELSE {_number_value(raw, True)} END"
    )


NUMERIC_KINDS = frozenset({"int", "number", "pct", "duration", "hours"})
# The largest magnitude a cell of each kind may hold, after scaling (seconds, ratios). Far above
# any real export (a channel's lifetime watch time is ~1e13 s), low enough that a derived
# product (a Google quartile rate x impressions) and a sum of millions of rows stay exact in
# BIGINT and finite in DOUBLE.
BOUNDS = {"int": 1e15, "number": 1e15, "duration": 1e15, "hours": 1e15, "pct": 100.0}


def bounded(kind: str, value: str) -> str:
    """The value when it is finite and within its kind's bounds, else NULL."""
    return f"(CASE WHEN isfinite({value}) AND abs({value}) <= {BOUNDS[kind]:.0f} THEN {value} END)"


def out_of_bounds(kind: str, value: str) -> str:
    """TRUE when a cell held a number that is not finite or beyond its kind's bounds."""
    return f"({value} IS NOT NULL AND NOT coalesce(isfinite({value}) AND abs({value}) <= {BOUNDS[kind]:.0f}, false))"


def _cast(kind: str, value: str) -> str:
    # Bounded first, so the cast cannot fail.
    return f"CAST({value} AS BIGINT)" if kind == "int" else value


def _scaled(kind: str, number: str) -> str:
    if kind == "hours":
        return f"({number} * 3600.0)"
    if kind == "pct":
        return f"({number} / 100.0)"
    if kind == "int":
        return f"round({number})"
    return number


def failed_expr(raw: str, parsed: str, *, typed: bool = False) -> str:
    """TRUE when a cell held something (not blank, not an 'unknown' marker) that did not parse.

    `typed`: the reader typed the cell (READER_TYPES), so only an out-of-range value can fail.
    """
    if typed:
        return f"({raw} IS NOT NULL AND {parsed} IS NULL)"
    return f"(CASE WHEN {parsed} IS NOT NULL OR {raw} IS NULL THEN false ELSE {clean(trimmed(raw))} IS NOT NULL END)"
