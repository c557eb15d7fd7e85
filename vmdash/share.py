"""Shared links: say what a link asked for that the view could not use.

The whole view lives in the query string: every filter and page control is a
widget bound to a short parameter (`platform=tiktok&dates=2026-03-01&...`), each
registered in vmdash.links.

Streamlit drops, silently, any value its widget cannot take (an unknown channel,
a video that was undone, a malformed date). A stakeholder opening an old or
edited link deserves to know, so the app keeps the query string as it arrived
and, once the page has run, compares it with what the widgets kept: every value
that vanished gets one short, inert note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

from vmdash import links, periods

MAX_SHOWN = 40

# Every URL parameter the app reads (vmdash.links), with the words a note uses for it.
PARAMS: dict[str, str] = {p.key: p.words for p in links.PARAMS}
# Parameters Streamlit itself reads.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})


def shown(value: str) -> str:
    """A value cut short and stripped of markup characters, safe to show in a note."""
    text = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"
    return "".join(ch for ch in text if ch.isprintable() and ch not in "<>`*[]()#|\\$~")


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def unknown(
    asked: Mapping[str, object], params: Mapping[str, str] = PARAMS, ignore: Collection[str] = STREAMLIT_PARAMS
) -> list[str]:
    """The link's parameters vmdash does not read (once noted, the app drops them from the URL)."""
    return [key for key in asked if key not in params and key not in ignore]


def dropped(
    asked: Mapping[str, str | Sequence[str]],
    kept: Mapping[str, str | Sequence[str]],
    params: Mapping[str, str] = PARAMS,
    ignore: Collection[str] = STREAMLIT_PARAMS,
) -> list[str]:
    """One note per value of the link as opened (`asked`) that the view did not keep (`kept`)."""
    notes: list[str] = []
    strangers = unknown(asked, params, ignore)
    for key, value in asked.items():
        if key in strangers:
            notes.append(f"The link's parameter “{shown(key)}” is not used by vmdash and was removed from the address.")
            continue
        if key in ignore:
            continue
        still = set(_as_list(kept.get(key, [])))
        lost = [v for v in dict.fromkeys(_as_list(value)) if v and v not in still]
        if key == links.DATES.key and lost:
            values = ", ".join(f"“{shown(v)}”" for v in _as_list(value))
            notes.append(f"The link's dates {values} are not a valid range (YYYY-MM-DD); all dates are shown.")
            continue
        if key == links.PERIOD.key and lost:
            notes.append(
                f"The link's period “{shown(lost[0])}” is not a preset vmdash knows "
                f"({', '.join(periods.PERIODS)}); the dates in the sidebar are shown instead."
            )
            continue
        for v in lost:
            notes.append(
                f"The link asks for {params[key]} “{shown(v)}”, which does not exist anymore "
                "or is not valid here; it was dropped."
            )
    return notes


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def fix_dates(values: Sequence[str], span: tuple[dt.date, dt.date]) -> tuple[tuple[dt.date, dt.date] | None, str]:
    """A link's `dates` put in order and clamped to the data's span, with the note saying so.

    Returns (None, "") when the link's dates need no fixing or are not dates at all (the
    widget then keeps them, or `dropped` reports them as malformed); otherwise the range to
    show and one note. A range holding none of the data's days shows all of them.
    """
    dates = [d for d in map(_iso, values) if d is not None]
    if not 1 <= len(values) <= 2 or len(dates) != len(values):
        return None, ""
    first, last = span
    start, end = dates[0], dates[-1]
    asked = f"dates {start} to {end}" if len(dates) == 2 else f"date {start}"
    notes = []
    if start > end:
        start, end = end, start
        notes.append(f"The link's {asked} ran backwards; they are read as {start} to {end}.")
    if end < first or start > last:
        return span, (
            f"The link's {asked} {'fall' if len(dates) == 2 else 'falls'} outside the data, which runs from {first} to {last}: all of it is shown."
        )
    if start < first or end > last:
        start, end = max(start, first), min(end, last)
        notes.append(f"The data runs from {first} to {last}, so the link's dates show {start} to {end}.")
    if not notes:
        return None, ""
    return (start, end), " ".join(notes)
