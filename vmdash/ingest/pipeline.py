"""guard -> detect -> read -> normalise -> validate -> load, for files from the CLI or the app.

Every check runs before the first write; the load of all the files given in one
call is one transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from vmdash import cache, model
from vmdash.errors import ImportRejected, InvalidChoice, OutOfRange, VmdashError
from vmdash.filters import VIDEO_KEY_SQL
from vmdash.ingest import guard, mapping, period, reader, sqlkit, youtube
from vmdash.ingest.detect import Detection, cells_of, detect
from vmdash.ingest.spec import Field, Format
from vmdash.sql import ident, idents, literal
from vmdash.store import (
    DAILY_SQL,
    V6_FACT_EXTRAS,
    ChangedMonths,
    Store,
    apply_plans,
    daily_sql,
    is_duckdb_error,
    overlap_sql,
    reconcile,
    refresh_rollup,
    same_key_sql,
)

if TYPE_CHECKING:
    # For annotations only: staging runs on the connection `Store.connect()` hands out.
    from duckdb import DuckDBPyConnection  # noqa: TID251

MAX_REJECTIONS_SHOWN = 50
_counter = itertools.count()
# The staged rows that are loaded: not skipped (a summary, trailer or blank row), nothing wrong.
# `_bad` lists what is wrong with a row, and is NULL when nothing is (most rows: no list to build).
_GOOD = "NOT _summary AND _bad IS NULL"
# Bookkeeping columns of a staging table, besides the canonical ones.
_STAGE_COLUMNS = ("_summary", "_bad", "_blank", "_lone", "_note", "_trailer", "_again", "_fields")
# Columns that say which thing a row is about: a row needs one of them (measures are optional).
IDENTITY = ("date", "campaign", "ad_set", "ad", "video_id", "video_title", "traffic_source", "position_pct")
# Dimensions that describe a row without identifying it: unreadable, they are NULL like a measure.
_LENIENT_DIMENSIONS = ("published_at", "video_duration_s", "audience_ratio", "relative_ratio")
# _bad codes that are not a field's index.
_NO_IDENTITY, _TOO_FEW_FIELDS = -1, -2
# The largest value a BIGINT sum of the rollup can hold.
_BIGINT_MAX = 2**63 - 1


# Said of account-level series (no video): the Overview adds them to per-video rows of the same platform.
ACCOUNT_NOTE = (
    "account totals, not per video: a per-video export of the same account counts these views again; "
    "import one or the other, or filter by video"
)


@dataclass(frozen=True)
class Rejection:
    """One data row that was not loaded, and why."""

    line: int  # the physical line of the file where the row starts (1-based, quoted line breaks counted)
    reason: str


# Numbers that cannot be true, flagged at import (shown with their rows) and loaded as they
# are: the export is the record, and a person decides. (check, SQL over staged columns)
QUALITY_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "quartile plays increase (25 % ≥ 50 % ≥ 75 % ≥ 95 % ≥ 100 % expected)",
        "plays_p50 > plays_p25 OR plays_p75 > plays_p50 OR plays_p95 > plays_p75 "
        "OR plays_p100 > coalesce(plays_p95, plays_p75)",
    ),
    ("more plays reached 25 % than started", "plays_p25 > video_starts"),
    ("more views than impressions", "platform <> 'youtube' AND views > impressions"),
    ("more clicks than impressions", "clicks > impressions"),
    ("negative spend", "spend < 0"),
    (
        "a negative count",
        "least(impressions, reach, video_starts, views, views_3s, plays_p25, plays_p50, "
        "plays_p75, plays_p95, plays_p100, clicks, conversions) < 0",
    ),
)
MAX_FLAGS_SHOWN = 20


@dataclass(frozen=True)
class Flag:
    """Rows of a staged file whose numbers look impossible: loaded, but worth a look."""

    check: str
    count: int
    rows: tuple[int, ...]  # the first few data rows concerned (1-based)


@dataclass
class StagedPart:
    """One table of a file, parsed into a temporary table, not yet stored."""

    part: guard.Part
    detection: Detection
    table: str
    rows_read: int
    summary_rows: int
    loadable: int
    rejected: int
    rejections: list[Rejection]
    flags: list[Flag] = field(default_factory=list)
    left_out: str = ""  # rows a format leaves out on purpose, and why (Format.keep)
    trailer_rows: int = 0  # footers after the data ('Showing top 500 results')
    null_cells: dict[str, int] = field(default_factory=dict)  # measure -> loaded rows where it is NULL
    sums: dict[str, int] = field(default_factory=dict)  # BIGINT measure -> sum of magnitudes (overflow check)
    # A preview's copy of the staged rows (Parquet, each with `_row`, its data row's number),
    # which an import of the same file loads instead of parsing the file again.
    kept: Path | None = None
    # The table was loaded from `kept`: it numbers its rows in `_row`, since its rowids are not
    # the file's rows any more (a preview may have left rows out).
    numbered: bool = False

    @property
    def target(self) -> str:
        """'facts' or 'retention'."""
        return self.detection.format.target

    def good_rows(self) -> str:
        """The staged rows to load, as a subquery, each with `_row`, its data row's number in the file."""
        row = "" if self.numbered else "rowid + 1 AS _row, "
        return f"(SELECT {row}* FROM {self.table} WHERE {_GOOD})"


@dataclass
class ImportReport:
    """What happened to one file."""

    file_name: str
    content_hash: str
    parts: list[StagedPart] = field(default_factory=list)
    import_id: int | None = None
    duplicate_of: int | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (part, why) recognised but not loaded
    rows_replaced: int = 0
    replaced_imports: list[int] = field(default_factory=list)
    # The options and `preview_state` a preview kept its staged rows under: an import reuses
    # them only while both are the same.
    kept_under: tuple | None = None

    @property
    def rows_read(self) -> int:
        """Data rows read, summary rows included."""
        return sum(p.rows_read for p in self.parts)

    @property
    def rows_loaded(self) -> int:
        """Rows written (0 for a duplicate file)."""
        return 0 if self.duplicate_of else sum(p.loadable for p in self.parts)

    @property
    def rows_rejected(self) -> int:
        """Rows not loaded because they could not be read."""
        return sum(p.rejected for p in self.parts)

    @property
    def source_format(self) -> str:
        """The detected format name(s)."""
        return "+".join(sorted({p.detection.format.name for p in self.parts}))

    @property
    def locale(self) -> str:
        """The detected locale(s)."""
        return "+".join(sorted({p.detection.locale for p in self.parts}))

    def null_cells(self) -> dict[str, int]:
        """Cells read as NULL (blank, unknown or unreadable) per measure, over the rows loaded."""
        total: dict[str, int] = {}
        for part in self.parts:
            for name, count in part.null_cells.items():
                total[name] = total.get(name, 0) + count
        return {name: count for name, count in total.items() if count}

    def detection_text(self) -> str:
        """Every part's detection reason."""
        if len(self.parts) == 1:
            return self.parts[0].detection.reason()
        return "; ".join(f"{p.part.display_name}: {p.detection.reason()}" for p in self.parts)

    def summary_line(self) -> str:
        """One line for the CLI and the app."""
        if self.duplicate_of is not None:
            return f"{self.file_name}: already imported as #{self.duplicate_of}; nothing changed"
        skipped = sum(p.summary_rows for p in self.parts)
        trailers = sum(p.trailer_rows for p in self.parts)
        bits = [f"{self.file_name}: import #{self.import_id}, {self.detection_text()}"]
        bits.append(f"{self.rows_loaded} rows loaded")
        if skipped:
            bits.append(f"{skipped} summary row(s) skipped")
        if trailers:
            bits.append(f"{trailers} trailer row(s) skipped")
        for part, why in self.skipped:
            bits.append(f"{part.split(' › ')[-1]} not loaded ({why})")
        bits += [p.left_out for p in self.parts if p.left_out]
        if any(p.detection.format.account for p in self.parts):
            bits.append(ACCOUNT_NOTE)
        if self.rows_rejected:
            first = next(r for p in self.parts for r in p.rejections)
            bits.append(f"{self.rows_rejected} rejected (first: line {first.line}, {first.reason})")
        nulls = self.null_cells()
        if nulls:
            shown = ", ".join(f"{name} {count}" for name, count in list(nulls.items())[:4])
            more = ", ..." if len(nulls) > 4 else ""
            bits.append(f"cells read as NULL: {shown}{more}")
        for flag in (f for p in self.parts for f in p.flags):
            rows = ", ".join(str(r) for r in flag.rows[:5])
            bits.append(f"check: {flag.count} row(s) with {flag.check} (rows {rows})")
        if self.rows_replaced:
            bits.append(
                f"{self.rows_replaced} earlier rows replaced (from import "
                + ", ".join(f"#{i}" for i in self.replaced_imports)
                + ")"
            )
        return "; ".join(bits)


