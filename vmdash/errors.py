"""Errors vmdash raises on purpose, each with a message a marketer can act on.

Every one derives from VmdashError, which the UI renders in one place (ui.show_error)
and the command line prints. A refused value has its own type by what was wrong with it
(an unknown choice, too long, out of range, the wrong kind, empty): each message says
what was given and what is allowed, both cut to a readable length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# How much of a given value, and how many allowed choices, a message shows.
MAX_GIVEN = 40
MAX_LISTED = 12


def given_text(value: object, limit: int = MAX_GIVEN) -> str:
    """A given value quoted for a message, cut to `limit` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def listed(choices: Iterable[object], limit: int = MAX_LISTED) -> str:
    """Choices joined by commas; past `limit`, how many more there are."""
    items = [str(c) for c in choices]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# A secret in a connection setting: libpq's `password=...` (bare, or quoted with '...' in which \'
# escapes a quote; also `?password=` in a URI's query) and a URI's `user:password@` part.
_KEY_SECRET = re.compile(r"""(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s'"&;,]+)""", re.IGNORECASE)
_URI_SECRET = re.compile(r"([a-z][a-z0-9+.-]*://[^\s/:@'\"]*):([^\s/@'\"]*)@", re.IGNORECASE)
MASK = "***"
# Shorter passwords are masked where written as one (`password=`, `user:...@`), not wherever
# their letters happen to appear in a message.
_MIN_LITERAL = 4


def secrets_in(setting: str) -> list[str]:
    """The passwords written in a connection setting (either form), to mask wherever else they appear."""
    found = [m.group(2).strip("'") for m in _KEY_SECRET.finditer(setting)]
    found += [m.group(2) for m in _URI_SECRET.finditer(setting)]
    return [s for s in found if s]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every password masked: `password=***`, `scheme://user:***@host`, and each of `secrets`.

    The one masking of vmdash: every error text that leaves the store (a DuckDB or PostgreSQL
    message can quote the whole connection setting) goes through it before a page, a log line
    or the command line shows it.
    """
    text = _KEY_SECRET.sub(lambda m: m.group(1) + MASK, text)
    text = _URI_SECRET.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
    for secret in sorted({s for s in secrets if len(s) >= _MIN_LITERAL}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class VmdashError(Exception):
    """Base of every error vmdash reports to a person rather than a traceback."""


class ImportRejected(VmdashError):
    """A file cannot be imported; nothing was written."""

    def __init__(self, file_name: str, reason: str):
        self.file_name = file_name
        self.reason = reason
        super().__init__(f"{file_name}: {reason}")


class UnknownFormat(ImportRejected):
    """The file is readable but matches no known export layout and no saved mapping."""


class DatabaseBusy(VmdashError):
    """Another process holds the database file."""


class CatalogLost(VmdashError):
    """A DuckLake's PostgreSQL catalog went away during a write (a restart, a network cut); nothing was written."""


class StoreUnreachable(VmdashError):
    """The data store (a DuckLake's PostgreSQL catalog) cannot be reached just now; it may answer again later."""


class NotFound(VmdashError):
    """A named thing (an import, a video) does not exist."""


class PermissionDenied(VmdashError):
    """The current role may not do this."""


class InvalidValue(VmdashError):
    """A value given to vmdash is refused; the subclass says why."""

    what: str


class UnknownChoice(InvalidValue):
    """A value is not one of the allowed names."""

    def __init__(self, what: str, given: object, allowed: Iterable[object]):
        self.what = what
        self.given = given
        self.allowed = tuple(allowed)
        super().__init__(f"unknown {what} {given_text(given)}; choose one of: {listed(self.allowed)}")


# The older name, still raised by the query and metric modules.
InvalidChoice = UnknownChoice


class TooLong(InvalidValue):
    """A text is longer than allowed."""

    def __init__(self, what: str, given_length: int, limit: int):
        self.what = what
        self.given_length = given_length
        self.limit = limit
        super().__init__(f"the {what} is {given_length:,} characters long; at most {limit:,} are allowed")


class OutOfRange(InvalidValue):
    """A number (a year, a count of items) is outside the allowed range."""

    def __init__(self, what: str, given: object, low: object, high: object):
        self.what = what
        self.given = given
        self.low = low
        self.high = high
        got = given if isinstance(given, (int, float)) else given_text(given)
        super().__init__(f"the {what} must be from {low} to {high} (got {got})")


class WrongKind(InvalidValue):
    """A value is not of the expected kind (a date, a link of this app)."""

    def __init__(self, what: str, given: object, expected: str):
        self.what = what
        self.given = given
        self.expected = expected
        super().__init__(f"the {what} must be {expected} (got {given_text(given)})")


class Empty(InvalidValue):
    """A value that must be given is empty."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(f"the {what} is empty")


class RowRefused(InvalidValue):
    """A row of a file (a plan file) is refused; the message names the row and why."""

    what = "row"
