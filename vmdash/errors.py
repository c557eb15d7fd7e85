"""Errors vmdash raises on purpose, each with a message a marketer can act on."""

from __future__ import annotations


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


class NotFound(VmdashError):
    """A named thing (an import, a video) does not exist."""


class InvalidChoice(VmdashError):
    """A value is not one of the allowed names."""

    def __init__(self, what: str, given: str, allowed: tuple[str, ...] | list[str]):
        self.what = what
        self.given = given
        self.allowed = tuple(allowed)
        super().__init__(f"unknown {what} {given!r}; choose one of: {', '.join(self.allowed)}")


class PermissionDenied(VmdashError):
    """The current role may not do this."""
