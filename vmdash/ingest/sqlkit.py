"""SQL expressions that parse raw export cells, rendered from fixed templates.

Only column identifiers generated here (c0, c1, ...), registry names and the
templates below enter SQL text; file names, paths and values are bound
parameters. Locale choices switch between templates, they are never spliced.
"""

from __future__ import annotations

from vmdash import model
from vmdash.ingest.spec import Field

_SPACE = r"[\s\x{00a0}\x{202f}]"
# '--', '<5' and blank mean "unknown": NULL, never 0 or 5.
_NA = r"^(--|-|—|n/a|na|null|none|<\s*5|< ?5)$"

_FRENCH_MONTHS = (
    ("janvier|janv\\.?", "january"),
    ("février|fevrier|févr\\.?|fevr\\.?|fév\\.?", "february"),
    ("mars", "march"),
    ("avril|avr\\.?", "april"),
    ("mai", "may"),
    ("juin", "june"),
    ("juillet|juil\\.?", "july"),
    ("août|aout", "august"),
    ("septembre|sept\\.?", "september"),
    ("octobre|oct\\.", "october"),
    ("novembre|nov\\.", "november"),
    ("décembre|decembre|déc\\.?|dec\\.", "december"),
)

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
)
_DATE_FORMATS_DAY_FIRST = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y",
)


def col(index: int) -> str:
    """The generated identifier of the raw column at this position."""
    return f"c{int(index)}"


def clean(raw: str) -> str:
    """Trimmed cell text, NULL for blank or 'unknown' markers."""
    trimmed = f"regexp_replace({raw}, '^{_SPACE}+|{_SPACE}+$', '', 'g')"
    return f"nullif(regexp_replace({trimmed}, '{_NA}', '', 'i'), '')"


def number(text: str, decimal_comma: bool) -> str:
    """A cleaned cell as DOUBLE, reading thousands separators and the locale's decimal mark."""
    stripped = f"regexp_replace({text}, '{_SPACE}|%|€|\\$|£|\\+', '', 'g')"
    if decimal_comma:
        # '1.234,5' (dot thousands) and '1234,5' both read 1234.5; '1234.5' (an Excel cell) stays.
        body = (
            f"CASE WHEN contains({stripped}, ',') "
            f"THEN replace(replace({stripped}, '.', ''), ',', '.') ELSE {stripped} END"
        )
    else:
        body = f"replace({stripped}, ',', '')"
    return f"TRY_CAST({body} AS DOUBLE)"


def duration(text: str, decimal_comma: bool) -> str:
    """'H:MM:SS', 'M:SS' or plain seconds as DOUBLE seconds (hours may exceed 24)."""
    parts = f"list_transform(string_split({text}, ':'), lambda v: TRY_CAST(v AS DOUBLE))"
    hms = f"list_reduce({parts}, lambda acc, v: acc * 60 + v)"
    return f"CASE WHEN contains({text}, ':') THEN {hms} ELSE {number(text, decimal_comma)} END"


def date(text: str, day_first: bool) -> str:
    """A date cell in any of the usual English or French spellings, as DATE."""
    folded = f"regexp_replace(lower({text}), '\\b1er\\b', '1')"
    for pattern, english in _FRENCH_MONTHS:
        folded = f"regexp_replace({folded}, '\\b({pattern})', '{english}')"
    formats = _DATE_FORMATS_DAY_FIRST if day_first else _DATE_FORMATS_MONTH_FIRST
    listed = ", ".join(f"'{f}'" for f in formats)
    return f"CAST(try_strptime({folded}, [{listed}]) AS DATE)"


_VOCABULARY = {"platform": model.PLATFORMS, "channel": model.CHANNELS, "objective": model.OBJECTIVES}


def choice(text: str, kind: str) -> str:
    """A cell as one of the canonical names of its vocabulary, NULL when it is not one."""
    names = ", ".join(f"'{p}'" for p in _VOCABULARY[kind])
    lowered = f"replace(lower({text}), ' ', '_')"
    return f"CASE WHEN {lowered} IN ({names}) THEN {lowered} END"


def parse_expr(fld: Field, raw: str, *, decimal_comma: bool, day_first: bool) -> str:
    """The SQL expression turning a raw cell into the field's typed value."""
    text = clean(raw)
    kind = fld.kind
    if kind == "text":
        return text
    if kind in _VOCABULARY:
        return choice(text, kind)
    if kind == "date":
        return date(text, day_first)
    if kind == "duration":
        return duration(text, decimal_comma)
    if kind == "hours":
        return f"({number(text, decimal_comma)} * 3600.0)"
    if kind == "pct":
        return f"({number(text, decimal_comma)} / 100.0)"
    if kind == "int":
        return f"CAST(round({number(text, decimal_comma)}) AS BIGINT)"
    return number(text, decimal_comma)


def failed_expr(raw: str, parsed: str) -> str:
    """TRUE when a cell held something that did not parse."""
    return f"({clean(raw)} IS NOT NULL AND ({parsed}) IS NULL)"
