"""How a platform export is described: its header spellings, value kinds and derivations.

Each platform module declares one `Format` per export layout. Detection, parsing
and normalisation read these declarations; no platform logic lives elsewhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from vmdash.ingest import languages

# Value kinds a raw cell can be parsed as (see sqlkit.parse_expr).
KINDS = ("text", "int", "number", "pct", "duration", "hours", "date", "platform", "channel", "objective")


@dataclass(frozen=True)
class Field:
    """One column of an export: where it goes and how its cells read."""

    name: str  # canonical column, or a '_helper' used by a derivation
    en: tuple[str, ...]  # English header spellings; '{cur}' stands for a currency code
    fr: tuple[str, ...] = ()
    kind: str = "number"
    required: bool = False  # detection needs this header

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r} for {self.name}")


@dataclass(frozen=True)
class Format:
    """One export layout of one platform."""

    name: str
    label: str
    fields: tuple[Field, ...]
    platform: str | None = None  # constant platform; None when a 'platform' field gives it
    target: str = "facts"  # facts | retention | skip (recognised, deliberately not loaded)
    # canonical column -> SQL expression over parsed field names (developer-written, never input)
    derived: dict[str, str] = field(default_factory=dict)
    # a regular expression on the first cell that marks a summary / totals row
    summary_row: str = r"^(total|totaux|total:|total of|total de)\b"
    # a regular expression on the first cell of a row with nothing else in it that marks a footer
    # after the data (YouTube Studio's 'Showing top 500 results'); other such lone rows at the
    # very end are footers too
    trailer_row: str = (
        r"^((showing|displaying) (the )?(top |first )?[\d,. ]+ (results?|rows?|items?)\b"
        r"|no (data|results?)( available| found)?\.?$)"
    )
    objective_field: str | None = None  # a parsed field holding the platform's own objective
    match_all: bool = False  # every field's header must be present (a saved mapping), not only required ones
    exact: bool = False  # the header row holds these fields' columns and nothing else
    channel: str | None = None  # the channel this screen serves (organic screens: 'social'); None: the platform's
    # (SQL predicate over parsed fields, SQL naming what a row is, why): rows failing the predicate
    # are left out and the report counts them by that name (a post export's images are no videos)
    keep: tuple[str, str, str] | None = None
    # a regular expression the title line above the header must match: a series that names its
    # metric only there ('Views;' over 'Date, Primary') is refused when it holds another one
    title: str | None = None
    # the account's own totals, not per video: summed with per-video exports of the same account
    # they count the same views twice, and the import line says so
    account: bool = False
    note: str = ""

    @property
    def required(self) -> tuple[Field, ...]:
        """Fields whose headers must all be present for this format to match."""
        return tuple(f for f in self.fields if f.required)


# Invisible characters some UIs put inside words (YouTube Studio's German headers carry soft
# hyphens, even inside the total label): a header match ignores them.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u00ad\u200b\u200c\u200d\u2060"), None)


def normalise_header(text: str) -> str:
    """Fold a header for comparison: NFKC, no BOM or soft hyphen, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().strip('"').strip().lower()


_CUR = "{cur}"


@functools.lru_cache(maxsize=4096)
def header_pattern(spelling: str) -> re.Pattern[str]:
    """A compiled matcher for one header spelling ('{cur}' captures a currency code)."""
    folded = normalise_header(spelling)
    if _CUR in folded:
        before, after = folded.split(_CUR, 1)
        return re.compile(re.escape(before) + r"(?P<cur>[a-z]{3})" + re.escape(after) + r"$")
    return re.compile(re.escape(folded) + r"$")


@functools.lru_cache(maxsize=4096)
def _plain(spelling: str) -> str | None:
    """The folded spelling, when it matches a header only by being equal to it (no currency in it)."""
    folded = normalise_header(spelling)
    return None if _CUR in folded else folded


@dataclass(frozen=True)
class HeaderMatch:
    """Which field a header cell matched, in which language, and any currency it carried."""

    column: int
    header: str
    field: Field
    language: str
    currency: str | None


def match_headers(fmt: Format, headers: list[str]) -> dict[str, HeaderMatch] | None:
    """Map a format's fields to header positions; None when a required field is missing."""
    folded, first = _folded(tuple(headers))
    found: dict[str, HeaderMatch] = {}
    for fld in fmt.fields:
        translated = tuple((code, languages.spellings(code, fld.en)) for code in languages.HEADERS)
        for language, spellings in (("en", fld.en), ("fr", fld.fr), *translated):
            hit = _find(spellings, folded, first)
            if hit is not None:
                col, cur = hit
                found[fld.name] = HeaderMatch(col, headers[col], fld, language, cur)
                break
    needed = fmt.fields if fmt.match_all else fmt.required
    if any(f.name not in found for f in needed):
        return None
    if fmt.exact and sum(1 for h in folded if h) != len(found):
        return None
    return found


@functools.lru_cache(maxsize=1)
def _folded(headers: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, int]]:
    """Each header folded, and each folded header's first column: one row is tried against every format."""
    folded = tuple(normalise_header(h) for h in headers)
    first: dict[str, int] = {}
    for col, cell in enumerate(folded):
        first.setdefault(cell, col)
    return folded, first


def _find(spellings: tuple[str, ...], folded: tuple[str, ...], first: dict[str, int]) -> tuple[int, str | None] | None:
    for spelling in spellings:
        plain = _plain(spelling)
        if plain is not None:
            # A spelling without a currency matches one folded header exactly: looked up, not
            # scanned, since a file of ten thousand columns is tried against every spelling
            # (and every file against every format's fields in every language).
            col = first.get(plain)
            if col is not None:
                return col, None
            continue
        pattern = header_pattern(spelling)
        for col, cell in enumerate(folded):
            m = pattern.match(cell)
            if m:
                cur = m.groupdict().get("cur")
                return col, cur.upper() if cur else None
    return None
