"""The DuckLake adapter: the same tables in a DuckLake, for many processes on many machines.

`VMDASH_DB=ducklake:postgres:<libpq connection string>` (with `VMDASH_DATA_PATH` naming
the folder or `s3://` prefix for the Parquet files when the lake is first created) puts
the same tables in a DuckLake: the catalog in PostgreSQL, the data as Parquet files. Many
processes on many machines can then read and write at once, so nothing here locks a file:
the connection stays open, there is no idle release and no `.waiting` request. The rest of
vmdash sees the same tables and runs the same SQL; where DuckLake lacks a feature the
schema uses, this module stands in for it:

- no PRIMARY KEY / UNIQUE and no sequences: migrations are applied without them
  (`_for_lake`), and each write transaction (`_Lake.transaction`) first takes a PostgreSQL
  advisory lock (writers queue up, readers never wait), then gives `import_seq` and
  `loop_log_seq` a TEMP sequence starting past the largest stored id, so ids stay unique and
  increasing across processes;
- no `INSERT OR REPLACE` (it needs a key): `_LakeConnection` rewrites the one form vmdash
  writes into a DELETE of the key and an INSERT, and refuses any other form (see `_UPSERT`);
- staging tables stay TEMP tables in the process's own in-memory DuckDB, which spills to
  `spill_directory()` (`$VMDASH_TEMP_DIR`), never the working directory;
- no write-ahead-log replay: a DuckLake commit is one PostgreSQL transaction, so an import
  that dies leaves at most unreferenced Parquet files (`python -m vmdash maintain`
  removes them), never rows, and nothing needs reconciling on open.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from vmdash.errors import CatalogLost, DatabaseBusy, StoreUnreachable, VmdashError, redact, secrets_in
from vmdash.sql import alias
from vmdash.store.session import configure, transaction

LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"
# The offline extension packages (requirements-scale.txt): module, extension name.
_LAKE_EXTENSIONS = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
# Data paths httpfs serves (DuckDB's own prefixes for S3-compatible stores and HTTP).
_REMOTE_PREFIXES = ("s3://", "s3a://", "s3n://", "r2://", "gcs://", "gs://", "http://", "https://")
# pg_advisory_lock key shared by every vmdash writer of a lake: hash of "vmdash writer".
_WRITER_LOCK_KEY = 0x766D646173680001
# How long a writer waits behind the one ahead by default, and how often it says so again.
_DEFAULT_WRITE_WAIT_S = 900.0
_TELL_EVERY_S = 15.0
_log = logging.getLogger("vmdash.lake")
# What DuckLake says when another process created the same new catalog's tables first, lower case;
# and how many times a process attaches before it gives up on a lake that keeps failing so.
_CREATED_MEANWHILE = ("already exists", "duplicate key value")
_CREATE_ATTEMPTS = 5
# What DuckDB's postgres extension and libpq say when the catalog's session ends under a query
# (a restart, a failover, a network cut), lower case.
_CATALOG_LOST = (
    "server closed the connection",
    "terminating connection",
    "unable to connect to postgres",
    "could not receive data from server",
    "no connection to the server",
    "connection to server",
    'failed to execute query "rollback"',
)
# The schema's sequences, as TEMP stand-ins in a lake: sequence, table, id column.
_LAKE_SEQUENCES = (("import_seq", "imports", "import_id"), ("loop_log_seq", "loop_log", "entry_id"))
# The key each table's INSERT OR REPLACE replaces on: its PRIMARY KEY in the embedded schema,
# and its first column, so the first value of an INSERT without a column list is the key.
_LAKE_KEYS = {
    "meta": "key",
    "column_mappings": "signature",
    "saved_views": "name",
    "objective_rules": "position",
    "plans": "plan_id",
}

# The one form of INSERT OR REPLACE a lake connection rewrites:
#     INSERT OR REPLACE INTO <table> VALUES (<key parameter>, <any values>...)
# no column list, one row, its first value (the key) a bound parameter (`$name` or `?`),
# <table> one of _LAKE_KEYS. It runs as DELETE FROM <table> WHERE <key> = <key parameter>,
# then the same INSERT without OR REPLACE. Any other INSERT OR REPLACE (a column list, a
# SELECT, several rows, a literal key, more statements, a table without a key here,
# executemany) raises: rewritten by pattern it would replace the wrong rows, and sent as it is
# DuckLake refuses it for want of a key.
_ANY_UPSERT = re.compile(r"\bINSERT\s+OR\s+REPLACE\b", re.IGNORECASE)
_UPSERT = re.compile(r"\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s+VALUES\s*\(\s*(\$\w+|\?)\s*[,)]", re.IGNORECASE)


def is_lake(target: str | os.PathLike[str]) -> bool:
    """True when a database setting names a DuckLake (`ducklake:...`) rather than a file."""
    return str(target).startswith(LAKE_PREFIX)


def extension_path(name: str) -> Path | None:
    """The extension file a PyPI package ships for this duckdb version, or None when not installed."""
    try:
        package = importlib.import_module(_LAKE_EXTENSIONS[name])
    except ImportError:
        return None
    if package.__file__ is None:  # a namespace package: no extension files beside it
        return None
    path = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.is_file() else None


def write_wait_s() -> float:
    """How long a writer queues behind the one ahead: `$VMDASH_WRITE_WAIT_S` seconds, default 900.

    A writer ahead that dies lets go at once (its PostgreSQL session goes with it), so the wait
    only runs out behind a live writer still at work: an import of a large file into a large lake
    takes minutes, and the default lets it.
    """
    text = os.environ.get("VMDASH_WRITE_WAIT_S", "").strip()
    if not text:
        return _DEFAULT_WRITE_WAIT_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise VmdashError(f"VMDASH_WRITE_WAIT_S must be a number of seconds above 0 (got {text[:40]!r})")
    return value


def _session_name() -> str:
    # PostgreSQL keeps 63 bytes of it; the pid and host say which process to look at.
    return f"vmdash pid {os.getpid()} on {socket.gethostname()}"[:63]


def spill_directory() -> Path:
    """Where this process's lake connection spills what exceeds `memory_limit()`.

    `$VMDASH_TEMP_DIR`, else the system's temporary folder; in a folder of this process's own, as
    several replicas on one machine would otherwise share DuckDB's file names there.
    """
    base = os.environ.get("VMDASH_TEMP_DIR") or tempfile.gettempdir()
    return Path(base) / f"vmdash-spill-{os.getpid()}"


def _is_remote(data_path: str | None) -> bool:
    return bool(data_path) and str(data_path).lower().startswith(_REMOTE_PREFIXES)


def _for_lake(statement: str) -> str:
    """A migration statement as DuckLake accepts it ('' to skip): no sequences, no PRIMARY KEY."""
    if re.match(r"\s*CREATE\s+SEQUENCE\b", statement, re.IGNORECASE):
        return ""
    statement = re.sub(r",\s*PRIMARY\s+KEY\s*\([^)]*\)", "", statement, flags=re.IGNORECASE)
    # A key column is never NULL; NOT NULL is the one constraint DuckLake keeps.
    return re.sub(r"\s+PRIMARY\s+KEY\b", " NOT NULL", statement, flags=re.IGNORECASE)


def _literal(text: str) -> str:
    # ATTACH takes no bound parameters; these are the operator's settings, quoted all the same.
    return "'" + text.replace("'", "''") + "'"


def _row_end(sql: str, start: int) -> int:
    """The index of the parenthesis closing the one opened just before `start` (-1 when none).

    Parentheses inside quoted strings and identifiers do not count.
    """
    depth, quote = 1, ""
    for i in range(start, len(sql)):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _upsert_as_delete(sql: str, params: Mapping[str, Any] | Sequence[Any] | None) -> tuple[str, Any, str] | None:
    """For the supported INSERT OR REPLACE: (the DELETE of its key, the DELETE's parameters, the plain INSERT).

    None when `sql` holds no INSERT OR REPLACE; raises VmdashError for a form it does not support.
    """
    if not _ANY_UPSERT.search(sql):
        return None
    match = _UPSERT.match(sql)
    end = _row_end(sql, match.start(2)) if match else -1
    if match is None or end < 0 or sql[end + 1 :].strip() not in ("", ";"):
        raise VmdashError(
            "a DuckLake store only runs INSERT OR REPLACE INTO <table> VALUES ($key, ...): one row, no "
            f"column list, the key bound as a parameter; got: {sql.strip()[:200]}"
        )
    table, first = match.group(1), match.group(2)
    key = _LAKE_KEYS.get(table.lower())
    if key is None:
        raise VmdashError(
            f"INSERT OR REPLACE into {table} has no key in a DuckLake store (keyed tables: {', '.join(_LAKE_KEYS)})"
        )
    if first == "?" and isinstance(params, Sequence) and not isinstance(params, str) and params:
        key_params: Any = [params[0]]
    elif first != "?" and isinstance(params, Mapping) and first[1:] in params:
        key_params = {first[1:]: params[first[1:]]}
    else:
        raise VmdashError(f"INSERT OR REPLACE into {table} in a DuckLake store needs its key {first} bound")
    insert = "INSERT INTO " + sql[sql.upper().index("INTO") + 4 :].lstrip()
    return f"DELETE FROM {table} WHERE {alias(key)} = {first}", key_params, insert


def _lost_catalog(exc: BaseException | None) -> bool:
    """True when `exc`, or an error it was raised while handling, says the catalog's session ended."""
    seen = 0
    while exc is not None and seen < 10:
        if any(mark in str(exc).lower() for mark in _CATALOG_LOST):
            return True
        exc, seen = exc.__context__, seen + 1
    return False


class _LakeConnection:
    """A lake connection inside a write transaction: the supported `INSERT OR REPLACE` becomes DELETE + INSERT."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def execute(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> Any:
        """Run one statement, replacing by key where DuckLake has no PRIMARY KEY to do it."""
        rewritten = _upsert_as_delete(sql, params)
        if rewritten is not None:
            delete, key_params, sql = rewritten
            self._con.execute(delete, key_params)
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def executemany(self, sql: str, params: Any = None) -> Any:
        """Run one statement per parameter set; an INSERT OR REPLACE must go through `execute`."""
        if _ANY_UPSERT.search(sql):
            raise VmdashError("a DuckLake store runs INSERT OR REPLACE one row at a time (execute, not executemany)")
        return self._con.executemany(sql, params) if params is not None else self._con.executemany(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


class _Lake:
    """How a Store reaches a DuckLake: extensions, ATTACH, and the writers' lock in PostgreSQL."""

    def __init__(self, target: str, data_path: str | None):
        self.target = target
        self.data_path = data_path
        self._session: Any = None
        self._secrets = secrets_in(target)

    @property
    def catalog_dsn(self) -> str | None:
        """The libpq connection string of a PostgreSQL catalog, or None for another catalog."""
        rest = self.target[len(LAKE_PREFIX) :]
        return rest[len("postgres:") :] if rest.startswith("postgres:") else None

    def open(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        try:
            configure(con)
            # An in-memory database spills to `.tmp` in the working directory unless told otherwise.
            spill = spill_directory()
            spill.parent.mkdir(parents=True, exist_ok=True)  # DuckDB makes the last folder only
            con.execute("SET temp_directory = $dir", {"dir": str(spill)})
            needed = ["ducklake"] + (["postgres_scanner"] if self.catalog_dsn is not None else [])
            # s3:// and the like need httpfs; loaded whenever installed, since a replica opening an
            # existing lake need not be told where its files are.
            if _is_remote(self.data_path) or extension_path("httpfs") is not None:
                needed.append("httpfs")
            for name in needed:
                path = extension_path(name)
                try:
                    con.execute(f"LOAD {_literal(str(path))}" if path else f"LOAD {name}")
                except duckdb.Error:
                    raise VmdashError(
                        f"the DuckLake store needs DuckDB's {name} extension, which is not installed: "
                        "pip install -r requirements-scale.txt"
                    ) from None
            try:
                self._attach(con)
            except duckdb.Error as exc:
                first = self.mask(str(exc)).strip().splitlines()[0][:240]
                if _lost_catalog(exc):
                    raise StoreUnreachable(f"cannot open the DuckLake {self.redacted}: {first}") from None
                hint = "" if self.data_path else " (a new lake also needs VMDASH_DATA_PATH: where its Parquet files go)"
                raise VmdashError(f"cannot open the DuckLake {self.redacted}: {first}{hint}") from None
            con.execute(f"USE {LAKE_ALIAS}")
        except BaseException:
            con.close()
            raise
        return con

    def migrate(self, con: duckdb.DuckDBPyConnection) -> int:
        """Bring the lake up to this vmdash's schema, taking the writers' lock only when there is work to do.

        Every process opens the lake, most only to read: one that finds the schema current (or
        newer, which `_migrate` refuses) never queues behind a running import.
        """
        # schema.py builds on this module: imported here, when both are loaded.
        from vmdash.store.schema import SCHEMA_VERSION, _migrate

        try:
            row = con.execute("SELECT max(value) FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
        except duckdb.CatalogException:  # a new lake: no meta table yet
            version = 0
        if version >= SCHEMA_VERSION:
            if version > SCHEMA_VERSION:
                _migrate(con, lake=True)  # says which vmdash the lake needs
            return version
        with self.writer():
            # Again under the lock: another process may have done it meanwhile.
            return min(version, _migrate(con, lake=True))

    def _attach(self, con: duckdb.DuckDBPyConnection) -> None:
        """ATTACH the lake; when another process is creating the same new lake at that moment, once it has.

        DuckLake creates a new catalog's tables on ATTACH, in one PostgreSQL transaction: of several
        processes starting together on an empty catalog, one creates them and the others fail on
        tables that now exist. Attached again they find the lake made, which is all they wanted.
        """
        options = f" (DATA_PATH {_literal(self.data_path)})" if self.data_path else ""
        for attempt in range(_CREATE_ATTEMPTS):
            try:
                con.execute(f"ATTACH {_literal(self.target)} AS {LAKE_ALIAS}{options}")
                return
            except duckdb.Error as exc:
                text = str(exc).lower()
                if attempt + 1 == _CREATE_ATTEMPTS or not any(mark in text for mark in _CREATED_MEANWHILE):
                    raise
            time.sleep(0.1 * (attempt + 1))

    @property
    def redacted(self) -> str:
        """The setting with any password hidden, for messages."""
        return self.mask(self.target)

    def mask(self, text: str) -> str:
        """`text` with this lake's passwords (and any other in a connection setting) hidden."""
        return redact(text, self._secrets)

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the lake's writers' lock (a PostgreSQL advisory lock) for the block.

        DuckLake itself only refuses a conflicting commit; queueing writers instead means an
        import never fails because another one ran at the same time, and ids read as max()+1
        stay unique. PostgreSQL drops the lock with the session if the process dies, so the
        writer ahead holds it exactly as long as it is alive: this one waits for it (saying
        whom it waits for) up to `write_wait_s()`.
        """
        if self.catalog_dsn is None:
            yield
            return
        session = self._connect_session()
        try:
            self._queue(session, write_wait_s())
        except VmdashError:
            raise
        except Exception as exc:
            self.close()
            first = self.mask(str(exc)).strip().splitlines()[0][:240] if str(exc).strip() else type(exc).__name__
            raise VmdashError(f"cannot take the lake's writers' lock: {first}") from None
        try:
            yield
        finally:
            try:
                session.execute("SELECT pg_advisory_unlock(%s)", (_WRITER_LOCK_KEY,))
            except Exception:
                # Closing the session lets go of the lock just as well.
                self.close()

    def _queue(self, session: Any, ceiling_s: float) -> None:
        """Take the writers' lock, waiting behind the writer ahead for at most `ceiling_s`."""
        started = time.monotonic()
        told, told_whom = -_TELL_EVERY_S, ""
        while not session.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER_LOCK_KEY,)).fetchone()[0]:
            waited = time.monotonic() - started
            whom, held = self._holder(session)
            if waited >= ceiling_s:
                raise DatabaseBusy(
                    f"{whom} has been writing to the lake for {held:.0f} s, longer than this write waits "
                    f"(VMDASH_WRITE_WAIT_S, {ceiling_s:.0f} s); nothing was written: try again once it is done"
                )
            if waited - told >= _TELL_EVERY_S or whom != told_whom:
                _log.warning(
                    "waiting for %s to finish writing to the lake (writing for %.0f s; waited %.0f s of at most %.0f s)",
                    whom,
                    held,
                    waited,
                    ceiling_s,
                )
                told, told_whom = waited, whom
            time.sleep(min(0.25, max(ceiling_s - waited, 0.01)))

    def _holder(self, session: Any) -> tuple[str, float]:
        """Who holds the writers' lock (a vmdash process by its name on the catalog), and for how many seconds."""
        row = session.execute(
            "SELECT a.pid, a.application_name, host(a.client_addr), "
            "extract(epoch FROM clock_timestamp() - a.state_change) "
            "FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid::text::bigint = %s AND l.objid::text::bigint = %s AND l.objsubid = 1",
            (_WRITER_LOCK_KEY >> 32, _WRITER_LOCK_KEY & 0xFFFFFFFF),
        ).fetchone()
        if row is None:
            return "another writer", 0.0  # gone between the two queries
        pid, name, client, held = row
        # A vmdash writer's session is idle from the moment it took the lock until it lets go.
        if str(name or "").startswith("vmdash"):
            return str(name), float(held or 0)
        return f"PostgreSQL session {pid} ({name or 'unnamed'}{f', from {client}' if client else ''})", float(held or 0)

    def _connect_session(self) -> Any:
        if self._session is not None and not self._session.closed:
            return self._session
        try:
            import psycopg
        except ImportError:
            raise VmdashError(
                "the DuckLake store needs psycopg for its writers' lock: pip install -r requirements-scale.txt"
            ) from None
        try:
            # Named, so a writer waiting behind this one can say whom it waits for.
            self._session = psycopg.connect(self.catalog_dsn or "", autocommit=True, application_name=_session_name())
        except psycopg.Error as exc:
            first = self.mask(str(exc)).strip().splitlines()[0][:240] if str(exc).strip() else type(exc).__name__
            raise StoreUnreachable(f"cannot reach the lake's PostgreSQL catalog: {first}") from None
        return self._session

    def close(self) -> None:
        if self._session is not None:
            with suppress(Exception):
                self._session.close()
            self._session = None

    @contextmanager
    def transaction(self, con: duckdb.DuckDBPyConnection) -> Iterator[_LakeConnection]:
        """One write to the lake: under the writers' lock, with fresh id sequences, all or nothing."""
        with self.writer():
            # Under the writers' lock nobody else can take an id until this commits.
            for sequence, table, column in _LAKE_SEQUENCES:
                row = con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()
                assert row is not None  # an aggregate without GROUP BY returns one row
                start = row[0]
                con.execute(f"CREATE OR REPLACE TEMP SEQUENCE {sequence} START {int(start)}")
            try:
                with transaction(con):
                    yield _LakeConnection(con)
            except duckdb.Error as exc:
                if not _lost_catalog(exc):
                    raise
                # A DuckLake commit is one PostgreSQL transaction: a session that ended before it
                # committed wrote nothing. End DuckDB's side too, on a fresh catalog session when
                # the server is back, so the connection serves the next query.
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise CatalogLost(
                    "the lake's PostgreSQL catalog went away during the write (restarted or unreachable); "
                    "nothing was written: try again in a moment"
                ) from None


@contextmanager
def masked(lake: _Lake | None) -> Iterator[None]:
    """Let no DuckDB error raised in the block carry a password of `lake`'s setting out of the store.

    DuckDB quotes the whole catalog setting when it loses the catalog; that becomes
    StoreUnreachable (masked, one line), and any other error keeps its type (callers tell
    DuckDB's errors apart) with the password masked.
    """
    if lake is None:
        yield
        return
    try:
        yield
    except duckdb.Error as exc:
        text = lake.mask(str(exc))
        if _lost_catalog(exc):
            first = text.strip().splitlines()[0][:240] if text.strip() else type(exc).__name__
            raise StoreUnreachable(f"the lake's PostgreSQL catalog cannot be reached: {first}") from None
        if text == str(exc):
            raise
        try:
            clean: Exception = type(exc)(text)
        except Exception:
            clean = VmdashError(text)
        raise clean from None