@dataclass(frozen=True)
class Upload:
    """A file to import: where it is on disk, what a person calls it and, when known, the SHA-256 of its bytes."""

    path: Path
    name: str
    # Given by whoever hashed the bytes as they saved them (the Upload page, once per file): a
    # page rerun or the import would otherwise read a file of up to a gigabyte again to name it.
    sha256: str | None = None

    def content_hash(self) -> str:
        """The SHA-256 of the file's bytes, as `file_hash` gives it: the known one, else read from the file."""
        return self.sha256 if self.sha256 is not None else file_hash(self.path)


@dataclass(frozen=True)
class Options:
    """Choices made at import time that override what the file says."""

    channel: str | None = None
    objective: str | None = None
    year: int | None = None  # the year of dates written without one ('February 28')

    def __post_init__(self) -> None:
        if self.year is not None and not model.FIRST_DATE.year <= self.year <= model.LAST_DATE.year:
            first, last = model.FIRST_DATE.year, model.LAST_DATE.year
            raise OutOfRange("year", self.year, first, last)
        if self.channel is not None and self.channel not in model.CHANNELS:
            raise InvalidChoice("channel", self.channel, model.CHANNELS)
        if self.objective is not None and self.objective not in model.OBJECTIVES:
            raise InvalidChoice("objective", self.objective, model.OBJECTIVES)


def import_files(
    store: Store,
    uploads: Iterable[Upload],
    options: Options = Options(),
    progress: Callable[[float, str], object] | None = None,
    previewed: Mapping[Path, ImportReport] | None = None,
) -> list[ImportReport]:
    """Import every file or none: stage and validate all, then load all in one transaction.

    `progress(share_done, step)` is told before each step (reading each file, then writing).
    `previewed`: by an upload's path, its `preview(..., keep_in=...)` report; the rows it kept
    are loaded as they are, instead of parsing the file again, while the options and what a
    preview reads (`preview_state`) are still those it was made under.
    """
    uploads = list(uploads)
    tell = progress or (lambda done, step: None)
    with tempfile.TemporaryDirectory(prefix="vmdash-") as tmp, store.connect() as con:
        reports: list[ImportReport] = []
        under = (options, preview_state(store)) if previewed else None
        try:
            for n, upload in enumerate(uploads):
                tell(n / (len(uploads) + 1), f"Reading {upload.name} ({n + 1} of {len(uploads)})")
                kept = (previewed or {}).get(upload.path)
                restored = _restored(con, kept) if kept is not None and kept.kept_under == under else None
                if restored is not None:
                    reports.append(restored)
                    continue
                workdir = Path(tmp) / str(n)
                workdir.mkdir()
                reports.append(_stage_upload(con, upload, workdir, options))
            tell(len(uploads) / (len(uploads) + 1), "Writing to the database")
            with _checkpoint_later(con, store), store.transaction() as tx:
                # Under the writers' lock: a second import of the file running at the same time finds the first.
                _mark_duplicates(tx, reports)
                for report in reports:
                    if report.duplicate_of is None:
                        _load(tx, report, options)
        finally:
            _drop_stages(con, reports)
        return reports


def _restored(con: DuckDBPyConnection, kept: ImportReport) -> ImportReport | None:
    """A preview's report with its kept rows in fresh staged tables; None when a copy is gone."""
    if not kept.parts or any(p.kept is None or not p.kept.is_file() for p in kept.parts):
        return None
    parts: list[StagedPart] = []
    try:
        for part in kept.parts:
            table = f"stage_{next(_counter)}"
            # Read back in the order written: the rows keep their numbers in `_row`. No partition
            # columns from the folder's name (DuckDB reads 'key=value' folders as columns).
            con.execute(
                f"CREATE TEMP TABLE {table} AS SELECT * FROM read_parquet($path, hive_partitioning = false)",
                {"path": str(part.kept)},
            )
            parts.append(dataclasses.replace(part, table=table, kept=None, numbered=True))
    except Exception as exc:
        for part in parts:
            con.execute(f"DROP TABLE IF EXISTS {part.table}")
        if is_duckdb_error(exc):
            return None  # unreadable: staged from the file again
        raise
    discard(kept)
    return dataclasses.replace(kept, parts=parts, skipped=list(kept.skipped), duplicate_of=None, kept_under=None)


def discard(report: ImportReport) -> None:
    """Remove the staged rows a preview kept for `report` (once imported, or no longer shown)."""
    for part in report.parts:
        if part.kept is not None:
            part.kept.unlink(missing_ok=True)


@contextlib.contextmanager
def _checkpoint_later(con: DuckDBPyConnection, store: Store) -> Iterator[None]:
    """Leave the file's checkpoint to the store's release instead of the import's COMMIT.

    A small export replacing rows of a large import logs tens of megabytes of re-summed
    rollup rows; past DuckDB's threshold (16 MiB) its COMMIT would checkpoint the file (over
    half the import's work at 10M rows, and most of its disk writes). The log is as durable;
    the checkpoint runs when the store releases its idle connection, or closes.
    """
    if store.lake is not None:
        yield
        return
    before = _one(con.execute("SELECT current_setting('checkpoint_threshold')"))[0]
    con.execute("SET checkpoint_threshold = '1TB'")
    try:
        yield
    finally:
        con.execute("SET checkpoint_threshold = $before", {"before": before})


def preview(
    store: Store, upload: Upload, options: Options = Options(), rows: int = 20, keep_in: Path | None = None
) -> tuple[ImportReport, list[pd.DataFrame]]:
    """Detect and parse a file without writing: the report and the first normalised rows of each part.

    `keep_in`: a folder to keep the staged rows in (Parquet), for `import_files(previewed=...)`
    to load them instead of parsing the file a second time; `discard` removes them.
    """
    # Read before the file: a change while it is staged makes the kept rows stale, not current.
    under = (options, preview_state(store)) if keep_in is not None else None
    with tempfile.TemporaryDirectory(prefix="vmdash-") as tmp, store.connect() as con:
        report = _stage_upload(con, upload, Path(tmp), options)
        try:
            _merge_youtube_grains(con, report)  # so the rows to load are those the import loads
            _mark_duplicates(con, [report])
            frames = [
                con.execute(
                    f"SELECT rowid + 1 AS _row, * EXCLUDE ({', '.join(_STAGE_COLUMNS)}) FROM {p.table} "
                    f"WHERE {_GOOD} ORDER BY rowid LIMIT $n",
                    {"n": rows},
                ).df()
                for p in report.parts
            ]
            if keep_in is not None and report.duplicate_of is None:
                _keep(con, report, keep_in)
                report.kept_under = under
        finally:
            _drop_stages(con, [report])
        return report, frames


def _keep(con: DuckDBPyConnection, report: ImportReport, folder: Path) -> None:
    """Save each part's staged rows, numbered, as a Parquet file in `folder`."""
    for part in report.parts:
        path = folder / f"{part.table}-{uuid.uuid4().hex[:12]}.parquet"
        # Numbered by rowid, which a staged row keeps when rows before it are left out. Written
        # (and read back) in the table's order without sorting: a sort costs a third more here.
        con.execute(
            f"COPY (SELECT rowid + 1 AS _row, * FROM {part.table}) TO $path (FORMAT parquet)", {"path": str(path)}
        )
        part.kept = path


