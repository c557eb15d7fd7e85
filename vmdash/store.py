"""The only module that talks to DuckDB: connections, schema, transactions, loads, queries.

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

DuckLake (scaling out)
----------------------
`VMDASH_DB=ducklake:postgres:<libpq connection string>` (with `VMDASH_DATA_PATH` naming
the folder or `s3://` prefix for the Parquet files when the lake is first created) puts
the same tables in a DuckLake: the catalog in PostgreSQL, the data as Parquet files. Many
processes on many machines can then read and write at once, so nothing here locks a file:
the connection stays open, there is no idle release and no `.waiting` request. The rest of
vmdash sees the same tables and runs the same SQL; where DuckLake lacks a feature the
schema uses, this module stands in for it:

- no PRIMARY KEY / UNIQUE and no sequences: migrations are applied without them, and each
  write transaction first takes a PostgreSQL advisory lock (writers queue up, readers never
  wait), then gives `import_seq` and `loop_log_seq` a TEMP sequence starting past the
  largest stored id, so ids stay unique and increasing across processes;
- no `INSERT OR REPLACE` (it needs a key): a write transaction turns it into a DELETE of the
  key and an INSERT;
- staging tables stay TEMP tables in the process's own in-memory DuckDB;
- no write-ahead-log replay: a DuckLake commit is one PostgreSQL transaction, so an import
  that dies leaves at most unreferenced Parquet files (`ducklake_delete_orphaned_files`
  removes them), never rows, and nothing needs reconciling on open.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from vmdash import model
from vmdash.errors import DatabaseBusy, VmdashError

SCHEMA_VERSION = 5
ROOT = Path(__file__).resolve().parent.parent


LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"
# The offline extension packages (requirements-scale.txt): module, extension name.
_LAKE_EXTENSIONS = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}
# pg_advisory_lock key shared by every vmdash writer of a lake: hash of "vmdash writer".
_WRITER_LOCK_KEY = 0x766D646173680001


def default_db_path() -> Path | str:
    """`$VMDASH_DB` (a file, or `ducklake:postgres:...`), else data/vmdash.duckdb beside the app."""
    env = os.environ.get("VMDASH_DB")
    if env and is_lake(env):
        return env
    return Path(env) if env else ROOT / "data" / "vmdash.duckdb"


def is_lake(target: str | os.PathLike[str]) -> bool:
    """True when a database setting names a DuckLake (`ducklake:...`) rather than a file."""
    return str(target).startswith(LAKE_PREFIX)


def memory_limit() -> str:
    """DuckDB's memory cap for this process: `$VMDASH_MEMORY_LIMIT`, default 1GB.

    Above it DuckDB spills to a temporary folder beside the database, so a 1 GB import stages
    on disk instead of in RAM; DuckDB's own default (80 % of RAM) would let one import of a
    large export take most of a shared server.
    """
    return os.environ.get("VMDASH_MEMORY_LIMIT", "1GB")


def extension_path(name: str) -> Path | None:
    """The extension file a PyPI package ships for this duckdb version, or None when not installed."""
    try:
        package = importlib.import_module(_LAKE_EXTENSIONS[name])
    except ImportError:
        return None
    path = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.is_file() else None


# The fact columns each schema version added, frozen: a migration must build what its version
# had, never what the model holds today (a database of the first release migrates through all).
_V1_DIMENSIONS: tuple[str, ...] = (
    "date",
    "date_end",
    "platform",
    "channel",
    "objective",
    "campaign",
    "ad_set",
    "ad",
    "video_id",
    "video_title",
    "video_duration_s",
    "published_at",
    "currency",
    "import_id",
)
_V1_MEASURES: tuple[str, ...] = (
    "impressions",
    "reach",
    "video_starts",
    "views",
    "views_3s",
    "plays_p25",
    "plays_p50",
    "plays_p75",
    "plays_p95",
    "plays_p100",
    "thruplays",
    "watch_time_s",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
    "likes",
    "comments",
    "shares",
    "saves",
    "subscribers_gained",
)
# 5: traffic sources (YouTube Studio's Traffic source tab) and YouTube's engaged views.
_V5_DIMENSIONS: tuple[str, ...] = (*_V1_DIMENSIONS, "traffic_source")
_V5_MEASURES: tuple[str, ...] = (*_V1_MEASURES, "engaged_views")
_V5_TYPES: dict[str, str] = {"traffic_source": "VARCHAR", "engaged_views": "BIGINT"}
# The schema the last migration leaves: the model must declare exactly these columns.
LATEST_DIMENSIONS, LATEST_MEASURES = _V5_DIMENSIONS, _V5_MEASURES


def _sql_type(name: str) -> str:
    # Types never change once released; columns the model no longer holds keep their frozen type.
    return _V5_TYPES.get(name) or {c.name: c.sql_type for c in model.FACT_COLUMNS}[name]


def _fact_table_sql(columns: Sequence[str] = (*_V1_DIMENSIONS, *_V1_MEASURES)) -> str:
    cols = ",\n  ".join(f'"{c}" {_sql_type(c)}' for c in columns)
    return "CREATE TABLE facts (\n  " + cols + ",\n  source_row INTEGER,\n  replaced_by INTEGER\n)"


# The retention columns of migration 1, frozen like the facts' (name, type).
_V1_RETENTION: tuple[tuple[str, str], ...] = (
    ("video_id", "VARCHAR"),
    ("platform", "VARCHAR"),
    ("position_pct", "DOUBLE"),
    ("audience_ratio", "DOUBLE"),
    ("relative_ratio", "DOUBLE"),
    ("video_title", "VARCHAR"),
    ("import_id", "INTEGER"),
)


def _retention_table_sql() -> str:
    cols = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in _V1_RETENTION)
    return "CREATE TABLE retention (\n  " + cols + ",\n  replaced_by INTEGER\n)"


# -- the rollup ------------------------------------------------------------------------------
# Ten million daily ad rows are a few hundred thousand once summed per month, and a few
# thousand once summed over all time. `facts_summed` holds, per import, four grains:
#   'month'  the daily rows of each calendar month, summed ("date" / "date_end": the month);
#   'period' rows over a longer period (an export by month) and undated lifetime rows, as they are;
#   'all'    everything summed over all time (the view with no date range);
#   'day'    the daily rows of each day summed per DAY_DIMENSIONS only (trends by platform,
#            channel or objective; the other dimensions are NULL there).
# Pages read whole months and periods there and only the daily rows of partial months at a
# range's edges from `facts` (see queries.fact_rows). It is re-summed per import in the
# transaction of every import, undo and recovery, so it never holds another state than the facts.
ROLLUP_DIMENSIONS: tuple[str, ...] = tuple(
    c.name for c in model.DIMENSIONS if c.name not in ("date", "date_end", "import_id")
)
_V4_ROLLUP_DIMENSIONS = tuple(c for c in _V1_DIMENSIONS if c not in ("date", "date_end", "import_id"))
_V5_ROLLUP_DIMENSIONS = tuple(c for c in _V5_DIMENSIONS if c not in ("date", "date_end", "import_id"))
DAILY_SQL = '("date" IS NOT NULL AND coalesce("date_end", "date") = "date")'
DAY_DIMENSIONS: tuple[str, ...] = ("platform", "channel", "objective", "currency")
# Tables summed from the facts: left out of Store.fingerprint, since their float sums may differ
# in the last bit between two identical imports (Store.rollup_agrees checks them instead).
DERIVED_TABLES = ("facts_summed",)
# Which active facts each grain stands for, in the order they are summed ('all' reads the first two).
ROLLUP_GRAINS: dict[str, str] = {"month": DAILY_SQL, "period": f"NOT {DAILY_SQL}", "all": "TRUE", "day": DAILY_SQL}


def _rollup_table_sql(
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS, measures: Sequence[str] = model.MEASURE_NAMES
) -> str:
    cols = [
        "_grain VARCHAR",
        "import_id INTEGER",
        '"date" DATE',
        '"date_end" DATE',
        *(f'"{c}" {_sql_type(c)}' for c in dimensions),
        "_rows BIGINT",
        *(f'"{c}" {_sql_type(c)}' for c in measures),
    ]
    return "CREATE TABLE facts_summed (\n  " + ",\n  ".join(cols) + "\n)"


def unreported_sql(measures: Sequence[str] = model.MEASURE_NAMES) -> str:
    """A bitmask of which of these measures a row leaves NULL, to group by.

    Summed per pattern, a row's measure is either the sum of reporting rows or NULL, so the
    sums and coverage of any KPI read the same on summed rows as on the facts.
    """
    return " | ".join(f'(("{m}" IS NULL)::UBIGINT << {i})' for i, m in enumerate(measures))


def _rollup_fill_sql(
    grain: str,
    where: str,
    facts: str = "active_facts",
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS,
    measures: Sequence[str] = model.MEASURE_NAMES,
) -> str:
    dims = "".join(f'"{c}", ' for c in dimensions)
    sums = ", ".join(f'sum("{c}")' for c in measures)
    unreported = unreported_sql(measures)
    positions = ", ".join(str(i) for i in range(1, len(dimensions) + 5))
    source, count = f"{facts} WHERE {ROLLUP_GRAINS[grain]}", "count(*)"
    if grain == "all":
        # Summed from the month and period rows (a few hundred thousand rows, not millions).
        source, count = "facts_summed WHERE _grain IN ('month', 'period')", "sum(_rows)"
    dates = {
        "month": """date_trunc('month', "date")::DATE, last_day("date")""",
        "period": '"date", "date_end"',
        "all": 'min("date"), max(coalesce("date_end", "date"))',
        "day": '"date", "date"',
    }[grain]
    group = positions
    if grain == "all":
        group = ", ".join(str(i) for i in (1, 2, *range(5, len(dimensions) + 5)))
    elif grain == "day":
        dims = "".join(f'"{c}", ' if c in DAY_DIMENSIONS else "NULL, " for c in dimensions)
        group = 'import_id, "date", ' + ", ".join(f'"{c}"' for c in DAY_DIMENSIONS)
    return (
        f"INSERT INTO facts_summed SELECT '{grain}', import_id, {dates}, {dims}{count}, {sums} "
        f"FROM {source} AND {where} GROUP BY {group}, {unreported}"
    )


def refresh_rollup(con: Any, import_ids: Collection[int], new: tuple[int, str] | None = None) -> None:
    """Sum these imports' active facts again at every grain, inside the caller's transaction.

    `new`: an import being loaded in this transaction, and a SELECT of exactly the fact rows it
    inserts (without import_id). Its sums are read there: DuckDB scans rows inserted by a
    transaction that has not committed yet at half the speed of the staged ones.
    """
    ids = sorted({int(i) for i in import_ids})
    all_ids = sorted({*ids, *([new[0]] if new else [])})
    if not all_ids:
        return
    try:
        _refill_rollup(con, ids, all_ids, new)
    except (duckdb.ConversionException, duckdb.OutOfRangeException):
        # A sum past BIGINT: the import checks its sums first, this is the last line of defence.
        raise VmdashError(
            "the totals would exceed what vmdash can store (a sum over 9.2e18); nothing was changed"
        ) from None


def _refill_rollup(con: Any, ids: list[int], all_ids: list[int], new: tuple[int, str] | None) -> None:
    con.execute("DELETE FROM facts_summed WHERE list_contains($ids, import_id)", {"ids": all_ids})
    for grain in ROLLUP_GRAINS:
        if grain == "all":
            con.execute(_rollup_fill_sql(grain, "list_contains($ids, import_id)"), {"ids": all_ids})
            continue
        if ids:
            con.execute(_rollup_fill_sql(grain, "list_contains($ids, import_id)"), {"ids": ids})
        if new:
            staged = f"(SELECT $new_id::INTEGER AS import_id, * FROM ({new[1]}))"
            con.execute(_rollup_fill_sql(grain, "TRUE", staged), {"new_id": new[0]})


# Each entry moves the schema one version up; never edit a released entry, add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE imports (
          import_id INTEGER PRIMARY KEY,
          file_name VARCHAR NOT NULL,
          content_hash VARCHAR NOT NULL,
          source_format VARCHAR NOT NULL,
          locale VARCHAR,
          detection VARCHAR,
          target VARCHAR NOT NULL,
          rows_read INTEGER NOT NULL,
          rows_loaded INTEGER NOT NULL,
          rows_rejected INTEGER NOT NULL,
          rows_replaced INTEGER NOT NULL,
          replaced_imports VARCHAR,
          imported_at TIMESTAMP NOT NULL,
          status VARCHAR NOT NULL DEFAULT 'active',
          undone_at TIMESTAMP
        )""",
        "CREATE SEQUENCE import_seq START 1",
        _fact_table_sql(),
        _retention_table_sql(),
        "CREATE VIEW active_facts AS SELECT * FROM facts WHERE replaced_by IS NULL",
        "CREATE VIEW active_retention AS SELECT * FROM retention WHERE replaced_by IS NULL",
        """CREATE TABLE objective_rules (
          position INTEGER PRIMARY KEY, token VARCHAR NOT NULL, objective VARCHAR NOT NULL
        )""",
        """CREATE TABLE column_mappings (
          signature VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, mapping VARCHAR NOT NULL,
          created_at TIMESTAMP NOT NULL
        )""",
    ),
    # 2: named saved views (a name and the link that reproduces the view).
    (
        """CREATE TABLE saved_views (
          name VARCHAR PRIMARY KEY, link VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, created_by VARCHAR
        )""",
    ),
    # 3: the test -> learn -> amplify -> optimise log. Its items name videos and campaigns by key
    # and keep the label they had, so an entry outlives an undo of the rows it is about.
    (
        "CREATE SEQUENCE loop_log_seq START 1",
        """CREATE TABLE loop_log (
          entry_id INTEGER PRIMARY KEY, stage VARCHAR NOT NULL, happened_on DATE NOT NULL,
          note VARCHAR NOT NULL, objective VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, created_by VARCHAR
        )""",
        """CREATE TABLE loop_log_items (
          entry_id INTEGER NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL, label VARCHAR NOT NULL,
          PRIMARY KEY (entry_id, kind, key)
        )""",
    ),
    # 4: facts summed per import by month, period, day and over all time (see ROLLUP_GRAINS).
    (
        _rollup_table_sql(_V4_ROLLUP_DIMENSIONS, _V1_MEASURES),
        *(_rollup_fill_sql(g, "TRUE", dimensions=_V4_ROLLUP_DIMENSIONS, measures=_V1_MEASURES) for g in ROLLUP_GRAINS),
    ),
    # 5: the traffic source a row's views came from (part of the natural key) and engaged views.
    # The rollup is rebuilt: its INSERTs name no columns, so a column added at the end of the
    # table would not line up with the dimensions it belongs to.
    (
        'ALTER TABLE facts ADD COLUMN IF NOT EXISTS "traffic_source" VARCHAR',
        'ALTER TABLE facts ADD COLUMN IF NOT EXISTS "engaged_views" BIGINT',
        "CREATE OR REPLACE VIEW active_facts AS SELECT * FROM facts WHERE replaced_by IS NULL",
        "DROP TABLE facts_summed",
        _rollup_table_sql(_V5_ROLLUP_DIMENSIONS, _V5_MEASURES),
        *(_rollup_fill_sql(g, "TRUE", dimensions=_V5_ROLLUP_DIMENSIONS, measures=_V5_MEASURES) for g in ROLLUP_GRAINS),
    ),
)


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

    # -- connections -------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.lake is not None:
            con = self.lake.open(self.busy_timeout_s)
            if not self._migrated:
                with self.lake.writer(self.busy_timeout_s):
                    _migrate(con, lake=True)
                self._migrated = True
            return con
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
        # A stray Python variable must never be read as a table; DuckDB's own progress bar would
        # write into the CLI's output (and the server log) on any query over two seconds.
        con.execute("SET python_enable_replacements = false")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET memory_limit = $limit", {"limit": memory_limit()})
        if not self._migrated:
            _migrate(con)
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
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One all-or-nothing write: commit on success, roll back on any exception."""
        if self.lake is not None:
            with self._lake_transaction() as tx:
                yield tx
            return
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextmanager
    def _lake_transaction(self) -> Iterator[Any]:
        assert self.lake is not None
        with self.connect() as con, self.lake.writer(self.busy_timeout_s):
            # Under the writers' lock nobody else can take an id until this commits.
            for sequence, table, column in _LAKE_SEQUENCES:
                start = con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()[0]
                con.execute(f"CREATE OR REPLACE TEMP SEQUENCE {sequence} START {int(start)}")
            con.execute("BEGIN TRANSACTION")
            try:
                yield _LakeConnection(con)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            try:
                con.execute("COMMIT")
            except BaseException:
                # A failed commit (say, a writer that bypassed the lock) leaves nothing behind.
                with suppress(Exception):
                    con.execute("ROLLBACK")
                raise

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

    def rollup_agrees(self) -> bool:
        """True when each import's summed rows add up to its active facts at every grain (an integrity check)."""
        sums = ", ".join(f'sum("{m}")::DOUBLE' for m in model.MEASURE_NAMES)
        with self.connect() as con:
            for grain, rows in ROLLUP_GRAINS.items():
                facts = con.execute(
                    f"SELECT import_id, count(*)::DOUBLE, {sums} FROM active_facts WHERE {rows} GROUP BY 1"
                ).fetchall()
                held = con.execute(
                    f"SELECT import_id, sum(_rows)::DOUBLE, {sums} FROM facts_summed WHERE _grain = $g GROUP BY 1",
                    {"g": grain},
                ).fetchall()
                expected, found = {r[0]: r[1:] for r in facts}, {r[0]: r[1:] for r in held}
                if expected.keys() != found.keys():
                    return False
                for key, values in expected.items():
                    for a, b in zip(values, found[key], strict=True):
                        if (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=1e-9)):
                            return False
        return True

    def fingerprint(self, ignore: Collection[str] = ()) -> dict[str, tuple[int, int]]:
        """Row count and an order-independent content hash of every stored table but the rollup.

        Columns named in `ignore` (say, the time an import ran) are left out of the hash.
        """
        out = {}
        with self.connect() as con:
            columns: dict[str, list[str]] = {}
            for table, column in con.execute(
                "SELECT c.table_name, c.column_name FROM duckdb_columns() AS c JOIN duckdb_tables() AS t "
                "USING (database_oid, schema_oid, table_oid) WHERE NOT t.temporary "
                "AND t.database_name = current_database() "
                "ORDER BY c.table_name, c.column_index"
            ).fetchall():
                columns.setdefault(table, [])
                if column not in ignore:
                    columns[table].append(column)
            for table, kept in columns.items():
                if table in DERIVED_TABLES:
                    continue
                row = "row(" + ", ".join(f'"{c}"' for c in kept) + ")" if kept else "NULL"
                count, digest = con.execute(
                    f'SELECT count(*), coalesce(bit_xor(hash({row})), 0) FROM "{table}"'
                ).fetchone()
                out[table] = (int(count), int(digest))
        return out


