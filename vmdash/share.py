"""Shared links: check the view state a URL carries, and say what was dropped.

Streamlit binds the filter widgets to the query string itself and silently drops
values it cannot use; a stakeholder opening an old or edited link deserves to
know. `audit` compares the raw query parameters with what the app accepts and
returns one short, inert note per dropped value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

MAX_SHOWN = 40


@dataclass(frozen=True)
class Param:
    """What one URL parameter may hold."""

    key: str
    label: str
    allowed: Callable[[], Collection[str]] | None = None  # None: any text
    kind: str = "choice"  # choice | dates | flag
    multi: bool = True


def shown(value: str) -> str:
    """A value cut short and stripped of markup characters, safe to show in a note."""
    text = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"
    return "".join(ch for ch in text if ch.isprintable() and ch not in "<>`*[]()#|\\")


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def audit(raw: Mapping[str, str | Sequence[str]], params: Sequence[Param], ignore: Collection[str] = ()) -> list[str]:
    """One note per URL value the app cannot use (unknown key, unknown value, malformed date)."""
    known = {p.key: p for p in params}
    notes: list[str] = []
    for key, value in raw.items():
        if key in ignore:
            continue
        values = _as_list(value)
        if key not in known:
            notes.append(f"The link's parameter “{shown(key)}” is not used by this page and was ignored.")
            continue
        param = known[key]
        if param.kind == "dates":
            notes.extend(_audit_dates(param, values))
            continue
        if not param.multi and len(values) > 1:
            notes.append(f"The link gives several values for {param.label}; only one is used.")
        if param.allowed is None:
            continue
        allowed = set(param.allowed())
        for v in values:
            if v and v not in allowed:
                notes.append(
                    f"The link asks for {param.label} “{shown(v)}”, which does not exist "
                    "anymore or was mistyped; it was dropped."
                )
    return notes


def _audit_dates(param: Param, values: list[str]) -> list[str]:
    parts = [p for v in values for p in v.split(",") if p]
    if len(parts) > 2:
        return [
            f"The link gives {len(parts)} dates for {param.label}; a start and an end are expected, so it was dropped."
        ]
    for part in parts:
        try:
            dt.date.fromisoformat(part)
        except ValueError:
            return [f"The link's {param.label} “{shown(part)}” is not a date (YYYY-MM-DD); it was dropped."]
    return []