def preview_state(store: Store) -> tuple:
    """What a preview reads from the database besides the file: while it stays the same, so does the preview.

    The data version (duplicates of earlier imports, a retention file's video), the saved column
    mappings (detection) and the objective rules (the objective of each row).
    """
    # One statement for both tables, asked on every rerun of the page: each row is tagged with its
    # table, so a mapping and a rule never stand in for each other.
    saved = store.rows(
        """SELECT 'mapping', row_number() OVER (ORDER BY created_at, signature), name, mapping FROM column_mappings
        UNION ALL SELECT 'rule', position, token, objective FROM objective_rules
        ORDER BY 1, 2"""
    )
    return cache.data_version(store), tuple(saved)


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# -- staging --------------------------------------------------------------------------------


def _stage_upload(con: DuckDBPyConnection, upload: Upload, workdir: Path, options: Options) -> ImportReport:
    name = upload.name
    report: ImportReport | None = None
    try:
        parts = guard.expand(upload.path, name, workdir)
        _check_same_tables(parts, name)
        report = ImportReport(name, upload.content_hash())
        for part in parts:
            staged = _stage_part(con, part, options, workdir)
            if isinstance(staged, StagedPart):
                report.parts.append(staged)
            else:
                report.skipped.append((part.display_name, staged))
        if not report.parts:
            why = "; ".join(why for _, why in report.skipped)
            raise ImportRejected(name, f"nothing in it is loaded: {why}; upload the export's table or chart data")
        _check_sums(report)
    except Exception as exc:
        # The parts staged before the failure go with it.
        _drop_stages(con, [report] if report else [])
        if isinstance(exc, ImportRejected):
            raise
        if is_duckdb_error(exc) or isinstance(exc, (UnicodeError, OSError, ValueError)):
            raise ImportRejected(name, _explain(exc)) from None
        raise
    return report


def _explain(exc: Exception) -> str:
    # Never the exception's text: DuckDB's and Python's name server paths and internals.
    if "Invalid unicode" in str(exc) or isinstance(exc, UnicodeError):
        return "the file's text encoding is broken (it is not valid UTF-8)"
    return "the file could not be read as a CSV table; export it again as CSV (UTF-8 or the platform's default)"


def _check_same_tables(parts: list[guard.Part], name: str) -> None:
    """Refuse a ZIP holding one table twice under two names: its rows would load twice."""
    if len(parts) < 2:
        return
    seen: dict[str, str] = {}
    for part in parts:
        digest = file_hash(part.path)
        if digest in seen:
            first, second = (p.split(" › ")[-1] for p in (seen[digest], part.display_name))
            raise ImportRejected(name, f"'{first}' and '{second}' hold the same table; upload it once")
        seen[digest] = part.display_name


def _check_sums(report: ImportReport) -> None:
    """Refuse an import whose counts would overflow the rollup's BIGINT sums (never at display)."""
    totals: dict[str, int] = {}
    for part in report.parts:
        for name, total in part.sums.items():
            totals[name] = totals.get(name, 0) + total
    for name, total in totals.items():
        if total > _BIGINT_MAX:
            raise ImportRejected(
                report.file_name,
                f"its '{name}' add up to more than vmdash can store (over 9.2e18); split the export or check the numbers",
            )


def _stage_part(con: DuckDBPyConnection, part: guard.Part, options: Options, workdir: Path) -> StagedPart | str:
    """The part parsed into a temporary table, or why a recognised part is not loaded."""
    lines = guard.head_lines(part.path)
    saved = mapping.saved(con.execute("SELECT name, mapping FROM column_mappings ORDER BY created_at").fetchall())
    detection = detect(part.display_name, lines, part.encoding, saved)
    fmt = detection.format
    if fmt.target == "skip":
        return f"{fmt.label}: {fmt.note[:1].lower()}{fmt.note[1:].rstrip('.')}"
    context = period.context(detection, lines, _context(con, part, detection), options.year, part.display_name)
    table = f"stage_{next(_counter)}"
    source = reader.data_source(part.path, detection.header_line, workdir)
    read = guard.Part(source.path, part.display_name, part.encoding, part.context)
    read_skip = {"skip": source.skip}
    padded = _create_stage(con, table, detection, read, context, options, _reader_types(detection, lines), read_skip)
    try:
        return _staged(con, table, part, detection, source, padded)
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise


def _staged(
    con: DuckDBPyConnection, table: str, part: guard.Part, detection: Detection, source: reader.Source, padded: bool
) -> StagedPart:
    fmt = detection.format
    columns = len(detection.headers)
    # One row per refused CSV record (DuckDB lists a record once per missing column).
    refused = con.execute(
        "SELECT line_byte_position, any_value(error_type), min(column_idx) FROM reject_errors "
        "GROUP BY line_byte_position ORDER BY line_byte_position"
    ).fetchall()
    _drop_rejects(con)
    _mark_trailers(con, table, fmt)
    if padded:
        _mark_short_rows(con, table, columns)
    again = _one(con.execute(f"SELECT min(rowid) FROM {table} WHERE _again AND NOT _blank"))[0]
    if fmt.target == "facts":
        _fill_objective(con, table)
        # Where a plan overrides the objective or channel, what the rules gave is kept here
        # (filled by `apply_plans` in the import's transaction, so it sees the plans as they are then).
        for name, type_ in V6_FACT_EXTRAS:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {ident(name)} {type_}")
    left_out = _leave_out(con, table, fmt, part.display_name)
    counts = _one(
        con.execute(
            f"""SELECT count(*) FILTER (WHERE NOT _blank), count(*) FILTER (WHERE _summary AND NOT _blank AND NOT _trailer),
                   count(*) FILTER (WHERE _trailer), count(*) FILTER (WHERE {_GOOD}),
                   count(*) FILTER (WHERE NOT _summary AND _bad IS NOT NULL)
            FROM {table}"""
        )
    )
    rows_read, summary_rows, trailer_rows, loadable, bad_count = (int(v) for v in counts)
    bad_rows = con.execute(
        f"SELECT rowid, _bad, _fields FROM {table} WHERE NOT _summary AND _bad IS NOT NULL ORDER BY rowid LIMIT $n",
        {"n": MAX_REJECTIONS_SHOWN},
    ).fetchall()
    # Physical lines: the refused records by their byte position, the read rows by a count of records.
    at = reader.lines_at(source.path, [int(r[0]) for r in refused[:MAX_REJECTIONS_SHOWN]] + [0])
    refused_lines = {at[int(r[0])] for r in refused[:MAX_REJECTIONS_SHOWN]}
    if len(refused) > MAX_REJECTIONS_SHOWN:
        refused_lines = set(reader.lines_at(source.path, [int(r[0]) for r in refused]).values())
    wanted = [int(r[0]) for r in bad_rows] + ([int(again)] if again is not None else [])
    starts = reader.record_lines(source, detection.delimiter, refused_lines, wanted)

    def line_of(rowid: int) -> int:
        if rowid not in starts:
            starts.update(reader.record_lines(source, detection.delimiter, refused_lines, [rowid]))
        return starts.get(rowid, 0) + source.line_offset

    if again is not None:
        raise ImportRejected(
            part.display_name,
            f"its header row comes again at line {line_of(int(again))}: it looks like two exports joined "
            "into one file; upload each export once",
        )
    fields = _present_fields(detection)
    rejections = [
        Rejection(at[int(position)] + source.line_offset, reader.reject_reason(kind, missing, columns))
        for position, kind, missing in refused[:MAX_REJECTIONS_SHOWN]
    ]
    rejections += [Rejection(line_of(int(row)), _why(detection, fields, bad, n)) for row, bad, n in bad_rows]
    rejections.sort(key=lambda r: r.line)
    rejected = bad_count + len(refused)
    staged = StagedPart(
        part,
        detection,
        table,
        rows_read + len(refused),
        summary_rows,
        loadable,
        rejected,
        rejections[:MAX_REJECTIONS_SHOWN],
        left_out=left_out,
        trailer_rows=trailer_rows,
    )
    if loadable == 0:
        raise ImportRejected(part.display_name, _nothing_loadable(con, table, rejections, rows_read))
    _check_repeats(con, table, part, detection, line_of)
    if fmt.target == "facts":
        staged.flags, staged.null_cells, staged.sums = _measure_checks(con, table, detection)
    return staged