# -- DuckLake ---------------------------------------------------------------------------------

# The schema's sequences, as TEMP stand-ins in a lake: sequence, table, id column.
_LAKE_SEQUENCES = (("import_seq", "imports", "import_id"), ("loop_log_seq", "loop_log", "entry_id"))
# The key each table's INSERT OR REPLACE replaces on (its PRIMARY KEY in the embedded schema).
_LAKE_KEYS = {"meta": "key", "column_mappings": "signature", "saved_views": "name", "objective_rules": "position"}
_UPSERT = re.compile(r"\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s+VALUES\s*\(\s*(\$\w+|\?)", re.IGNORECASE)


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


class _Lake:
    """How a Store reaches a DuckLake: extensions, ATTACH, and the writers' lock in PostgreSQL."""

    def __init__(self, target: str, data_path: str | None):
        self.target = target
        self.data_path = data_path
        self._session: Any = None

    @property
    def catalog_dsn(self) -> str | None:
        """The libpq connection string of a PostgreSQL catalog, or None for another catalog."""
        rest = self.target[len(LAKE_PREFIX) :]
        return rest[len("postgres:") :] if rest.startswith("postgres:") else None

    def open(self, busy_timeout_s: float) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET python_enable_replacements = false")
            con.execute("SET enable_progress_bar = false")
            con.execute("SET memory_limit = $limit", {"limit": memory_limit()})
            needed = ["ducklake"] + (["postgres_scanner"] if self.catalog_dsn is not None else [])
            for name in needed:
                path = extension_path(name)
                try:
                    con.execute(f"LOAD {_literal(str(path))}" if path else f"LOAD {name}")
                except duckdb.Error:
                    raise VmdashError(
                        f"the DuckLake store needs DuckDB's {name} extension, which is not installed: "
                        "pip install -r requirements-scale.txt"
                    ) from None
            options = f" (DATA_PATH {_literal(self.data_path)})" if self.data_path else ""
            try:
                con.execute(f"ATTACH {_literal(self.target)} AS {LAKE_ALIAS}{options}")
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0][:240]
                hint = "" if self.data_path else " (a new lake also needs VMDASH_DATA_PATH: where its Parquet files go)"
                raise VmdashError(f"cannot open the DuckLake {self.redacted}: {first}{hint}") from None
            con.execute(f"USE {LAKE_ALIAS}")
        except BaseException:
            con.close()
            raise
        return con

    @property
    def redacted(self) -> str:
        """The setting with any password hidden, for messages."""
        return re.sub(r"(password\s*=\s*)(\S+)", r"\1***", self.target, flags=re.IGNORECASE)

    @contextmanager
    def writer(self, timeout_s: float) -> Iterator[None]:
        """Hold the lake's writers' lock (a PostgreSQL advisory lock) for the block.

        DuckLake itself only refuses a conflicting commit; queueing writers instead means an
        import never fails because another one ran at the same time, and ids read as max()+1
        stay unique. PostgreSQL drops the lock with the session if the process dies.
        """
        if self.catalog_dsn is None:
            yield
            return
        session = self._connect_session()
        try:
            session.execute(f"SET lock_timeout = '{max(int(timeout_s * 1000), 1)}ms'")
            session.execute("SELECT pg_advisory_lock(%s)", (_WRITER_LOCK_KEY,))
        except Exception as exc:
            self.close()
            if "lock timeout" in str(exc).lower() or "lock_timeout" in str(exc).lower():
                raise DatabaseBusy(
                    f"another vmdash process has been writing to the lake for {timeout_s:.0f} s; try again in a moment"
                ) from None
            raise
        try:
            yield
        finally:
            try:
                session.execute("SELECT pg_advisory_unlock(%s)", (_WRITER_LOCK_KEY,))
            except Exception:
                # Closing the session lets go of the lock just as well.
                self.close()

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
            self._session = psycopg.connect(self.catalog_dsn or "", autocommit=True)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0][:240] if str(exc).strip() else type(exc).__name__
            raise VmdashError(f"cannot reach the lake's PostgreSQL catalog: {first}") from None
        return self._session

    def close(self) -> None:
        if self._session is not None:
            with suppress(Exception):
                self._session.close()
            self._session = None


