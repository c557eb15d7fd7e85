"""vmdash benchmarks: import, page queries, full page reruns and chart payloads at scale.

    python bench/run.py                       # 100k and 1M fact rows, plus the 1 GB import
    python bench/run.py --rows 1000000 --big  # adds 10M rows (slow: generates ~2 GB of CSV)
    python bench/run.py --quick               # fewer repeats, no 1 GB import
    python bench/run.py --results bench/RESULTS.md
    python bench/run.py --only ducklake       # DuckLake vs the file (throwaway PostgreSQL, or --dsn)
    python bench/run.py --only browser        # first chart and page at rest in Chromium, vs a bare page

Every figure is printed in one table beside the baseline measured in the same run, its ratio
and the target from the benchmarks issue (PASS / MISS; DuckLake has no target, read its ratio
to the embedded file). The ducklake section runs where PostgreSQL and requirements-scale.txt are
installed, and says why it was skipped where not. Generated exports and databases live
in bench/out/ (not committed) and are reused by later runs; `--fresh` rebuilds the databases
(do so after a change to the importer that changes what is stored). Raw numbers of the last
run go to bench/out/last_run.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import json
import os
import pkgutil
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser, ducklake, generate, importers, statements, workload  # noqa: E402
from tests.support import pgserver  # noqa: E402
from vmdash import cache, queries  # noqa: E402
from vmdash.ingest import Upload, import_files  # noqa: E402
from vmdash.store import Store  # noqa: E402

OUT = ROOT / "bench" / "out"
CHILD = ROOT / "bench" / "child.py"
GB = 1024**3
DB_STAMP = "bench-db-2"  # bump when generate.py changes what a dataset holds, or an import how it is stored

# Targets from the benchmarks issue.
IMPORT_VS_DUCKDB = 1.5  # vmdash import time <= 1.5x DuckDB's read_csv into a table
IMPORT_VS_PANDAS = 5.0  # and >= 5x faster than pandas read_csv + normalise + insert
RSS_PER_FILE_GB = 1.5  # peak RSS of a 1 GB import <= 1.5 GB
PAGE_QUERIES_S = 0.3  # each page's queries at 10M rows, median, 2 cores
PAGE_RERUN_S = 1.0  # a full page rerun at 10M rows
CHART_POINTS = queries.MAX_CHART_POINTS
ONE_GB_ROWS = 5_250_000  # a Meta export of ~1.0 GiB
SECTIONS = ("import", "queries", "app", "browser", "ducklake")


# -- table ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    area: str
    measure: str
    rows: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    result: str = "—"


@dataclass
class Report:
    """Everything one run measured: table rows, raw numbers, notes."""

    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(_line(row), flush=True)

    def markdown(self) -> str:
        head = "| area | measure | rows | value | baseline (same run) | ratio | target | result |"
        sep = "| --- | --- | --- | --- | --- | --- | --- | --- |"
        return "\n".join([head, sep, *(_line(r) for r in self.rows)])


def _line(r: Row) -> str:
    return f"| {r.area} | {r.measure} | {r.rows} | {r.value} | {r.baseline} | {r.ratio} | {r.target} | {r.result} |"


def verdict(ok: bool | None) -> str:
    """PASS, MISS, or a dash when a target does not apply."""
    return "—" if ok is None else ("PASS" if ok else "**MISS**")


def n_rows(n: int) -> str:
    """100k, 1M, 10M."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return f"{n:,}"


def secs(s: float | None) -> str:
    """Seconds with sensible precision."""
    if s is None:
        return "—"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def size(b: float) -> str:
    """Bytes as kB / MB / GB."""
    for unit, scale in (("GB", GB), ("MB", 1024**2), ("kB", 1024)):
        if b >= scale:
            return f"{b / scale:.2f} {unit}" if unit == "GB" else f"{b / scale:.0f} {unit}"
    return f"{b:.0f} B"


