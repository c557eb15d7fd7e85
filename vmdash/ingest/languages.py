"""Export languages as tables: a header spelling per language, so a new language is data, not code.

Every platform module declares its fields with their English spellings (and, for the
oldest layouts, French ones in the field itself). The tables here give, per language, the
spellings the platforms use for those English headers in their translated UIs; header
matching reads them for every field of every format. Keys are English spellings exactly as
a format declares them (`Field.en`), values the local spellings.
"""

from __future__ import annotations

# Code -> the name a person reads in a detection line.
NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "ja": "Japanese",
}

# Languages whose exports write numbers with a decimal comma when the sample shows nothing.
DECIMAL_COMMA: frozenset[str] = frozenset({"fr", "de", "es", "pt"})

# language -> English spelling (as in a Field) -> local spellings.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {},
    "es": {},
    "pt": {},
    "ja": {},
}


def spellings(language: str, english: tuple[str, ...]) -> tuple[str, ...]:
    """The spellings of these English headers in one language's table (none when it has none)."""
    table = HEADERS.get(language, {})
    return tuple(local for spelling in english for local in table.get(spelling, ()))
