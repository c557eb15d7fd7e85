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


def _add(language: str, table: dict[str, tuple[str, ...]]) -> None:
    """Add one platform's block to a language's table (spellings already there are kept)."""
    known = HEADERS.setdefault(language, {})
    for english, local in table.items():
        known[english] = known.get(english, ()) + tuple(s for s in local if s not in known.get(english, ()))


# -- Google Ads ------------------------------------------------------------------------------
_add(
    "pt",
    {
        "Campaign": ("Campanha",),
        "Campaign type": ("Tipo de campanha",),
        "Currency code": ("Código da moeda",),
        "Impr.": ("Impr.",),
        "Interactions": ("Interações",),
        "Clicks": ("Cliques",),
        "Views": ("Visualizações",),
        "Cost": ("Custo",),
        "Conversions": ("Conversões",),
        "Conv. value": ("Valor de conv.", "Valor conv."),
    },
)


def spellings(language: str, english: tuple[str, ...]) -> tuple[str, ...]:
    """The spellings of these English headers in one language's table (none when it has none)."""
    table = HEADERS.get(language, {})
    return tuple(local for spelling in english for local in table.get(spelling, ()))


# language -> the twelve months, each as the spellings a date cell may use (full names,
# abbreviations with and without their dot); dates are read by folding them to English.
MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "fr": (
        ("janvier", "janv."),
        ("février", "fevrier", "févr.", "fevr.", "fév."),
        ("mars",),
        ("avril", "avr."),
        ("mai",),
        ("juin",),
        ("juillet", "juil."),
        ("août", "aout"),
        ("septembre", "sept."),
        ("octobre", "oct."),
        ("novembre", "nov."),
        ("décembre", "decembre", "déc.", "dec."),
    ),
    "es": (
        ("enero", "ene."),
        ("febrero", "feb."),
        ("marzo", "mar."),
        ("abril", "abr."),
        ("mayo",),
        ("junio", "jun."),
        ("julio", "jul."),
        ("agosto", "ago."),
        ("septiembre", "setiembre", "sep.", "sept."),
        ("octubre", "oct."),
        ("noviembre", "nov."),
        ("diciembre", "dic."),
    ),
    "pt": (
        ("janeiro", "jan."),
        ("fevereiro", "fev."),
        ("março", "marco"),
        ("abril", "abr."),
        ("maio",),
        ("junho",),
        ("julho",),
        ("agosto", "ago."),
        ("setembro", "set."),
        ("outubro", "out."),
        ("novembro", "nov."),
        ("dezembro", "dez."),
    ),
    "de": (
        ("januar", "jänner", "jan."),
        ("februar", "feb."),
        ("märz", "maerz", "mär."),
        ("april", "apr."),
        ("mai",),
        ("juni",),
        ("juli",),
        ("august", "aug."),
        ("september", "sept.", "sep."),
        ("oktober", "okt."),
        ("november", "nov."),
        ("dezember", "dez."),
    ),
}
ENGLISH_MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