# -- children ------------------------------------------------------------------------------------


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, Any], int]:
    """Run child.py with args in its own process; its JSON result and its own peak RSS in bytes."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            stdout=subprocess.PIPE,
            stderr=err,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
        )
        out = proc.stdout.read() if proc.stdout else b""
        # wait4 returns this one child's resource usage (RUSAGE_CHILDREN would be the maximum of all).
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err.read().decode()[-3000:]}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    return json.loads(lines[-1]), int(usage.ru_maxrss) * 1024  # ru_maxrss is in kB on Linux


# -- 1. import -----------------------------------------------------------------------------------


def bench_import(report: Report, rows: int, repeat: int, rss_target: bool = False) -> None:
    """vmdash import vs DuckDB read_csv vs pandas on one Meta export of `rows` rows."""
    path = generate.meta_export(OUT, rows)
    file_bytes = path.stat().st_size
    label = f"{n_rows(rows)} ({size(file_bytes)})"
    times: dict[str, list[float]] = {kind: [] for kind in importers.KINDS}
    rss: dict[str, list[int]] = {kind: [] for kind in importers.KINDS}
    # Interleaved (vmdash, DuckDB, pandas, vmdash, ...) so that a busy spell of this shared
    # machine weighs on every kind alike, not on whichever ran during it.
    for n in range(repeat):
        for kind in importers.KINDS:
            if kind == "pandas" and rows > 1_000_000 and n:
                continue
            db = OUT / f"import_{kind}.duckdb"
            result, peak = run_child(["import", kind, str(path), str(db)])
            if result["rows"] != rows:
                raise RuntimeError(f"{kind} loaded {result['rows']} rows, expected {rows}")
            times[kind].append(result["seconds"])
            rss[kind].append(peak)
            for suffix in ("", ".wal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    results = {kind: {"seconds": statistics.median(times[kind]), "rss": max(rss[kind])} for kind in importers.KINDS}
    report.raw.setdefault("import", {})[str(rows)] = {"file_bytes": file_bytes, **results}
    v, d, p = (results[k]["seconds"] for k in importers.KINDS)
    report.add(
        Row(
            "1 import",
            "vmdash import vs DuckDB read_csv",
            label,
            secs(v),
            f"DuckDB {secs(d)}",
            f"{v / d:.2f}× DuckDB",
            f"≤ {IMPORT_VS_DUCKDB}× DuckDB",
            verdict(v / d <= IMPORT_VS_DUCKDB),
        )
    )
    report.add(
        Row(
            "1 import",
            "vmdash import vs pandas read_csv+normalise+insert",
            label,
            secs(v),
            f"pandas {secs(p)}",
            f"{p / v:.1f}× faster",
            f"≥ {IMPORT_VS_PANDAS:.0f}× faster",
            verdict(p / v >= IMPORT_VS_PANDAS),
        )
    )
    rss_v, rss_d, rss_p = (results[k]["rss"] for k in importers.KINDS)
    # 1.5 GB per GB of file, held only where the file is about a gigabyte (below, Python's own ~200 MB dominates).
    limit = RSS_PER_FILE_GB * file_bytes if rss_target else None
    report.add(
        Row(
            "1 import",
            "peak RSS of the import process",
            label,
            f"vmdash {size(rss_v)}",
            f"DuckDB {size(rss_d)}; pandas {size(rss_p)}",
            f"{rss_v / rss_d:.2f}× DuckDB; {rss_v / rss_p:.2f}× pandas",
            f"≤ {size(limit)} (1.5× the file)" if limit else "≤ 1.5 GB at 1 GB",
            verdict(rss_v <= limit if limit else None),
        )
    )


# -- 2. queries ----------------------------------------------------------------------------------


def build_db(rows: int, fresh: bool = False) -> Path:
    """A database of `rows` fact rows (Meta + TikTok) and retention curves, imported through vmdash."""
    data = generate.dataset(OUT, rows)
    db = OUT / f"bench_{rows}.duckdb"
    stamp = OUT / f"bench_{rows}.stamp"
    if db.exists() and not fresh and stamp.exists() and stamp.read_text() == DB_STAMP:
        return db
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store(db, idle_release_s=None)
    try:
        start = time.perf_counter()
        for path in data.files:
            import_files(store, [Upload(path, path.name)])
        with store.connect() as con:
            con.execute("CHECKPOINT")
        loaded = store.scalar("SELECT count(*) FROM active_facts")
    finally:
        store.close()
    if loaded != rows:
        raise RuntimeError(f"the {rows}-row database holds {loaded} active fact rows")
    stamp.write_text(DB_STAMP)
    print(f"  built {db.name}: {n_rows(rows)} fact rows in {time.perf_counter() - start:.0f} s", flush=True)
    return db


def bench_queries(report: Report, rows: int, db: Path, repeat: int, pandas_repeat: int) -> None:
    """Each page's vmdash calls vs pandas on in-memory frames, median of repeated runs."""
    store = Store(db, idle_release_s=None)
    try:
        data = workload.Frames.load(store)
        raw = report.raw.setdefault("queries", {}).setdefault(str(rows), {})
        for scenario, filters in workload.scenarios(store).items():
            for page in workload.PAGES:
                ours = workload.vmdash_page(store, page, filters)
                theirs = workload.pandas_page(data, page, filters)
                problems = workload.compare(page, ours, theirs)
                if problems:
                    report.notes.append(f"{n_rows(rows)} {scenario}: pandas disagrees: " + "; ".join(problems[:3]))

                # Cold: the first rerun after an import (nothing kept); warm: any later rerun or
                # session asking the same view (answers kept until the data version moves).
                def cold(p=page, f=filters):
                    cache.clear()
                    workload.vmdash_page(store, p, f)

                v = workload.median_time(cold, repeat)
                w = workload.median_time(lambda p=page, f=filters: workload.vmdash_page(store, p, f), repeat)
                # pandas has no buffers to warm, and the answers above already ran it once.
                p = workload.median_time(
                    lambda p=page, f=filters, d=data: workload.pandas_page(d, p, f), pandas_repeat, False
                )
                raw[f"{page}|{scenario}"] = {"vmdash": v, "vmdash_warm": w, "pandas": p}
                target = f"≤ {secs(PAGE_QUERIES_S)}" + ("" if rows >= 10_000_000 else " (at 10M)")
                for kind, value in (("cold", v), ("warm, kept answers", w)):
                    report.add(
                        Row(
                            "2 queries",
                            f"{workload.PAGE_LABELS[page]}, {scenario}, {kind}",
                            n_rows(rows),
                            secs(value),
                            f"pandas {secs(p)}",
                            f"{p / value:.1f}× faster",
                            target,
                            verdict(value <= PAGE_QUERIES_S),
                        )
                    )
        del data
    finally:
        store.close()