class _LakeConnection:
    """A lake connection inside a write transaction: `INSERT OR REPLACE` becomes DELETE + INSERT."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def execute(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> Any:
        """Run one statement, replacing by key where DuckLake has no PRIMARY KEY to do it."""
        match = _UPSERT.match(sql)
        if match:
            table, first = match.group(1), match.group(2)
            key = _LAKE_KEYS.get(table.lower())
            if key is None or params is None:
                raise VmdashError(f"INSERT OR REPLACE into {table} has no key in a DuckLake store")
            if first == "?":
                key_params: Any = [list(params)[0]]  # type: ignore[arg-type]
            else:
                key_params = {first[1:]: params[first[1:]]}  # type: ignore[index]
            self._con.execute(f'DELETE FROM {table} WHERE "{key}" = {first}', key_params)
            sql = "INSERT INTO " + sql[sql.upper().index("INTO") + 4 :].lstrip()
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def register_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table | pd.DataFrame) -> None:
    """Make an Arrow table or DataFrame queryable under `name` on this connection."""
    con.register(name, table)


def _migrate(con: duckdb.DuckDBPyConnection, *, lake: bool = False) -> None:
    if lake:
        con.execute(_for_lake("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"))
    else:
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise VmdashError(
            f"this database was written by a newer vmdash (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade vmdash to open it"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[target - 1]:
                if statement.startswith("CREATE TABLE IF NOT EXISTS meta"):
                    continue
                if lake:
                    statement = _for_lake(statement)
                    if not statement:
                        continue
                con.execute(statement)
            if target == 1:
                con.executemany(
                    "INSERT INTO objective_rules VALUES (?, ?, ?)",
                    [(i, token, obj) for i, (token, obj) in enumerate(model.DEFAULT_OBJECTIVE_RULES)],
                )
            if lake:
                con.execute("DELETE FROM meta WHERE key = 'schema_version'")
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(target)])
            else:
                con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(target)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def overlap_sql(table: str, a: str, b: str) -> str:
    """SQL true when rows `a` and `b` of `table` describe the same thing (so the later one replaces the other).

    Facts: the same natural key over overlapping dates (an undated lifetime row overlaps every
    date). Retention points: the same video on the same platform.
    """
    if table == "retention":
        return f"{a}.platform = {b}.platform AND {a}.video_id = {b}.video_id"
    keys = " AND ".join(f'{a}."{k}" IS NOT DISTINCT FROM {b}."{k}"' for k in model.NATURAL_KEY)
    dates = (
        f'({a}."date" IS NULL OR {b}."date" IS NULL OR '
        f'({a}."date" <= coalesce({b}."date_end", {b}."date") AND {b}."date" <= coalesce({a}."date_end", {a}."date")))'
    )
    return f"{keys} AND {dates}"


def reconcile(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Make facts and retention agree with the imports table, inside the caller's transaction.

    Rows of an import that is not active are removed; rows replaced by an import that is not
    active come back, unless a later active import overlaps them (that one wins again). This
    is how an undo takes effect, and how a database recovers rows an interrupted write left.
    """
    active = "(SELECT import_id FROM imports WHERE status = 'active')"
    touched = [
        int(r[0])
        for r in con.execute(
            f"SELECT DISTINCT import_id FROM facts WHERE import_id NOT IN {active} "
            f"OR (replaced_by IS NOT NULL AND replaced_by NOT IN {active})"
        ).fetchall()
    ]
    removed = restored = 0
    for table in ("facts", "retention"):
        removed += con.execute(f"DELETE FROM {table} WHERE import_id NOT IN {active}").fetchone()[0]
        # -1 marks the rows coming back, so only they are checked against later imports.
        restored += con.execute(
            f"UPDATE {table} SET replaced_by = -1 WHERE replaced_by IS NOT NULL AND replaced_by NOT IN {active}"
        ).fetchone()[0]
        later = (
            f"FROM {table} AS l WHERE l.replaced_by IS NULL AND l.import_id > {table}.import_id "
            f"AND {overlap_sql(table, 'l', table)}"
        )
        con.execute(
            f"UPDATE {table} SET replaced_by = (SELECT max(l.import_id) {later}) "
            f"WHERE replaced_by = -1 AND EXISTS (SELECT 1 {later})"
        )
        con.execute(f"UPDATE {table} SET replaced_by = NULL WHERE replaced_by = -1")
    refresh_rollup(con, touched)
    return {"removed": int(removed), "restored": int(restored)}


def _recover(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB can replay part of a transaction that never committed from its log (seen with
    # 1.5 after SIGKILL during a large insert). An import writes its imports row last, so
    # rows without an active import are such leftovers: reconcile removes them.
    con.execute("BEGIN TRANSACTION")
    try:
        reconcile(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")


def is_duckdb_error(exc: BaseException) -> bool:
    """True for errors raised by DuckDB itself (so callers need not import duckdb)."""
    return isinstance(exc, duckdb.Error)
