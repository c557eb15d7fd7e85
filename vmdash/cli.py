"""python -m vmdash: import, summary, imports, undo, demo, plan files, maintenance and a readiness probe without the web app."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

# `queries`, `plans` and `demo` are imported by the commands that use them: they load scipy,
# statsmodels and Altair (over a second), which an import from a shell has no use for.
from vmdash import model, roles
from vmdash.errors import VmdashError
from vmdash.ingest import Options, Upload, import_files, undo
from vmdash.store import SCHEMA_VERSION, Store, default_db_path, maintenance

if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # for annotations only: typeshed has no runtime module

# Control characters from file names and data: a newline forges an extra "error:" line, a
# carriage return overwrites one, ESC / CSI (C1) sequences clear or repaint the terminal, and
# bidi overrides reorder what is read. Every line the CLI prints goes through escaped().
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(text: object) -> str:
    """Text with every control character shown as an escape (\\n, \\x1b, \\u202e), so it prints as one inert line."""

    def escape(m: re.Match[str]) -> str:
        ch = m.group()
        if ch in _NAMED:
            return _NAMED[ch]
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _CONTROL.sub(escape, str(text))


def say(text: object = "", *, err: bool = False, lines: bool = False) -> None:
    """Print for a terminal: one line, control characters escaped; `lines=True` keeps a block's own line breaks."""
    parts = str(text).split("\n") if lines else [str(text)]
    print("\n".join(escaped(part) for part in parts), file=sys.stderr if err else sys.stdout)