def _nothing_loadable(con: DuckDBPyConnection, table: str, rejections: list[Rejection], rows_read: int) -> str:
    """Why a file holds no row to load, in one line."""
    if rejections:
        first = rejections[0]
        return f"no data row could be read (first problem: line {first.line}, {first.reason})"
    note = con.execute(f"SELECT _note FROM {table} WHERE _trailer ORDER BY rowid LIMIT 1").fetchone()
    if note and note[0]:
        said = " ".join(str(note[0]).split())[:80].replace("'", "’")
        return f"the export holds no data rows (it says '{said}'); export a period with results"
    if rows_read:
        return "the export holds only summary rows (totals), no data rows; export the rows themselves"
    return "the export holds no data rows (only its header); export a period with results"


def _mark_trailers(con: DuckDBPyConnection, table: str, fmt: Format) -> None:
    # A lone first cell after the last full row is a footer ('Showing top 500 results', a
    # note, a disclaimer); one matching the format's trailer pattern is a footer anywhere.
    last = _one(con.execute(f"SELECT max(rowid) FROM {table} WHERE NOT _lone"))[0]
    con.execute(
        f"""UPDATE {table} SET _trailer = true, _summary = true
            WHERE _lone AND NOT _blank AND NOT _trailer
              AND ((NOT _summary AND rowid > $last) OR coalesce(regexp_matches(lower(_note), $pattern), false))""",
        # With no full row at all, only the pattern says what a footer is.
        {"last": 2**62 if last is None else int(last), "pattern": fmt.trailer_row},
    )


def _mark_short_rows(con: DuckDBPyConnection, table: str, columns: int) -> None:
    # Some exports write every row shorter than their header (Meta: 27 fields under 31): when
    # most rows share one short shape, its missing trailing cells are NULL; shorter rows are broken.
    shapes = con.execute(
        f"SELECT _fields, count(*) FROM {table} WHERE NOT _summary GROUP BY _fields ORDER BY 2 DESC, 1 DESC"
    ).fetchall()
    total = sum(int(n) for _, n in shapes)
    enough = columns
    if shapes and int(shapes[0][1]) * 2 > total and int(shapes[0][0]) >= 2:
        enough = min(columns, int(shapes[0][0]))
    if not _one(
        con.execute(f"SELECT count(*) FROM {table} WHERE NOT _summary AND _fields < $enough", {"enough": enough})
    )[0]:
        return
    # Rebuilt, not updated: DuckDB updates a LIST column by delete and insert, which would
    # move the rows and break rowid as the file's row order.
    con.execute(
        f"""CREATE TEMP TABLE {table}_padded AS SELECT * REPLACE (CASE WHEN NOT _summary AND _fields < $enough
            THEN list_prepend({_TOO_FEW_FIELDS}, coalesce(_bad, [])) ELSE _bad END AS _bad) FROM {table} ORDER BY rowid""",
        {"enough": enough},
    )
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}_padded RENAME TO {table}")


def _check_repeats(
    con: DuckDBPyConnection, table: str, part: guard.Part, detection: Detection, line_of: Callable[[int], int]
) -> None:
    """Refuse a file whose rows repeat exactly (an export pasted twice): loading both would double it."""
    outputs = [c.name for c in (model.FACT_COLUMNS if detection.format.target == "facts" else model.RETENTION_COLUMNS)]
    outputs = [name for name in outputs if name != "import_id"]
    quoted = idents(outputs)
    measures = [c.name for c in model.MEASURES] if detection.format.target == "facts" else ["audience_ratio"]
    # Rows without a number (all blank or zero) change no total however often they come.
    counted = " OR ".join(f"coalesce({ident(m)}, 0) <> 0" for m in measures)
    # Rows the same in every column are the same in these: a hash of a few columns (half the
    # cost of all of them) clears almost every export, and only the rest are hashed whole.
    narrow = idents([name for name in outputs if name in IDENTITY] + measures[:4])
    if not con.execute(
        f"SELECT 1 FROM {table} WHERE {_GOOD} AND ({counted}) GROUP BY hash({narrow}) HAVING count(*) > 1 LIMIT 1"
    ).fetchone():
        return
    found = con.execute(
        f"""SELECT min(rowid), max(rowid) FROM {table} WHERE {_GOOD} AND ({counted})
            GROUP BY hash({quoted}) HAVING count(*) > 1 ORDER BY 2 LIMIT 1"""
    ).fetchone()
    if not found:
        return
    first, again = int(found[0]), int(found[1])
    same = " AND ".join(f'a."{name}" IS NOT DISTINCT FROM b."{name}"' for name in outputs)
    exact = _one(
        con.execute(
            f"SELECT count(*) FROM {table} AS a, {table} AS b WHERE a.rowid = $a AND b.rowid = $b AND {same}",
            {"a": first, "b": again},
        )
    )[0]
    if exact:
        raise ImportRejected(
            part.display_name,
            f"line {line_of(again)} repeats line {line_of(first)} exactly: the rows look pasted twice, "
            "and loading both would double them; remove the copy",
        )


def _measure_checks(
    con: DuckDBPyConnection, table: str, detection: Detection
) -> tuple[list[Flag], dict[str, int], dict[str, int]]:
    """The quality flags; per measure the file gives, loaded rows where it is NULL; per BIGINT measure, its sum of magnitudes.

    One scan of the loaded rows counts all three.
    """
    fmt = detection.format
    given = [
        c
        for c in model.MEASURES
        if c.name in detection.matches
        or (c.name in fmt.derived and any(f in fmt.derived[c.name] for f in detection.matches))
    ]
    big = [c.name for c in model.MEASURES if c.sql_type == "BIGINT"]
    selects = [f"count(*) FILTER (WHERE {sql})" for _, sql in QUALITY_CHECKS]
    selects += [f'count(*) FILTER (WHERE "{c.name}" IS NULL)' for c in given]
    # Summed as DOUBLE first (a sixth of the cost of HUGEINT): a sum of whole numbers below 2^53
    # is exact there, and only a larger one is summed again exactly.
    selects += [f'coalesce(sum(abs("{name}")::DOUBLE), 0)' for name in big]
    row = _one(con.execute(f"SELECT {', '.join(selects)} FROM {table} WHERE {_GOOD}"))
    checks, row = row[: len(QUALITY_CHECKS)], row[len(QUALITY_CHECKS) :]
    nulls = {c.name: int(v) for c, v in zip(given, row[: len(given)], strict=True)}
    sums = {name: int(v) for name, v in zip(big, row[len(given) :], strict=True)}
    large = [name for name, total in sums.items() if total >= 2**53]
    if large:
        exact = ", ".join(f'coalesce(sum(abs("{name}"::HUGEINT)), 0)' for name in large)
        sums.update(
            zip(large, (int(v) for v in _one(con.execute(f"SELECT {exact} FROM {table} WHERE {_GOOD}"))), strict=True)
        )
    return _quality_flags(con, table, checks), nulls, sums


def _reader_types(detection: Detection, lines: list[str]) -> dict[int, str]:
    """Columns DuckDB's CSV reader can type itself: read only as READER_TYPES kinds, plain in the sample.

    Never the first column: a totals row says 'Total' there (Google Ads ends every export with
    some), and that cell must stay text for the summary-row check rather than refuse the read.
    """
    kinds: dict[int, set[str]] = {}
    for fld in _present_fields(detection):
        column = detection.matches[fld.name].column
        if column:
            kinds.setdefault(column, set()).add(fld.kind)
    start = detection.header_line + 1
    sample = [cells_of(line, detection.delimiter) for line in lines[start : start + 200]]
    types = {}
    for column, column_kinds in kinds.items():
        sql_types = {sqlkit.READER_TYPES.get(kind) for kind in column_kinds}
        sql_type = sql_types.pop() if len(sql_types) == 1 else None
        if sql_type is None:
            continue
        if detection.decimal_comma and "int" in column_kinds:
            # '1.500' is 1500 in a decimal-comma file, past the sample too: the reader would take 1.5.
            continue
        if all(sqlkit.plain(kind, row[column]) for row in sample if column < len(row) for kind in column_kinds):
            types[column] = sql_type
    return types