def _query_functions() -> dict[str, tuple[Callable[..., Any], list[tuple[Any, str]]]]:
    """Every public function of the vmdash.queries package by name, with each (module, name) that holds it.

    A page's load calls the functions by the names its own module imported them under, so each is
    timed wherever it is held; names defined in more than one page module ("load") get the module's.
    """
    modules = [
        queries,
        *(importlib.import_module(f"{queries.__name__}.{m.name}") for m in pkgutil.iter_modules(queries.__path__)),
    ]
    found: dict[int, tuple[str, Callable[..., Any], list[tuple[Any, str]]]] = {}
    for module in modules:
        for n, fn in vars(module).items():
            if n.startswith("_") or not inspect.isfunction(fn) or not fn.__module__.startswith(queries.__name__):
                continue
            if id(fn) not in found:
                name = (
                    fn.__name__
                    if getattr(queries, fn.__name__, None) is fn
                    else f"{fn.__module__.rsplit('.', 1)[1]}.{n}"
                )
                found[id(fn)] = (name, fn, [])
            found[id(fn)][2].append((module, n))
    return {name: (fn, holders) for name, fn, holders in found.values()}


def query_breakdown(db: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Median time of every vmdash.queries call per page (nested calls counted in their callers too)."""
    store = Store(db, idle_release_s=None)
    functions = _query_functions()
    samples: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                samples.setdefault(name, []).append(time.perf_counter() - start)

        return wrapper

    out: dict[str, dict[str, float]] = {}
    try:
        filters = workload.scenarios(store)["all data"]
        for page in workload.PAGES:
            workload.vmdash_page(store, page, filters)
            for n, (fn, holders) in functions.items():
                for module, attr in holders:
                    setattr(module, attr, timed(n, fn))
            samples.clear()
            for _ in range(repeat):
                workload.vmdash_page(store, page, filters)
            _restore(functions)
            out[page] = {n: statistics.median(v) * len(v) / repeat for n, v in samples.items()}
    finally:
        _restore(functions)
        store.close()
    return out


def _restore(functions: dict[str, tuple[Callable[..., Any], list[tuple[Any, str]]]]) -> None:
    for fn, holders in functions.values():
        for module, attr in holders:
            setattr(module, attr, fn)


# -- 3 + 4. page reruns and payload --------------------------------------------------------------


def bench_app(report: Report, rows: int, db: Path, repeat: int, idle_repeat: int, page_queries: dict) -> None:
    """Full page reruns through AppTest, and what each chart sends to the browser."""
    result, peak = run_child(["apptest", str(db), str(repeat), str(idle_repeat)])
    report.raw.setdefault("apptest", {})[str(rows)] = {**result, "rss": peak}
    target = f"≤ {secs(PAGE_RERUN_S)}" + ("" if rows >= 10_000_000 else " (at 10M)")
    for page, r in result["pages"].items():
        q = page_queries.get(f"{page}|all data", {})
        baseline = f"its queries {secs(q.get('vmdash'))}; pandas answers {secs(q.get('pandas'))}" if q else "—"
        for kind, key in (("first visit", "first_s"), ("back to back", "warm_s"), ("after idle release", "idle_s")):
            value = r[key]
            if value is None:
                continue
            ratio = "—"
            if q:
                ratio = f"{value / q['vmdash']:.1f}× its queries; {value / q['pandas']:.2f}× pandas answers"
            report.add(
                Row(
                    "3 page rerun",
                    f"{page} (AppTest), {kind}",
                    n_rows(rows),
                    secs(value),
                    baseline,
                    ratio,
                    target,
                    verdict(value <= PAGE_RERUN_S),
                )
            )
    for page, r in result["pages"].items():
        for chart in r["charts"]:
            wire = chart.get("wire_bytes")
            report.add(
                Row(
                    "4 payload",
                    f"{page}: {chart['chart']}",
                    n_rows(rows),
                    f"{chart['rows']:,} rows; spec {size(chart['spec_bytes'])}"
                    + (f"; message {size(wire)}" if wire else ""),
                    f"{n_rows(rows)} fact rows",
                    f"{chart['rows'] / rows:.2%} of the rows",
                    f"≤ {CHART_POINTS:,} rows",
                    verdict(chart["rows"] <= CHART_POINTS),
                )
            )


# -- 5. DuckLake --------------------------------------------------------------------------------


def bench_ducklake(report: Report, rows: int, repeat: int, dsn: str | None = None) -> None:
    """The import and each page's cold queries on DuckLake vs a new embedded file, from the import benchmark's export.

    Args: dsn: a PostgreSQL server to hold the catalog (default: a throwaway one, tests/support/pgserver.py;
    raises PostgresUnavailable when it cannot start). The issue sets no target: the ratio is the figure.
    """
    path = generate.meta_export(OUT, rows)
    with ExitStack() as stack:
        server = "given by --dsn"
        if dsn is None:
            dsn = stack.enter_context(pgserver.throwaway_postgres()).dsn()
            server = "throwaway, on this machine"
        times = ducklake.compare(dsn, rows=rows, repeat=repeat, export=path)
    file_bytes = path.stat().st_size
    report.raw.setdefault("ducklake", {})[str(rows)] = {"file_bytes": file_bytes, "server": server, **times}
    file, lake = times["embedded"], times["ducklake"]
    measures = [("import", "import", f"{n_rows(rows)} ({size(file_bytes)})")]
    measures += [(page, f"{workload.PAGE_LABELS[page]}, all data, cold", n_rows(rows)) for page in workload.PAGES]
    for key, measure, label in measures:
        report.add(
            Row(
                "5 DuckLake",
                f"{measure}: DuckLake vs embedded file",
                label,
                secs(lake[key]),
                f"file {secs(file[key])}",
                f"{lake[key] / file[key]:.2f}× the file",
            )
        )


# -- profiling -----------------------------------------------------------------------------------


def profile(report: Report, sizes: list[int], dbs: dict[int, Path]) -> None:
    """pyinstrument profiles of what missed, written to bench/out/profile_*.txt."""
    try:
        from pyinstrument import Profiler
    except ImportError:  # pragma: no cover - optional
        report.notes.append("profiling skipped: pip install pyinstrument")
        return
    largest = max(sizes)
    if any(r.area == "1 import" and "MISS" in r.result for r in report.rows):
        rows = min(int(k) for k in report.raw.get("import", {}))
        path = generate.meta_export(OUT, rows)
        target = OUT / f"profile_import_{rows}.txt"
        db = OUT / "profile_import.duckdb"
        for suffix in ("", ".wal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(target), str(CHILD), "import", "vmdash"]
            + [str(path), str(db)],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        # pyinstrument sees one "execute" per statement; this names the statements.
        summary = statements.summarise(statements.timed_import(path))
        (OUT / f"profile_import_statements_{rows}.txt").write_text(summary + "\n")
        report.notes.append(
            f"import profile ({n_rows(rows)} rows): {target.relative_to(ROOT)}; slowest statements:\n"
            + "\n".join("  - " + line.strip() for line in summary.splitlines()[:4])
        )
    by_label = {label: page for page, label in workload.PAGE_LABELS.items()}
    missed = {
        by_label[r.measure.rsplit(", ", 1)[0]] for r in report.rows if r.area == "2 queries" and "MISS" in r.result
    }
    if missed and largest in dbs:
        store = Store(dbs[largest], idle_release_s=None)
        try:
            filters = workload.scenarios(store)["all data"]
            for page in sorted(missed):
                workload.vmdash_page(store, page, filters)
                profiler = Profiler(interval=0.0005)
                profiler.start()
                for _ in range(3):
                    workload.vmdash_page(store, page, filters)
                profiler.stop()
                target = OUT / f"profile_queries_{page}_{largest}.txt"
                target.write_text(profiler.output_text(unicode=True, show_all=False))
                report.notes.append(f"{page} queries profile: {target.relative_to(ROOT)}")
        finally:
            store.close()


# -- machine -------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures ran on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    import duckdb
    import pandas
    import streamlit

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "vmdash", "app.py", "pages"], cwd=ROOT, capture_output=True, text=True
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "commit": commit.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else ""),
        "load": load_average(),
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def load_average() -> str:
    """The 1-minute load average: above the core count, other work shared the machine."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


# -- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", default="100000,1000000", help="fact-row counts, comma-separated (default: %(default)s)"
    )
    parser.add_argument("--big", action="store_true", help="add 10,000,000 rows (slow)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 1 GB import")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="sections to run (default: %(default)s; ducklake only where PostgreSQL and requirements-scale.txt are)",
    )
    parser.add_argument(
        "--dsn",
        default=None,
        help="libpq connection string of a PostgreSQL server for the ducklake section (default: a throwaway one)",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=None,
        help="rows of the import benchmark's export (default: 1M, or the largest --rows below it)",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark databases")
    parser.add_argument("--profile", action="store_true", help="profile what misses its target (pyinstrument)")
    parser.add_argument(
        "--results", type=Path, default=None, help="also write the table and the machine to this Markdown file"
    )
    parser.add_argument("--out", type=Path, default=None, help="working folder (default: bench/out)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Report:
    """Run the benchmarks and print the table; returns the report."""
    global OUT
    args = parse_args(argv)
    if args.out is not None:
        OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted({int(float(s)) for s in args.rows.split(",") if s.strip()} | ({10_000_000} if args.big else set()))
    sections = {s.strip() for s in args.only.split(",")}
    repeat = 3 if args.quick else 7
    report = Report()
    report.raw["machine"] = machine()
    report.raw["args"] = vars(args) | {"out": str(OUT), "results": str(args.results), "dsn": args.dsn and "DSN"}
    print(" · ".join(f"{k} {v}" for k, v in report.raw["machine"].items()), flush=True)
    print(Report().markdown(), flush=True)

    import_rows = args.import_rows or max([s for s in sizes if s <= 1_000_000] or [min(sizes)])
    if "import" in sections:
        bench_import(report, import_rows, repeat=1 if args.quick else 3)
        if not args.quick:
            bench_import(report, ONE_GB_ROWS, repeat=1, rss_target=True)
    dbs: dict[int, Path] = {}
    for rows in sizes:
        if not sections & {"queries", "app", "browser"}:
            break
        dbs[rows] = build_db(rows, fresh=args.fresh)
        if "queries" in sections:
            pandas_repeat = 1 if rows >= 10_000_000 else (2 if args.quick else 3)
            bench_queries(report, rows, dbs[rows], repeat=repeat, pandas_repeat=pandas_repeat)
        if "app" in sections:
            page_queries = report.raw.get("queries", {}).get(str(rows), {})
            bench_app(
                report,
                rows,
                dbs[rows],
                repeat=2 if args.quick else 5,
                idle_repeat=1 if args.quick else 3,
                page_queries=page_queries,
            )
        if "browser" in sections:
            browser.bench_browser(report, rows, dbs[rows], repeat=3)
    if "queries" in sections and dbs:
        largest = max(dbs)
        report.raw["breakdown"] = {n_rows(largest): query_breakdown(dbs[largest], repeat=3 if args.quick else 5)}
    if "ducklake" in sections:
        reason = pgserver.unavailable(start=args.dsn is None)
        if reason:
            report.notes.append(f"ducklake skipped: {reason}")
        else:
            bench_ducklake(report, import_rows, repeat=repeat, dsn=args.dsn)
    if args.profile:
        profile(report, sizes, dbs)

    print()
    print(report.markdown())
    if report.raw.get("breakdown"):
        print()
        print(breakdown_text(report.raw["breakdown"]))
    for note in report.notes:
        print(f"- {note}")
    report.raw["load_at_end"] = load_average()
    (OUT / "last_run.json").write_text(json.dumps(report.raw, indent=2, default=str))
    if args.results:
        write_results(args.results, report, shown_command(list(argv) if argv is not None else sys.argv[1:]))
    return report


def breakdown_text(breakdown: dict[str, dict[str, dict[str, float]]]) -> str:
    """The slowest vmdash.queries calls of each page (all data), for finding what to fix."""
    lines = []
    for label, pages in breakdown.items():
        lines.append(f"Slowest calls per page at {label} rows (median per rerun; a caller includes its callees):")
        for page, calls in pages.items():
            top = sorted(calls.items(), key=lambda kv: -kv[1])[:6]
            lines.append(f"- {page}: " + ", ".join(f"{n} {secs(t)}" for n, t in top))
    return "\n".join(lines)


def shown_command(argv: list[str]) -> str:
    """The command line that produced a run, without where its results were written or the server's DSN."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--results":
            skip = True
        elif arg == "--dsn" or arg.startswith("--dsn="):
            # A connection string may hold a password: name the option only.
            kept.append("--dsn DSN")
            skip = arg == "--dsn"
        elif not arg.startswith("--results="):
            kept.append(arg)
    return " ".join(["python bench/run.py", *kept])


RESULTS_TITLE = "# Benchmark results"
RESULTS_INTRO = (
    "Written by `python bench/run.py ... --results bench/RESULTS.md`: one section per command line, "
    "replaced when that command runs again. Targets come from the benchmarks issue; a figure marked "
    "“(at 10M)” is held to the 10M-row target at a smaller size. Raw numbers: bench/out/last_run.json."
)


def write_results(path: Path, report: Report, command: str | None = None) -> None:
    """The table, the machine and the notes as a Markdown section of `path` (other runs' sections stay)."""
    m = report.raw["machine"]
    command = command or shown_command(sys.argv[1:])
    heading = f"## `{command.strip()}`"
    body = [
        heading,
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM, {m['os']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}, Streamlit {m['streamlit']}; code at {m['commit']}; run {m['date']}; "
        f"load average {m['load']} at the start, {report.raw.get('load_at_end', '?')} at the end.",
        "",
        report.markdown(),
        "",
    ]
    if report.raw.get("breakdown"):
        body += [breakdown_text(report.raw["breakdown"]), ""]
    if report.notes:
        body += [*(f"- {n}" for n in report.notes), ""]
    sections: dict[str, str] = {}
    if path.exists():
        text = path.read_text(encoding="utf-8")
        for chunk in text.split("\n## ")[1:]:
            title = "## " + chunk.split("\n", 1)[0]
            sections[title] = "## " + chunk.rstrip() + "\n"
    sections[heading] = "\n".join(body)
    out = [RESULTS_TITLE, "", RESULTS_INTRO, "", *(sections[k].rstrip() + "\n" for k in sections)]
    path.write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