def _json_safe(text: str) -> str:
    # json.dumps escapes C0 characters itself (its own line breaks are the layout); DEL, C1 and
    # bidi characters it leaves raw.
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors quote the arguments given: escaped like everything else."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            print("\n".join(escaped(line) for line in message.rstrip("\n").split("\n")), file=file or sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also read by the docs test)."""
    parser = _Parser(prog="python -m vmdash", description="Video marketing results from platform exports.")
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        default=None,
        metavar="DB",
        # A string, not a Path: a Path would fold the '//' of 'ducklake:postgres:postgresql://...'.
        help="database file, or ducklake:postgres:<connection string> (default: $VMDASH_DB, else data/vmdash.duckdb)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="detect, normalise and load export files in one transaction")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--channel", choices=model.CHANNELS, help="channel for every row (default: from the file or the platform)"
    )
    p.add_argument(
        "--objective",
        choices=model.OBJECTIVES,
        help="objective for every row (default: from the file or campaign names)",
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="year of dates written without one, e.g. TikTok Studio's 'February 28' (default: from the file)",
    )

    p = sub.add_parser("summary", parents=[common], help="totals of every measure, overall or per group")
    p.add_argument("--by", choices=model.GROUPINGS, help="group by this dimension")
    p.add_argument("--json", action="store_true", help="print JSON: a list of objects with canonical names")

    sub.add_parser("imports", parents=[common], help="list imports, newest first")

    p = sub.add_parser("undo", parents=[common], help="remove one import's rows (and restore what it replaced)")
    p.add_argument("import_id", type=int, metavar="IMPORT_ID")

    p = sub.add_parser("demo", parents=[common], help="fill the database with the sample data, or N synthetic rows")
    p.add_argument("--rows", type=int, default=None, metavar="N", help="load N synthetic rows instead of the samples")

    p = sub.add_parser(
        "plan", parents=[common], help="write every video and campaign plan to a CSV file, or make the plans a file's"
    )
    p.add_argument("action", choices=("export", "import"), help="export: write the plans; import: read them")
    p.add_argument("file", type=Path, metavar="FILE")

    p = sub.add_parser(
        "maintain",
        parents=[common],
        help="DuckLake: expire old snapshots, merge small files, delete unused files; a DuckDB file: CHECKPOINT",
    )
    p.add_argument(
        "--older-than",
        default=maintenance.DEFAULT_OLDER_THAN,
        metavar="AGE",
        help="delete only unused files at least this old, so a running import's files stay (default: 1h; 30m, 2h, 1d)",
    )
    p.add_argument(
        "--expire-after",
        default=maintenance.DEFAULT_EXPIRE_AFTER,
        metavar="AGE",
        help="expire the lake's snapshots older than this; the latest always stays (default: 7d)",
    )
    sub.add_parser(
        "migrate",
        parents=[common],
        help="bring the database or lake up to this vmdash's schema (upgrades: run once, before the new replicas start)",
    )
    sub.add_parser(
        "ready",
        parents=[common],
        help="readiness probe: exit 0 when the data store answers a trivial query, else 1 with one line",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    store = Store(args.db or default_db_path(), idle_release_s=None)
    try:
        return _COMMANDS[args.command](store, args)
    except VmdashError as exc:
        say(f"error: {exc}", err=True)
        return 1
    finally:
        store.close()


def _import(store: Store, args: argparse.Namespace) -> int:
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        say(f"error: {missing[0]}: no such file", err=True)
        return 1
    options = Options(channel=args.channel, objective=args.objective, year=args.year)
    reports = import_files(store, [Upload(f, f.name) for f in args.files], options)
    for report in reports:
        say(report.summary_line())
    return 0


def _summary(store: Store, args: argparse.Namespace) -> int:
    from vmdash import queries

    frame = queries.summary(store, args.by)
    if args.by == "import":
        frame = frame.rename(columns={"import_id": "import"})
    if args.json:
        say(_json_safe(json.dumps(_records(frame), indent=2, ensure_ascii=False)), lines=True)
    else:
        say(_table(frame), lines=True)
    return 0


def _records(frame: pd.DataFrame) -> list[dict]:
    records = []
    for row in frame.to_dict(orient="records"):
        records.append({k: _plain(v) for k, v in row.items()})
    return records


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else round(value, 6)
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _table(frame: pd.DataFrame) -> str:
    # Escaped cell by cell first: the table's own line breaks are kept, the data's are not.
    frame = frame.map(lambda v: escaped(v) if isinstance(v, str) else v)
    frame.columns = [escaped(c) for c in frame.columns]
    frame.index = [escaped(i) if isinstance(i, str) else i for i in frame.index]
    shown = frame.T if len(frame) <= 12 else frame
    with pd.option_context("display.max_rows", 200, "display.max_columns", 50, "display.width", 160):
        return shown.to_string(na_rep="—")


def _imports(store: Store, args: argparse.Namespace) -> int:
    from vmdash import queries

    frame = queries.imports(store)
    if frame.empty:
        say("no imports yet; `python -m vmdash import FILE` or `python -m vmdash demo`")
        return 0
    for row in frame.itertuples():
        say(
            f"#{row.import_id:<4} {row.status:<7} {row.imported_at:%Y-%m-%d %H:%M}  {row.file_name}  "
            f"[{row.source_format}, {row.locale}]  read {row.rows_read}, loaded {row.rows_loaded}, "
            f"rejected {row.rows_rejected}, replaced {row.rows_replaced}"
        )
    return 0


def _undo(store: Store, args: argparse.Namespace) -> int:
    result = undo(store, args.import_id)
    say(
        f"import #{args.import_id} undone: {result['removed']} rows removed, {result['restored']} earlier rows restored"
    )
    return 0


def _demo(store: Store, args: argparse.Namespace) -> int:
    from vmdash import demo

    reports = demo.load_synthetic(store, args.rows) if args.rows else demo.load_samples(store)
    for report in reports:
        say(report.summary_line())
    return 0


def _plan(store: Store, args: argparse.Namespace) -> int:
    from vmdash import plans

    path: Path = args.file
    if args.action == "export":
        path.write_text(plans.to_csv(store), encoding="utf-8")
        say(f"{len(plans.plans(store))} plan(s) written to {path}")
        return 0
    if not path.is_file():
        say(f"error: {path}: no such file", err=True)
        return 1
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        say(f"error: {path}: not a UTF-8 text file", err=True)
        return 1
    try:
        wanted = plans.from_csv(text)
    except VmdashError as exc:
        say(f"error: {path.name}: {exc}; nothing was changed", err=True)
        return 1
    changes = plans.replace_all(store, roles.ANALYST, wanted, by="command line")
    say(f"{path.name}: {changes.sentence()}")
    return 0


def _maintain(store: Store, args: argparse.Namespace) -> int:
    older_than_s = maintenance.duration_s(args.older_than)
    expire_after_s = maintenance.duration_s(args.expire_after)
    for line in maintenance.maintain(store, older_than_s=older_than_s, expire_after_s=expire_after_s):
        say(line)
    return 0


def _ready(store: Store, args: argparse.Namespace) -> int:
    # A probe: whatever goes wrong is one line and exit 1, never a traceback.
    try:
        store.ping()
    except VmdashError:
        raise
    except Exception as exc:
        text = str(exc).strip().splitlines()[0][:240] if str(exc).strip() else type(exc).__name__
        raise VmdashError(store.lake.mask(text) if store.lake else text) from None
    say("ready: the data store answers")
    return 0


def _migrate(store: Store, args: argparse.Namespace) -> int:
    store.ping()  # opening the store applies the migrations it lacks (a newer schema is refused)
    found = store.schema_found
    if found is None or found == SCHEMA_VERSION:
        say(f"already at schema {SCHEMA_VERSION}: nothing to do")
    elif found == 0:
        say(f"created at schema {SCHEMA_VERSION}")
    else:
        say(f"schema {found} -> {SCHEMA_VERSION}: {SCHEMA_VERSION - found} migration(s) applied")
    return 0


_COMMANDS = {
    "migrate": _migrate,
    "maintain": _maintain,
    "ready": _ready,
    "plan": _plan,
    "import": _import,
    "summary": _summary,
    "imports": _imports,
    "undo": _undo,
    "demo": _demo,
}
