"""`python -m vmdash maintain`: keep a DuckLake small and tidy; CHECKPOINT a DuckDB file.

A DuckLake grows with every write: each snapshot is kept, each import adds Parquet files, an
import that died leaves files no snapshot references (orphans), and files a merge replaced
wait to be deleted. `maintain` runs DuckLake's own functions for each, under the writers' lock
(so no vmdash import is writing meanwhile) and with a safe age on every deletion (so a file a
writer outside this lock, or a process of another vmdash version, has just written is kept):

1. expire snapshots older than `expire_after_s` (the latest one always stays);
2. merge adjacent small files (`ducklake_merge_adjacent_files`);
3. delete the files expired snapshots and merges left, scheduled more than `older_than_s` ago;
4. delete orphaned files last modified more than `older_than_s` ago.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from vmdash.errors import InvalidValue
from vmdash.store.lake import LAKE_ALIAS

if TYPE_CHECKING:
    from vmdash.store.connection import Store

DEFAULT_OLDER_THAN = "1h"
DEFAULT_EXPIRE_AFTER = "7d"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", re.IGNORECASE)


def duration_s(text: str) -> float:
    """Seconds in a duration written as a number and a unit: 90s, 30m, 1h, 7d."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise InvalidValue(f"{text[:40]!r} is not a duration: a number and s, m, h or d (e.g. 30m, 1h, 7d)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _size(n: int | None) -> str:
    if n is None:
        return "size unknown"
    if n < 1000:
        return f"{n} B"
    value, unit = n / 1000, "KB"
    for bigger in ("MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}"


def _bytes(con: duckdb.DuckDBPyConnection, paths: list[str]) -> int | None:
    """Total size of `paths` (local or remote, read_blob reads sizes without the content); None if unknown."""
    if not paths:
        return 0
    try:
        (total,) = _one(con, "SELECT coalesce(sum(size), 0) FROM read_blob($paths)", {"paths": paths})
    except duckdb.Error:
        return None  # gone meanwhile, or a store that does not list sizes
    return int(total)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> tuple:
    """The one row of an aggregate, its result read to the end.

    A DuckLake function's changes commit only once its result is read to the end: with
    fetchone() the next statement abandons it and a merge is silently lost.
    """
    rows = con.execute(sql, params or {}).fetchall()
    return tuple(rows[0])


def _paths(con: duckdb.DuckDBPyConnection, function: str, *, dry_run: bool, age_s: float | None) -> list[str]:
    """The paths a cleanup function deletes (or would, with `dry_run`): older than `age_s`, or all when None."""
    when = "older_than => now() - to_seconds($age)" if age_s is not None else "cleanup_all => true"
    params = {"age": float(age_s)} if age_s is not None else {}
    sql = f"SELECT path FROM {function}('{LAKE_ALIAS}', dry_run => {str(dry_run).lower()}, {when})"
    return [r[0] for r in con.execute(sql, params).fetchall()]


def maintain(store: Store, *, older_than_s: float, expire_after_s: float) -> Iterator[str]:
    """Maintain the store, one line per step as it finishes (see the module's docstring)."""
    if store.lake is None:
        with store.connect() as con:
            con.execute("CHECKPOINT")
        size = Path(store.path).stat().st_size if Path(store.path).is_file() else None
        yield (
            f"checkpoint: {store.path} written out in full ({_size(size)}); "
            "a DuckDB file needs nothing more (its deleted rows' space is reused)"
        )
        return
    lake = f"'{LAKE_ALIAS}'"
    with store.connect() as con, store.lake.writer():
        (expired,) = _one(
            con,
            f"SELECT count(*) FROM ducklake_expire_snapshots({lake}, older_than => now() - to_seconds($age))",
            {"age": float(expire_after_s)},
        )
        (kept,) = _one(con, f"SELECT count(*) FROM ducklake_snapshots({lake})")
        yield f"snapshots: {expired} expired (older than {_duration(expire_after_s)}), {kept} kept"

        tables, processed, created = _one(
            con,
            f"SELECT count(*), coalesce(sum(files_processed), 0), coalesce(sum(files_created), 0) "
            f"FROM ducklake_merge_adjacent_files({lake}) WHERE files_processed > 0",
        )
        yield f"small files: {processed} merged into {created} in {tables} table(s)"

        deleted, shown_size, young = _delete_files(con, "ducklake_cleanup_old_files", older_than_s)
        yield (
            f"replaced files: {deleted} deleted ({shown_size}), "
            f"{young} younger than {_duration(older_than_s)} kept for readers still using them"
        )
        deleted, shown_size, young = _delete_files(con, "ducklake_delete_orphaned_files", older_than_s)
        yield (
            f"orphaned files: {deleted} deleted ({shown_size}), "
            f"{young} younger than {_duration(older_than_s)} kept (a write may still be using them)"
        )


def _delete_files(con: duckdb.DuckDBPyConnection, function: str, older_than_s: float) -> tuple[int, str, int]:
    """Run one of DuckLake's file deletions on files older than `older_than_s`: how many went, their size, how many younger stay."""
    due = _paths(con, function, dry_run=True, age_s=older_than_s)
    due_bytes = _bytes(con, due)
    deleted = _paths(con, function, dry_run=False, age_s=older_than_s)
    kept = _paths(con, function, dry_run=True, age_s=None)
    # The size is known only for what the dry run listed; a file that aged in between has none.
    return len(deleted), _size(due_bytes if set(deleted) <= set(due) else None), len(kept)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:g}s"
