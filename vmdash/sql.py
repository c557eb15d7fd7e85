"""Quoting for what SQL text may hold besides bound parameters: names from the canonical model.

Values (filters, file names, options, lookup tables) are always bound. Identifiers cannot be:
`ident()` quotes one, and only when it is a column of the canonical model (`vmdash.model`) or
one of the internal names declared here, so a name that is not ours can never reach a query,
whatever it holds. `literal()` is for the rare constant that must be written into the SQL text
(DDL, where DuckDB binds nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vmdash import model

# Columns vmdash adds to its own tables and subqueries besides the canonical ones.
INTERNAL_COLUMNS: frozenset[str] = frozenset({"_rows", "_grain", "source", "rule_objective", "rule_channel"})
KNOWN: frozenset[str] = frozenset(
    {*model.DIMENSION_NAMES, *model.MEASURE_NAMES, *(c.name for c in model.RETENTION_COLUMNS), *INTERNAL_COLUMNS}
)


class UnknownIdentifier(ValueError):
    """A name that is not part of the canonical model was about to be written into SQL."""

    def __init__(self, name: object):
        shown = str(name) if len(str(name)) <= 60 else str(name)[:60] + "…"
        super().__init__(f"{shown!r} is not a column vmdash knows; SQL names come from vmdash.model")


def ident(name: str) -> str:
    """A canonical column name, double-quoted for SQL; any other name is refused."""
    if name not in KNOWN:
        raise UnknownIdentifier(name)
    return f'"{name}"'


def idents(names: Iterable[str]) -> str:
    """Several canonical column names, quoted and comma-separated."""
    return ", ".join(ident(n) for n in names)


_ALIAS = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def alias(name: str) -> str:
    """A result column's name (a metric's, `rate1`, `views__coverage`), double-quoted.

    Output names come from the registries (metric names, canonical columns) plus fixed
    suffixes; only lowercase letters, digits and underscores pass, so none can close the quote.
    """
    if not _ALIAS.fullmatch(name):
        raise UnknownIdentifier(name)
    return f'"{name}"'


def literal(text: str) -> str:
    """A SQL string literal for a constant the SQL text must hold; quotes are doubled, never dropped."""
    if "\x00" in text:
        raise ValueError("a SQL literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"