def _create_stage(
    con: DuckDBPyConnection,
    table: str,
    detection: Detection,
    part: guard.Part,
    context: dict[str, str],
    options: Options,
    reader_types: dict[int, str],
    read: dict[str, Any],
) -> bool:
    """Stage the part; True when it was read padded (some rows shorter than the header)."""
    if reader_types:
        select, params = _staging_sql(detection, part, context, options, reader_types, read=read)
        con.execute(f"CREATE TEMP TABLE {table} AS {select}", params)
        if not _one(con.execute("SELECT count(*) FROM reject_errors WHERE error_type = 'CAST'"))[0]:
            return _read_short_rows(con, table, detection, part, context, options, read)
        # A cell the sample did not foresee: read every cell as text, which says what each
        # refused row held and reads the locale's spellings.
        con.execute(f"DROP TABLE {table}")
        _drop_rejects(con)
    select, params = _staging_sql(detection, part, context, options, {}, read=read)
    con.execute(f"CREATE TEMP TABLE {table} AS {select}", params)
    return _read_short_rows(con, table, detection, part, context, options, read)


def _read_short_rows(
    con: DuckDBPyConnection,
    table: str,
    detection: Detection,
    part: guard.Part,
    context: dict[str, str],
    options: Options,
    read: dict[str, Any],
) -> bool:
    # Rows shorter than the header (a footer, 'No data available.', an export whose rows all
    # lack the last columns) are refused by the fast read; read again, padded, to judge them.
    if not _one(con.execute("SELECT count(*) FROM reject_errors WHERE error_type = 'MISSING COLUMNS'"))[0]:
        return False
    con.execute(f"DROP TABLE {table}")
    _drop_rejects(con)
    select, params = _staging_sql(detection, part, context, options, {}, read={**read, "padded": True})
    con.execute(f"CREATE TEMP TABLE {table} AS {select}", params)
    return True


