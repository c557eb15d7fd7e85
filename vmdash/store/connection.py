"""The Store: one DuckDB database file (or one DuckLake), its connection, file lock and reads.

Connection design
-----------------
DuckDB lets one process hold a database file read-write, and while it does no
other process can open the file at all. vmdash therefore never keeps the file
open while idle: a `Store` opens a connection on first use, shares it between
the threads of its process under a lock (a DuckDB connection must not run two
queries at once, and each Streamlit session runs in its own thread), and closes
it `idle_release_s` seconds after the last use. The command line can then
import while the app is running: it retries while the app holds the file for a
query, and says so in one line if the file stays locked past `busy_timeout_s`.
A DuckLake (`lake.py`) keeps its connection open instead.

Opening a file migrates it (`schema._migrate`) and, after a writer died, reconciles it
(`lineage._recover`); every write goes through `Store.transaction`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from vmdash.errors import DatabaseBusy, StoreUnreachable
from vmdash.store.lake import _Lake, is_lake, masked
from vmdash.store.lineage import _recover
from vmdash.store.schema import _migrate
from vmdash.store.session import configure, transaction

ROOT = Path(__file__).resolve().parent.parent.parent


def default_db_path() -> Path | str:
    """`$VMDASH_DB` (a file, or `ducklake:postgres:...`), else data/vmdash.duckdb beside the app."""
    env = os.environ.get("VMDASH_DB")
    if env and is_lake(env):
        return env
    return Path(env) if env else ROOT / "data" / "vmdash.duckdb"


def register_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table | pd.DataFrame) -> None:
    """Make an Arrow table or DataFrame queryable under `name` on this connection."""
    con.register(name, table)


def is_duckdb_error(exc: BaseException) -> bool:
    """True for errors raised by DuckDB itself (so callers need not import duckdb)."""
    return isinstance(exc, duckdb.Error)


class Store:
    """One DuckDB database file (or one DuckLake), shared safely between threads of one process."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        idle_release_s: float | None = 1.0,
        busy_timeout_s: float = 30.0,
        data_path: str | None = None,
    ):
        """Args: path: a database file or `ducklake:...` (default: `default_db_path()`); data_path: where a
        new DuckLake keeps its Parquet files (default: `$VMDASH_DATA_PATH`); ignored for a file."""
        target = path if path is not None else default_db_path()
        self.lake: _Lake | None = None
        if is_lake(target):
            self.lake = _Lake(str(target), data_path or os.environ.get("VMDASH_DATA_PATH") or None)
            self.path: Path | str = str(target)
        else:
            self.path = Path(target)
        self.idle_release_s = idle_release_s
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._depth = 0
        self._timer: threading.Timer | None = None
        self._migrated = False
        # The schema version this process found on first opening the store (0: a new store).
        self.schema_found: int | None = None

    # -- connections -------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.lake is not None:
            con = self.lake.open()
            if not self._migrated:
                self.schema_found = self.lake.migrate(con)
                self._migrated = True
            return con
        assert isinstance(self.path, Path)  # only a lake keeps its target as text
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A write-ahead log left beside the file means the last writer did not close cleanly.
        unclean = Path(f"{self.path}.wal").exists()
        deadline = time.monotonic() + self.busy_timeout_s
        delay = 0.05
        waiting = False
        try:
            while True:
                try:
                    con = duckdb.connect(str(self.path))
                    break
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower():
                        raise
                    if time.monotonic() >= deadline:
                        raise DatabaseBusy(
                            f"the database {self.path} is in use by another vmdash process "
                            f"(the app or an import) and stayed locked for {self.busy_timeout_s:.0f} s; "
                            "try again in a moment"
                        ) from None
                    if not waiting:
                        # Ask the holder to let go at its next idle moment (see connect()).
                        self._request.touch()
                        waiting = True
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
        finally:
            if waiting:
                self._request.unlink(missing_ok=True)
        configure(con)
        if not self._migrated:
            self.schema_found = _migrate(con)
            self._migrated = True
        if unclean:
            _recover(con)
        return con

    @property
    def _request(self) -> Path:
        # Beside the database: present while another process waits for the file.
        return Path(f"{self.path}.waiting")

    def _yield_to_waiting_process(self) -> None:
        # A busy app is never idle for a whole second, so without this a command-line import
        # could wait forever. Between two uses (depth 0), if another process asked, let go
        # and give it a moment to take the file before competing for it again.
        try:
            asked = time.time() - self._request.stat().st_mtime < self.busy_timeout_s + 5
        except FileNotFoundError:
            return
        if not asked:
            return
        self._release()
        deadline = time.monotonic() + 5
        while self._request.exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the connection (opening it if needed) for the duration of the block."""
        with self._lock:
            try:
                with masked(self.lake):
                    if self._timer is not None:
                        self._timer.cancel()
                        self._timer = None
                    if self._con is not None and self._depth == 0 and self.lake is None:
                        self._yield_to_waiting_process()
                    if self._con is None:
                        self._con = self._open()
                    self._depth += 1
                    try:
                        yield self._con
                    finally:
                        self._depth -= 1
                        if self._depth == 0:
                            self._schedule_release()
            except StoreUnreachable:
                # The next use attaches afresh, once the catalog answers again.
                if self._depth == 0:
                    self._release()
                raise

    def ping(self) -> None:
        """Run a trivial query on the stored tables; raises (StoreUnreachable, DatabaseBusy) when the store cannot answer."""
        # Store.connect, not self.connect: the app's store shows a page instead of raising.
        with Store.connect(self) as con:
            con.execute("SELECT count(*) FROM meta").fetchall()

    def _schedule_release(self) -> None:
        # A lake has no file lock to give back: keep the connection (and its catalog session).
        if self.idle_release_s is None or self.lake is not None:
            return
        if self.idle_release_s <= 0:
            self._release()
            return
        self._timer = threading.Timer(self.idle_release_s, self._release_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _release_if_idle(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._release()

    def _release(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self.lake is not None:
            self.lake.close()

    def close(self) -> None:
        """Close the connection now; the next use opens it again."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._release()

    @property
    def is_open(self) -> bool:
        """True while this process holds the database file (or its lake connection)."""
        return self._con is not None

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One all-or-nothing write: commit on success, roll back on any exception.

        Yields the connection to write with; in a lake, one that runs INSERT OR REPLACE as
        DuckLake allows (see `lake._LakeConnection`).
        """
        with self.connect() as con:
            if self.lake is not None:
                with self.lake.transaction(con) as tx:
                    yield tx
                return
            with transaction(con):
                yield con

    # -- reads -------------------------------------------------------------
    def df(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a read query with bound parameters and return a DataFrame."""
        with self.connect() as con:
            return con.execute(sql, params or {}).df()

    def arrow(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> pa.Table:
        """Run a read query with bound parameters and return an Arrow table."""
        with self.connect() as con:
            return con.execute(sql, params or {}).to_arrow_table()

    def rows(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> list[tuple]:
        """Run a query with bound parameters and return its rows as tuples."""
        with self.connect() as con:
            return con.execute(sql, params or {}).fetchall()

    def scalar(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (None when empty)."""
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None
