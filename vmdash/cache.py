"""Answers of read queries kept until the data changes.

Every page rerun asks the same aggregates again (a filter click reruns the whole
script, and twenty stakeholders opening one link ask the same question). Facts
and retention points only change through an import, an undo or a plan change (a plan
rewrites its rows' objective and channel), all of which move `data_version`, so an answer is kept under the database, the data version,
the query and its arguments, and is never served once the data has moved on.
Loop-log entries are kept too (their before / after windows read the facts): recording or
deleting one moves the version. Saved views and rules are not facts: queries over them are
not cached.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

import pandas as pd

from vmdash.store import Store

F = TypeVar("F", bound=Callable[..., Any])
MAX_ENTRIES = 512

_lock = threading.Lock()
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_stats = {"hits": 0, "misses": 0}
Version = tuple[int, ...]
# The data version one page run reads its answers at (see `pinned`): (database path, version).
_pinned: contextvars.ContextVar[tuple[str, Version] | None] = contextvars.ContextVar(
    "vmdash_pinned_version", default=None
)


def data_version(store: Store) -> Version:
    """Moves whenever an import lands or is undone, a plan changes or a loop-log entry is recorded or deleted.

    (newest import id, undone imports, plan changes, loop-log entries, newest entry id): entry
    ids come from a sequence, so a deletion and a recording never leave the last two as they were.
    """
    row = store.rows(
        "SELECT coalesce(max(import_id), 0), count(*) FILTER (WHERE status = 'undone'), "
        "(SELECT count(*) FROM plan_history), (SELECT count(*) FROM loop_log), "
        "(SELECT coalesce(max(entry_id), 0) FROM loop_log) FROM imports"
    )[0]
    return tuple(int(v) for v in row)


@contextlib.contextmanager
def pinned(store: Store, version: Version) -> Iterator[None]:
    """Within this block, this thread's cached calls on `store` read answers at `version` without asking again.

    A page run asks some thirty cached questions; asking the data version before and after each
    costs more than a warm page's answers. The run's owner reads the version once at its start
    and again at its end, and throws the run away when it moved (app.py): an answer computed
    after an import landed mid-run may then be kept under the older version, but every later run
    starts at the newer one and never asks for it.
    """
    token = _pinned.set((str(store.path), version))
    try:
        yield
    finally:
        _pinned.reset(token)


def _version(store: Store) -> tuple[Version, bool]:
    """The version to key an answer by, and whether it is this run's pinned one."""
    pin = _pinned.get()
    if pin is not None and pin[0] == str(store.path):
        return pin[1], True
    return data_version(store), False


class _Unhashable(Exception):
    pass


def _frozen(value: Any) -> Hashable:
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, pd.Series):
        return ("series", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, pd.DataFrame):
        raise _Unhashable
    try:
        hash(value)
    except TypeError:
        raise _Unhashable from None
    return value


def _copy(value: Any) -> Any:
    # Callers may add columns to a frame they were given; the kept answer must not change.
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return copy.deepcopy(value)


def cached(fn: F) -> F:
    """Keep `fn(store, ...)`'s answer per database, data version and arguments."""

    @functools.wraps(fn)
    def wrapper(store: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            call = (fn.__module__, fn.__qualname__, _frozen(args), _frozen(kwargs))
        except _Unhashable:
            return fn(store, *args, **kwargs)
        version, pinned_run = _version(store)
        key = (str(store.path), version, call)
        with _lock:
            if key in _entries:
                _entries.move_to_end(key)
                _stats["hits"] += 1
                return _copy(_entries[key])
            _stats["misses"] += 1
        value = fn(store, *args, **kwargs)
        if not pinned_run and data_version(store) != version:
            # An import or undo landed while the query ran: its answer may hold the new data,
            # and kept under the old version it would be served beside the old data's numbers.
            return value
        with _lock:
            _entries[key] = _copy(value)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return value

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def clear() -> None:
    """Forget every kept answer (benchmarks measure cold queries this way)."""
    with _lock:
        _entries.clear()


def stats() -> dict[str, int]:
    """Hits, misses and entries so far."""
    with _lock:
        return {**_stats, "entries": len(_entries)}