def _drop_rejects(con: DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS reject_errors")
    con.execute("DROP TABLE IF EXISTS reject_scans")


def _quality_flags(con: DuckDBPyConnection, table: str, counts: tuple[Any, ...]) -> list[Flag]:
    # Counted first (`counts`, per QUALITY_CHECKS): most exports trip no check, and then no row list is gathered at all.
    tripped = [(check, sql, int(count)) for (check, sql), count in zip(QUALITY_CHECKS, counts, strict=True) if count]
    if not tripped:
        return []
    lists = ", ".join(
        f"(list(rowid + 1 ORDER BY rowid) FILTER (WHERE {sql}))[1:{MAX_FLAGS_SHOWN}]" for _, sql, _ in tripped
    )
    rows = _one(con.execute(f"SELECT {lists} FROM {table} WHERE {_GOOD}"))
    return [
        Flag(check, count, tuple(int(r) for r in listed or ()))
        for (check, _, count), listed in zip(tripped, rows, strict=True)
    ]


def _one(result: DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of an aggregate query without GROUP BY: DuckDB always returns exactly one."""
    row = result.fetchone()
    assert row is not None
    return row


def _present_fields(detection: Detection) -> list[Field]:
    return [f for f in detection.format.fields if f.name in detection.matches]


def _why(detection: Detection, fields: list[Field], bad: list[int], fields_read: int) -> str:
    reasons = []
    for index in bad[:3]:
        if index == _NO_IDENTITY:
            reasons.append("it names no video, ad, campaign or date")
            continue
        if index == _TOO_FEW_FIELDS:
            reasons.append(f"it has {fields_read} of the header's {len(detection.headers)} fields")
            continue
        fld = fields[index]
        header = " ".join(detection.matches[fld.name].header.split())[:60]
        if fld.kind in sqlkit.NUMERIC_KINDS and _lenient(fld):
            reasons.append(f"'{header}' is beyond any plausible {_KIND_WORDS[fld.kind]}")
        else:
            reasons.append(f"'{header}' is not a {_KIND_WORDS[fld.kind]}")
    return "; ".join(reasons)


def _lenient(fld: Field) -> bool:
    """True for a field whose unreadable cells are NULL (a measure), not a reason to reject the row."""
    if fld.name in IDENTITY or fld.name in ("date_end", "platform", "channel", "objective"):
        return False
    return fld.name in model.MEASURE_NAMES or fld.name in _LENIENT_DIMENSIONS or fld.name.startswith("_")


def _identifies(fld: Field, fmt: Format) -> bool:
    # A helper an identity is derived from identifies the row too: the API's elapsed-time ratio
    # (a retention point), TikTok's video link (the id is in it; titles may be blank), YouTube's
    # traffic source.
    if fld.name in IDENTITY:
        return True
    if not fld.name.startswith("_"):
        return False
    if fld.name in fmt.derived.get("position_pct", ""):
        return True
    if fld.kind != "text":
        return False  # a typed helper ('Lifetime' in a post export's Date) may be unreadable: NULL, not a rejection
    word = re.compile(rf"\b{re.escape(fld.name)}\b")
    return any(word.search(fmt.derived.get(name, "")) for name in IDENTITY)


_KIND_WORDS = {
    "text": "value",
    "int": "number",
    "number": "number",
    "pct": "percentage",
    "duration": "duration (h:mm:ss)",
    "hours": "number of hours",
    "date": f"date from {model.FIRST_DATE.year} to {model.LAST_DATE.year}",
    "platform": "known platform (" + ", ".join(model.PLATFORMS) + ")",
    "channel": "known channel (" + ", ".join(model.CHANNELS) + ")",
    "objective": "known objective (" + ", ".join(model.OBJECTIVES) + ")",
}


def _context(con: DuckDBPyConnection, part: guard.Part, detection: Detection) -> dict[str, str]:
    """Constants a file leaves to its name (dates, a retention export's video)."""
    context = dict(part.context)
    fmt = detection.format
    if fmt in youtube.FACTS_FORMATS:
        why = youtube.measureless(detection.headers, set(detection.matches))
        if why:
            raise ImportRejected(part.display_name, why)
    if fmt.target == "retention" and "video_id" not in detection.matches:
        title = context.get("video_title")
        if not title:
            stem = Path(context.get("member") or part.display_name.split(" › ")[-1]).stem.strip()
            zip_stem = Path(part.display_name.split(" › ")[0]).stem.strip()
            for candidate in (zip_stem, stem):
                cleaned = re.sub(youtube.RETENTION_PREFIX, "", candidate, flags=re.I).strip()
                folded = youtube.fold_title(cleaned)
                if folded and folded not in youtube.GENERIC_MEMBER_NAMES:
                    title = cleaned
                    break
        if not title:
            raise ImportRejected(
                part.display_name,
                "a YouTube retention export names its video only in the ZIP's name "
                "('Audience retention <dates> <title>.zip'); upload the ZIP as downloaded, "
                "or rename the CSV to the video's title",
            )
        # File systems drop characters a title may hold (':', '?', '/'): an exact title wins,
        # else one equal once both are folded to letters and digits.
        known = con.execute(
            "SELECT video_id, video_title FROM active_facts WHERE platform = $platform AND video_id IS NOT NULL "
            f"AND (video_title = $title OR {youtube.FOLD_TITLE_SQL} = $folded) "
            "ORDER BY video_title = $title DESC, video_id LIMIT 1",
            {"platform": fmt.platform, "title": title, "folded": youtube.fold_title(title)},
        ).fetchone()
        context["video_id"] = known[0] if known else title
        context["video_title"] = known[1] if known else title
    return context


def _staging_sql(
    detection: Detection,
    part: guard.Part,
    context: dict[str, str],
    options: Options,
    reader_types: dict[int, str],
    read: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SELECT that stages a part; `reader_types` are columns the CSV reader types itself.

    `read`: `skip` (CSV rows before the data, default 1) and `padded` (short rows padded with NULL).
    """
    read = read or {}
    padded = bool(read.get("padded"))
    fmt = detection.format
    fields = _present_fields(detection)
    width = len(detection.headers)
    params: dict[str, Any] = {
        "path": str(part.path),
        "skip": int(read.get("skip", detection.header_line + 1)),
        "delim": detection.delimiter,
        "summary_pattern": fmt.summary_row,
    }
    # Every column given, nothing sniffed: a file whose rows are shorter than its header
    # (a single 'No data available.') reads as short rows, never as a one-column table.
    types = {sqlkit.col(i): "VARCHAR" for i in range(width)}
    for column, sql_type in reader_types.items():
        types[sqlkit.col(column)] = sql_type
    params["columns"] = types
    names = [sqlkit.col(i) for i in range(width)]
    parse_opts = {"decimal_comma": detection.decimal_comma, "day_first": detection.day_first, "year": "year" in context}
    if "year" in context:
        params["year"], params["year_last"] = context["year"], context.get("year_last")
    # Each cell is worked on once: text columns are trimmed in one step and cleaned in the
    # next; numbers and dates cast straight from the raw cell and only fall back to the
    # locale-aware cleanup when that fails. Failures are then read off the parsed values.
    text_columns = sorted({0} | {detection.matches[f.name].column for f in fields if f.kind in sqlkit.TEXT_KINDS})
    trimmed_cols = "".join(f", {sqlkit.trimmed(sqlkit.col(j))} AS t{j}" for j in text_columns)
    parsed_cols, bounded_cols, bad_checks, bad_conditions = [], [], [], []
    identity = []
    for index, fld in enumerate(fields):
        column = detection.matches[fld.name].column
        raw_cell, text = sqlkit.col(column), sqlkit.clean(f"t{column}")
        typed = column in reader_types
        if typed:
            parsed_cols.append(f"{sqlkit.typed_value(fld, raw_cell)} AS {fld.name}")
        else:
            parsed_cols.append(f"{sqlkit.parse_value(fld, raw_cell, text, **parse_opts)} AS {fld.name}")
        strict = _identifies(fld, fmt) or not _lenient(fld)
        checks = []
        if fld.kind in sqlkit.NUMERIC_KINDS:
            bounded = sqlkit.bounded(fld.kind, fld.name)
            bounded_cols.append(f"{'CAST(' + bounded + ' AS BIGINT)' if fld.kind == 'int' else bounded} AS {fld.name}")
            checks.append(sqlkit.out_of_bounds(fld.kind, fld.name))
        if strict:
            checks.append(sqlkit.failed_expr(raw_cell, fld.name, typed=typed))
        if checks:
            bad_conditions.append(" OR ".join(checks))
            bad_checks.append(f"CASE WHEN {bad_conditions[-1]} THEN {index} END")
        if _identifies(fld, fmt):
            identity.append(fld.name)
    if identity:
        bad_conditions.append(" AND ".join(f"{n} IS NULL" for n in identity))
        bad_checks.append(f"CASE WHEN {bad_conditions[-1]} THEN {_NO_IDENTITY} END")
    elif not any(k in context for k in ("date", "video_id", "video_title")):
        bad_conditions.append("true")
        bad_checks.append(str(_NO_IDENTITY))
    present = {f.name for f in fields}
    for fld in fmt.fields:
        if fld.name not in present:
            parsed_cols.append(f"CAST(NULL AS {_sql_type(fld)}) AS {fld.name}")
    summary = "coalesce(regexp_matches(lower(t0), $summary_pattern), false)"
    # The list is built only for the few rows with something wrong: building one per row costs
    # as much as reading the file.
    bad = (
        f"CASE WHEN ({') OR ('.join(bad_conditions)}) THEN list_filter([{', '.join(bad_checks)}], lambda x: x IS NOT NULL) END"
        if bad_conditions
        else "CAST(NULL AS INTEGER[])"
    )
    others = [sqlkit.col(i) for i in range(1, width)]
    lone = " AND ".join(f"{c} IS NULL" for c in others) or "true"
    # The header again in the middle: compared on its text cells (a typed column would have
    # sent the file back to the text read anyway).
    compared = [i for i in range(1, min(width, 20)) if i not in reader_types]
    again_cells = [f"coalesce({sqlkit.col(i)}, '') = $h{i}" for i in compared]
    for i in (0, *compared):
        params[f"h{i}"] = detection.headers[i].replace("\ufeff", "")
    again = f"CASE WHEN replace(coalesce(t0, ''), '\ufeff', '') = $h0 THEN {' AND '.join(again_cells) or 'true'} ELSE false END"
    # No row number here: a window over the whole file would serialise the read. The staging
    # table keeps the file's order, so its rowid + 1 is the data row's number.
    if padded:
        # Empty cells read as '' and padding as NULL, so a row's own field count can be told.
        params["nullstr"] = "\x01"
        counted = " + ".join(f"({c} IS NOT NULL)::INTEGER" for c in names)
        raw = (
            f"SELECT {counted} AS _fields, {', '.join(f'nullif({c}, {chr(39)}{chr(39)}) AS {c}' for c in names)} "
            "FROM read_csv($path, auto_detect = false, skip = $skip, header = false, columns = $columns, "
            "delim = $delim, quote = '\"', escape = '\"', nullstr = $nullstr, store_rejects = true, "
            "null_padding = true, parallel = false)"
        )
    else:
        raw = (
            f"SELECT *, {width} AS _fields FROM read_csv($path, auto_detect = false, skip = $skip, header = false, "
            "columns = $columns, delim = $delim, quote = '\"', escape = '\"', store_rejects = true, "
            "null_padding = false)"
        )
    bounded_sql = f" REPLACE ({', '.join(bounded_cols)})" if bounded_cols else ""
    stages = (
        f"raw AS ({raw}), trimmed AS (SELECT *{trimmed_cols}, {lone} AS _lone FROM raw), "
        f"typed AS (SELECT *, {', '.join(parsed_cols)} FROM trimmed), "
        f"parsed AS (SELECT *{bounded_sql}, _lone AND nullif(t0, '') IS NULL AS _blank, "
        f"{summary} OR (_lone AND nullif(t0, '') IS NULL) AS _summary, {bad} AS _bad, "
        f"CASE WHEN _lone THEN t0 END AS _note, false AS _trailer, {again} AS _again FROM typed)"
    )
    out_cols = _output_columns(fmt, present, context, options, detection, params)
    select = (
        f"WITH {stages} SELECT _summary, _bad, _blank, _lone, _note, _trailer, _again, _fields, "
        f"{', '.join(out_cols)} FROM parsed"
    )
    return select, params


def _sql_type(fld: Field) -> str:
    if fld.name in _CANONICAL_TYPES:
        return _CANONICAL_TYPES[fld.name]
    return (
        {"int": "BIGINT", "date": "DATE", "text": "VARCHAR"}.get(fld.kind, "DOUBLE")
        if fld.kind not in ("platform", "channel", "objective")
        else "VARCHAR"
    )


_CANONICAL_TYPES = {c.name: c.sql_type for c in model.FACT_COLUMNS + model.RETENTION_COLUMNS}


def _output_columns(
    fmt: Format,
    present: set[str],
    context: dict[str, str],
    options: Options,
    detection: Detection,
    params: dict[str, Any],
) -> list[str]:
    declared = {f.name for f in fmt.fields}
    columns = model.FACT_COLUMNS if fmt.target == "facts" else model.RETENTION_COLUMNS
    out = []
    for column in columns:
        name = column.name
        if name == "import_id":
            continue
        if name in fmt.derived and name in context and name in ("date", "date_end"):
            # A row's own date, else the period its file states (post exports: 'Lifetime' rows).
            params[f"ctx_{name}"] = context[name]
            expr = f"coalesce({fmt.derived[name]}, CAST($ctx_{name} AS {column.sql_type}))"
        elif name in fmt.derived:
            expr = fmt.derived[name]
        elif name in declared:
            expr = name
        elif name in context and name in ("date", "date_end", "video_title", "video_id"):
            params[f"ctx_{name}"] = context[name]
            expr = f"CAST($ctx_{name} AS {column.sql_type})"
        elif name == "platform":
            params["platform"] = fmt.platform or "other"
            expr = "$platform"
        elif name == "currency" and detection.currency:
            params["currency"] = detection.currency
            expr = "$currency"
        else:
            expr = f"CAST(NULL AS {column.sql_type})"
        out.append(f'CAST({expr} AS {column.sql_type}) AS "{name}"')
    if fmt.target == "facts":
        out = _with_channel_and_objective(out, fmt, declared, options, params)
    return out


def _with_channel_and_objective(
    out: list[str], fmt: Format, declared: set[str], options: Options, params: dict[str, Any]
) -> list[str]:
    # channel: chosen at import > the file's own column > the layout's channel (organic
    # screens are social even on ad platforms) > the platform's usual channel
    params["channel"] = options.channel
    params["format_channel"] = fmt.channel
    default_channel = " ".join(f"WHEN {literal(p)} THEN {literal(c)}" for p, c in model.DEFAULT_CHANNEL.items())
    platform_expr = fmt.derived.get("platform", "platform" if "platform" in declared else "$platform")
    file_channel = "channel" if "channel" in declared else "NULL"
    channel = (
        f"coalesce($channel, {file_channel}, $format_channel, CASE {platform_expr} {default_channel} ELSE 'other' END)"
    )
    # objective: chosen at import > the file's own column > a campaign-name token > the
    # platform's buying objective. Tokens are matched after staging (_fill_objective), so the
    # platform's objective is staged with PLATFORM_HINT in front and yields to a token there.
    params["objective"] = options.objective
    file_objective = "objective" if "objective" in declared else "NULL"
    platform_objective = "NULL"
    if fmt.objective_field:
        mapped = " ".join(
            f"WHEN {literal(k)} THEN {literal(PLATFORM_HINT + v)}" for k, v in _folded_platform_objectives().items()
        )
        platform_objective = f"CASE strip_accents(lower(trim({fmt.objective_field}))) {mapped} END"
    objective = f"coalesce($objective, {file_objective}, {platform_objective})"
    if fmt.keep is not None:
        # Read off by _leave_out, which then drops the column.
        predicate, name, _ = fmt.keep
        out = [*out, f"CASE WHEN NOT coalesce({predicate}, true) THEN left(coalesce({name}, '?'), 40) END AS _left_out"]
    replaced = []
    for item in out:
        if item.endswith('AS "channel"'):
            replaced.append(f'CAST({channel} AS VARCHAR) AS "channel"')
        elif item.endswith('AS "objective"'):
            replaced.append(f'CAST({objective} AS VARCHAR) AS "objective"')
        else:
            replaced.append(item)
    return replaced


# Marks a staged objective that came from the platform's objective column (see _fill_objective).
PLATFORM_HINT = "~"


def _folded_platform_objectives() -> dict[str, str]:
    # Keys folded as the SQL folds cells (no accents, lower case).
    folded: dict[str, str] = {}
    for key, value in model.PLATFORM_OBJECTIVES.items():
        key = "".join(c for c in unicodedata.normalize("NFKD", key.lower()) if not unicodedata.combining(c))
        folded.setdefault(key, value)
    return folded


def _fill_objective(con: DuckDBPyConnection, table: str) -> None:
    # The team's own campaign-name token wins over the platform's buying objective (a '_FID_'
    # campaign bought as "Sales" is loyalty); tokens match without case or accents.
    open_rows = f"(objective IS NULL OR starts_with(objective, {literal(PLATFORM_HINT)}))"
    con.execute(
        f"""
        UPDATE {table} AS s
        SET objective = coalesce(m.objective, nullif(ltrim(s.objective, {literal(PLATFORM_HINT)}), ''), 'unassigned')
        FROM (
            SELECT c.campaign, arg_min(r.objective, r.position) AS objective
            FROM (SELECT DISTINCT campaign FROM {table} WHERE {open_rows}) AS c
            LEFT JOIN objective_rules AS r
              ON contains(strip_accents(lower(c.campaign)), strip_accents(lower(r.token)))
            GROUP BY c.campaign
        ) AS m
        WHERE {open_rows.replace("objective", "s.objective")} AND s.campaign IS NOT DISTINCT FROM m.campaign
        """
    )
    con.execute(f"UPDATE {table} SET objective = 'unassigned' WHERE objective IS NULL")


def _leave_out(con: DuckDBPyConnection, table: str, fmt: Format, name: str) -> str:
    """Drop the rows a format leaves out on purpose (Format.keep); say how many and why."""
    if fmt.keep is None:
        return ""
    counts = con.execute(
        f"SELECT _left_out, count(*) FROM {table} WHERE _left_out IS NOT NULL AND NOT _summary "
        "GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    con.execute(f"DELETE FROM {table} WHERE _left_out IS NOT NULL AND NOT _summary")
    con.execute(f"ALTER TABLE {table} DROP COLUMN _left_out")
    if not counts:
        return ""
    total = sum(n for _, n in counts)
    which = ", ".join(f"{kind} {n}" for kind, n in counts[:6])
    said = f"{total} row(s) left out ({fmt.keep[2]}: {which})"
    if not _one(con.execute(f"SELECT count(*) FROM {table} WHERE NOT _summary"))[0]:
        con.execute(f"DROP TABLE {table}")
        raise ImportRejected(name, f"nothing in it is loaded: {said}")
    return said


def _drop_stages(con: DuckDBPyConnection, reports: list[ImportReport]) -> None:
    for report in reports:
        for part in report.parts:
            con.execute(f"DROP TABLE IF EXISTS {part.table}")


def _mark_duplicates(con: DuckDBPyConnection, reports: list[ImportReport]) -> None:
    for report in reports:
        row = con.execute(
            "SELECT import_id FROM imports WHERE content_hash = $h AND status = 'active' ORDER BY import_id LIMIT 1",
            {"h": report.content_hash},
        ).fetchone()
        if row:
            report.duplicate_of = int(row[0])


# -- loading ---------------------------------------------------------------------------------

_FACT_COLS = idents(c.name for c in model.FACT_COLUMNS if c.name != "import_id")
_RULE_COLS = idents(name for name, _ in V6_FACT_EXTRAS)
_RETENTION_COLS = idents(c.name for c in model.RETENTION_COLUMNS if c.name != "import_id")


def _load(tx: Any, report: ImportReport, options: Options) -> None:
    import_id = int(tx.execute("SELECT nextval('import_seq')").fetchone()[0])
    report.import_id = import_id
    targets = {p.target for p in report.parts}
    replaced_ids: set[int] = set()
    replaced = 0
    changed_months: set[dt.date] = set()
    changed_undated = False
    changed_keys: set[str] = set()
    changed_keyless = False
    _merge_youtube_grains(tx, report)
    for part in report.parts:
        good = part.good_rows()
        if part.target == "facts":
            victims = (
                f"facts.replaced_by IS NULL AND facts.import_id <> $id AND EXISTS "
                f"(SELECT 1 FROM {good} AS s WHERE {overlap_sql('facts', 's', 'facts')})"
            )
            apply_plans(tx, part.table)
            insert = (
                f"INSERT INTO facts ({_FACT_COLS}, {_RULE_COLS}, import_id, source_row) "
                f"SELECT {_FACT_COLS}, {_RULE_COLS}, $id, _row FROM {good}"
            )
            table = "facts"
        else:
            victims = (
                f"retention.replaced_by IS NULL AND retention.import_id <> $id AND EXISTS "
                f"(SELECT 1 FROM {good} AS s WHERE {overlap_sql('retention', 's', 'retention')})"
            )
            insert = f"INSERT INTO retention ({_RETENTION_COLS}, import_id) SELECT {_RETENTION_COLS}, $id FROM {good}"
            table = "retention"
        for where, bounds in _victim_parts(tx, table, good, victims):
            replaced += int(
                tx.execute(
                    f"UPDATE {table} SET replaced_by = $id WHERE {where}", {"id": import_id, **bounds}
                ).fetchone()[0]
            )
        if replaced and table == "facts":
            # Read off the rows just marked (the overlap join runs once, not twice), with the
            # months they lie in and their videos: only those months of those videos of the
            # imports they came from are summed again.
            for earlier, months, undated, keys, keyless in tx.execute(
                'SELECT import_id, list(DISTINCT date_trunc(\'month\', "date")::DATE) FILTER (WHERE "date" IS NOT NULL), '
                f'bool_or("date" IS NULL), list(DISTINCT {VIDEO_KEY_SQL}) FILTER (WHERE {VIDEO_KEY_SQL} IS NOT NULL), '
                f"bool_or({VIDEO_KEY_SQL} IS NULL) FROM facts WHERE replaced_by = $id GROUP BY 1",
                {"id": import_id},
            ).fetchall():
                replaced_ids.add(int(earlier))
                changed_months.update(months or ())
                changed_undated = changed_undated or bool(undated)
                changed_keys.update(keys or ())
                changed_keyless = changed_keyless or bool(keyless)
        elif replaced:
            ids = tx.execute(f"SELECT DISTINCT import_id FROM {table} WHERE replaced_by = $id", {"id": import_id})
            replaced_ids.update(int(r[0]) for r in ids.fetchall())
        tx.execute(insert, {"id": import_id})
    inserted = " UNION ALL ".join(
        f"SELECT {_FACT_COLS} FROM {p.table} WHERE {_GOOD}" for p in report.parts if p.target == "facts"
    )
    try:
        changed = ChangedMonths(
            tuple(sorted(changed_months)), changed_undated, tuple(sorted(changed_keys)), changed_keyless
        )
        refresh_rollup(tx, replaced_ids, new=(import_id, inserted) if inserted else None, months=changed)
    except VmdashError as exc:
        raise ImportRejected(report.file_name, str(exc)) from None
    report.rows_replaced = replaced
    report.replaced_imports = sorted(replaced_ids)
    first = report.parts[0].detection
    tx.execute(
        """INSERT INTO imports (import_id, file_name, content_hash, source_format, locale, detection, target,
             rows_read, rows_loaded, rows_rejected, rows_replaced, replaced_imports, imported_at, status)
           VALUES ($id, $file, $hash, $format, $locale, $detection, $target, $read, $loaded, $rejected,
             $replaced, $replaced_imports, now()::TIMESTAMP, 'active')""",
        {
            "id": import_id,
            "file": report.file_name,
            "hash": report.content_hash,
            "format": report.source_format,
            "locale": report.locale or first.locale,
            "detection": report.detection_text(),
            "target": "+".join(sorted(targets)),
            "read": report.rows_read,
            "loaded": report.rows_loaded,
            "rejected": report.rows_rejected,
            "replaced": replaced,
            "replaced_imports": ",".join(str(i) for i in sorted(replaced_ids)),
        },
    )


def _victim_parts(tx: Any, table: str, good: str, victims: str) -> list[tuple[str, dict[str, Any]]]:
    """The replaced rows' condition, split so that the daily facts are looked up within the new rows' dates.

    A daily fact overlaps a dated new row only inside the new rows' first and last days: tested
    on the plain "date" column, stored blocks outside them are skipped, and a week's export
    into years of facts joins a week of them. Facts over longer periods and undated ones are
    tested whole. With an undated new row (which overlaps every date), one condition as it is.
    """
    if table != "facts":
        return [(victims, {})]
    lo, hi, undated, spans = tx.execute(
        f'SELECT min("date"), max(coalesce("date_end", "date")), bool_or("date" IS NULL), bool_or(NOT {DAILY_SQL}) '
        f"FROM {good}"
    ).fetchone()
    if undated or lo is None:
        return [(victims, {})]
    daily = daily_sql("facts")
    within = f'facts."date" BETWEEN $lo AND $hi AND {daily}'
    live = "facts.replaced_by IS NULL AND facts.import_id <> $id"
    # A daily fact and a daily new row overlap on the same day: matched on key and day, not on
    # the key alone and then every pair of a key's days (a year's re-export into a year of
    # facts: 365 × 365 pairs per key, 10 s at 700k rows).
    same_day = f'{daily_sql("s")} AND s."date" = facts."date" AND {same_key_sql("facts", "s")}'
    parts = [(f"{within} AND {live} AND EXISTS (SELECT 1 FROM {good} AS s WHERE {same_day})", {"lo": lo, "hi": hi})]
    if spans:
        # New rows over longer periods (an export by month) overlap every day they cover.
        longer = f"NOT {daily_sql('s')} AND {overlap_sql('facts', 's', 'facts')}"
        parts.append(
            (f"{within} AND {live} AND EXISTS (SELECT 1 FROM {good} AS s WHERE {longer})", {"lo": lo, "hi": hi})
        )
    # The rollup's period rows are the active facts that are not daily: with none, the test of
    # every stored fact (a scan of all of them) finds nothing.
    if tx.execute("SELECT 1 FROM facts_summed WHERE _grain = 'period' LIMIT 1").fetchone():
        parts.append((f"NOT {daily} AND {victims}", {}))
    return parts


def _merge_youtube_grains(tx: Any, report: ImportReport) -> None:
    # A Studio ZIP gives a video's (or traffic source's) numbers twice: per period in the table
    # data, per day in the chart data. The period row is the one that holds every metric, so it
    # stays whole and every KPI reads as the table's; a daily row keeps only metrics the table
    # lacks for its video, and is not loaded when none is left.
    tables = [p for p in report.parts if p.detection.format in (youtube.TABLE_DATA, youtube.TRAFFIC_TABLE)]
    charts = [p for p in report.parts if p.detection.format in (youtube.CHART_DATA, youtube.TRAFFIC_CHART)]
    if not tables or not charts:
        return
    key = "s.video_id IS NOT DISTINCT FROM t.video_id AND s.traffic_source IS NOT DISTINCT FROM t.traffic_source"
    for chart in charts:
        chart_measures = sorted(youtube.MEASURES & set(chart.detection.matches))
        dropped = 0
        for table in tables:
            shared = [m for m in chart_measures if m in table.detection.matches]
            if not shared:
                continue
            in_table = f"EXISTS (SELECT 1 FROM {table.table} AS t WHERE NOT t._summary AND t._bad IS NULL AND {key})"
            cleared = ", ".join(f"{ident(m)} = NULL" for m in shared)
            tx.execute(f"UPDATE {chart.table} AS s SET {cleared} WHERE {_GOOD} AND {in_table}")
            left = " OR ".join(f"s.{ident(m)} IS NOT NULL" for m in chart_measures)
            emptied = tx.execute(f"DELETE FROM {chart.table} AS s WHERE {_GOOD} AND {in_table} AND NOT ({left})")
            dropped += int(emptied.fetchone()[0])
        if dropped:
            chart.loadable -= dropped
            given_by = ", ".join(p.part.display_name.split(" › ")[-1] for p in tables)
            report.skipped.append(
                (chart.part.display_name, f"{dropped} daily rows whose period totals {given_by} already gives")
            )


def undo(store: Store, import_id: int) -> dict[str, int]:
    """Remove one import's rows and bring back what it had replaced."""
    from vmdash.errors import NotFound

    with store.transaction() as tx:
        row = tx.execute("SELECT status FROM imports WHERE import_id = $id", {"id": import_id}).fetchone()
        if row is None:
            raise NotFound(f"there is no import #{import_id}; `python -m vmdash imports` lists them")
        if row[0] != "active":
            raise NotFound(f"import #{import_id} was already undone")
        # The status goes first: were the process killed mid-way, recovery finishes the undo.
        tx.execute(
            "UPDATE imports SET status = 'undone', undone_at = now()::TIMESTAMP WHERE import_id = $id",
            {"id": import_id},
        )
        return reconcile(tx)
