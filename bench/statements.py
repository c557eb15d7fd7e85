"""Where a vmdash import spends its time and memory, statement by statement.

    python bench/statements.py FILE [--memory-limit 1GB] [--into DB]

Imports FILE into a fresh database (or, with --into, a copy of DB: a small export into a large
database) with every SQL statement timed, and prints the slowest with the process's CPU time
and DuckDB's memory in use after each. pyinstrument sees only "execute" for all of them; this
says which one. On a shared machine the CPU time moves less than the wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vmdash.ingest import Upload, import_files  # noqa: E402
from vmdash.store import Store  # noqa: E402


class _Timed:
    """A connection that records how long each statement takes (and DuckDB's memory after it)."""

    def __init__(self, con: Any, log: list[dict[str, Any]]):
        self._con = con
        self._log = log
        # A second handle asks for the memory, so the statement's own pending result stays intact.
        self._probe = con.cursor()

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), _cpu()
        result = self._con.execute(sql, *args, **kwargs)
        elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
        memory = self._probe.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
        self._log.append({"sql": sql, "seconds": elapsed, "cpu": cpu, "memory": memory or 0})
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_import(path: Path, memory_limit: str | None = None, into: Path | None = None) -> list[dict[str, Any]]:
    """Import `path` into a fresh temporary database (or a copy of `into`); every statement with its time and memory."""
    log: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="vmdash-bench-") as tmp:
        db = Path(tmp) / "statements.duckdb"
        if into is not None:
            shutil.copy(into, db)
        store = Store(db, idle_release_s=None)
        original = Store.connect

        @contextlib.contextmanager
        def connect(self: Store):
            with original(self) as con:
                if memory_limit:
                    con.execute("SET memory_limit = $m", {"m": memory_limit})
                yield _Timed(con, log)

        Store.connect = connect  # type: ignore[method-assign]
        try:
            import_files(store, [Upload(path, path.name)])
        finally:
            Store.connect = original  # type: ignore[method-assign]
            store.close()
    return log


def summarise(log: list[dict[str, Any]], top: int = 8) -> str:
    """The slowest statements, one line each, with their share of the total."""
    total = sum(e["seconds"] for e in log)
    cpu = sum(e.get("cpu", 0.0) for e in log)
    lines = [f"{len(log)} statements, {total:.2f} s in DuckDB ({cpu:.2f} s of CPU)"]
    for entry in sorted(log, key=lambda e: -e["seconds"])[:top]:
        head = re.sub(r"\s+", " ", entry["sql"]).strip()[:110]
        lines.append(
            f"  {entry['seconds']:7.2f} s {entry['seconds'] / total:5.0%}  cpu {entry.get('cpu', 0.0):6.2f} s"
            f"  mem {entry['memory'] / 2**20:6.0f} MB  {head}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/statements.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit for the import (e.g. 1GB)")
    parser.add_argument("--into", type=Path, default=None, help="import into a copy of this database file")
    args = parser.parse_args(argv)
    print(summarise(timed_import(args.file, args.memory_limit, args.into)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
