"""The embedded DuckDB file vs the same data on DuckLake (PostgreSQL catalog, Parquet files).

    python bench/ducklake.py --dsn "host=127.0.0.1 port=5432 user=vmdash dbname=postgres" \\
        [--data-path /tmp/vmdash-lake] [--rows 1000000] [--repeat 3]

`compare(dsn)` creates a fresh catalog database on the server the DSN names (and drops it
after), imports one export (by default a synthetic one, `vmdash.demo.write_synthetic_csv`)
into a new file and into the lake, then times each page's vmdash calls cold (answers cache
cleared) on both. `python bench/run.py --only ducklake` shows the same figures in the
benchmark table, on a throwaway server when no DSN is given. Needs requirements-scale.txt.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload  # noqa: E402
from vmdash import cache, demo  # noqa: E402
from vmdash.filters import FilterState  # noqa: E402
from vmdash.ingest import Upload, import_files  # noqa: E402
from vmdash.store import Store  # noqa: E402


def _measure(target: str | Path, export: Path, repeat: int, data_path: str | None = None) -> dict[str, float]:
    store = Store(target, idle_release_s=None, data_path=data_path)
    try:
        out: dict[str, float] = {}
        start = time.perf_counter()
        (report,) = import_files(store, [Upload(export, export.name)])
        out["import"] = time.perf_counter() - start
        if not report.import_id:
            raise RuntimeError(f"the benchmark import loaded nothing into {target}")
        filters = FilterState()
        for page in workload.PAGES:

            def cold(p: str = page) -> None:
                cache.clear()
                workload.vmdash_page(store, p, filters)

            out[page] = workload.median_time(cold, repeat)
        return out
    finally:
        store.close()


def _fresh_catalog(dsn: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"vmdash_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # libpq: a later keyword wins, so this points the same server at the new database.
    return f"{dsn} dbname={name}", drop


def compare(
    dsn: str,
    data_path: str | Path | None = None,
    rows: int = 1_000_000,
    repeat: int = 3,
    export: Path | None = None,
) -> dict[str, dict[str, float]]:
    """Seconds to import one export and to run each page's queries cold, on a new embedded file and on DuckLake.

    Args: dsn: libpq connection string of a PostgreSQL server the user may create databases on;
    data_path: a folder (or s3:// prefix) under which the lake's Parquet files go (default: a
    temp folder, removed after); rows: the synthetic export's rows when no `export` is given.
    Returns {"embedded": {"import": s, page: s, ...}, "ducklake": {...}}, pages as in bench.workload.PAGES.
    """
    with tempfile.TemporaryDirectory(prefix="vmdash-bench-lake-") as tmp:
        if export is None:
            export = demo.write_synthetic_csv(Path(tmp) / f"synthetic_{rows}_rows.csv", rows)
        embedded = _measure(Path(tmp) / "embedded.duckdb", export, repeat)
        catalog, drop = _fresh_catalog(dsn)
        try:
            lake_data = f"{str(data_path or tmp).rstrip('/')}/bench-{os.getpid()}-{int(time.time())}/"
            lake = _measure(f"ducklake:postgres:{catalog}", export, repeat, data_path=lake_data)
        finally:
            drop()
    return {"embedded": embedded, "ducklake": lake}


def table(embedded: dict[str, float], lake: dict[str, float], rows: int) -> str:
    """A Markdown table: each measure on the file and on the lake, and their ratio."""
    lines = [
        f"| measure ({rows:,} fact rows) | embedded file | DuckLake | DuckLake / file |",
        "| --- | --- | --- | --- |",
    ]
    for name, ours in embedded.items():
        theirs = lake[name]
        label = name if name == "import" else f"{workload.PAGE_LABELS[name]} queries, cold"
        lines.append(f"| {label} | {ours:.3f} s | {theirs:.3f} s | {theirs / ours:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="libpq connection string of the PostgreSQL server")
    parser.add_argument(
        "--data-path", default=None, help="folder or s3:// prefix for the Parquet files (default: a temp folder)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    times = compare(args.dsn, args.data_path, args.rows, args.repeat)
    print(table(times["embedded"], times["ducklake"], args.rows))


if __name__ == "__main__":
    main()
