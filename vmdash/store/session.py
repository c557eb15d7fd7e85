"""What every DuckDB connection of the store gets, file or lake: its settings and the one transaction helper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import duckdb


def memory_limit() -> str:
    """DuckDB's memory cap for this process: `$VMDASH_MEMORY_LIMIT`, default 1GB.

    Above it DuckDB spills to a temporary folder beside the database, so a 1 GB import stages
    on disk instead of in RAM; DuckDB's own default (80 % of RAM) would let one import of a
    large export take most of a shared server.
    """
    return os.environ.get("VMDASH_MEMORY_LIMIT", "1GB")


def configure(con: duckdb.DuckDBPyConnection) -> None:
    """Set what every connection needs, before it runs anything else."""
    # A stray Python variable must never be read as a table; DuckDB's own progress bar would
    # write into the CLI's output (and the server log) on any query over two seconds.
    con.execute("SET python_enable_replacements = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = $limit", {"limit": memory_limit()})


@contextmanager
def transaction(con: Any) -> Iterator[None]:
    """Run the block as one transaction on `con`: COMMIT when it ends, ROLLBACK on any exception.

    The one place vmdash writes BEGIN, COMMIT and ROLLBACK (an import, an undo, a migration step,
    the recovery on open). A COMMIT that fails (a lake writer that bypassed the writers' lock, a
    full disk) is rolled back too, so the shared connection is never left inside a transaction.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    try:
        con.execute("COMMIT")
    except BaseException:
        with suppress(Exception):
            con.execute("ROLLBACK")
        raise
