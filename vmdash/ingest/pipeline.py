"""guard -> detect -> read -> normalise -> validate -> load, for files from the CLI or the app.

Every check runs before the first write; the load of all the files given in one
call is one transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from vmdash import model
from vmdash.errors import ImportRejected, InvalidChoice
from vmdash.ingest import guard, mapping, sqlkit, youtube
from vmdash.ingest.detect import Detection, cells_of, detect
from vmdash.ingest.spec import Field, Format
from vmdash.store import Store, is_duckdb_error, overlap_sql, reconcile, refresh_rollup

# A file with more unreadable rows than this share is refused whole.
MAX_REJECTED_SHARE = 0.05
MAX_REJECTED_ALWAYS_OK = 10
MAX_REJECTIONS_SHOWN = 50
# Member names that say nothing about the video (English and French Studio downloads).
_GENERIC_MEMBER_NAMES = {
    "organic",
    "table data",
    "chart data",
    "totals",
    "audience retention",
    "organique",
    "données du tableau",
    "données du graphique",
    "totaux",
    "fidélisation de l'audience",
}
_RETENTION_PREFIX = r"^(audience retention|fidélisation de l['’]audience)\s*"
_counter = itertools.count()
# The staged rows that are loaded: not a summary row, no cell that failed to parse.
_GOOD = "NOT _summary AND len(_bad) = 0"


@dataclass(frozen=True)
class Rejection:
    """One data row that was not loaded, and why."""

    row: int  # 1-based data row after the header
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

    @property
    def target(self) -> str:
        """'facts' or 'retention'."""
        return self.detection.format.target


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
        bits = [f"{self.file_name}: import #{self.import_id}, {self.detection_text()}"]
        bits.append(f"{self.rows_loaded} rows loaded")
        if skipped:
            bits.append(f"{skipped} summary row(s) skipped")
        for part, why in self.skipped:
            bits.append(f"{part.split(' › ')[-1]} not loaded ({why})")
        if self.rows_rejected:
            first = next(r for p in self.parts for r in p.rejections)
            bits.append(f"{self.rows_rejected} rejected (first: row {first.row}, {first.reason})")
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
    """A file to import: where it is on disk and what a person calls it."""

    path: Path
    name: str


@dataclass(frozen=True)
class Options:
    """Choices made at import time that override what the file says."""

    channel: str | None = None
    objective: str | None = None

    def __post_init__(self) -> None:
        if self.channel is not None and self.channel not in model.CHANNELS:
            raise InvalidChoice("channel", self.channel, model.CHANNELS)
        if self.objective is not None and self.objective not in model.OBJECTIVES:
            raise InvalidChoice("objective", self.objective, model.OBJECTIVES)


def import_files(
    store: Store,
    uploads: Iterable[Upload],
    options: Options = Options(),
    progress: Callable[[float, str], None] | None = None,
) -> list[ImportReport]:
    """Import every file or none: stage and validate all, then load all in one transaction.

    `progress(share_done, step)` is told before each step (reading each file, then writing).
    """
    uploads = list(uploads)
    tell = progress or (lambda done, step: None)
    with tempfile.TemporaryDirectory(prefix="vmdash-") as tmp, store.connect() as con:
        reports: list[ImportReport] = []
        try:
            for n, upload in enumerate(uploads):
                tell(n / (len(uploads) + 1), f"Reading {upload.name} ({n + 1} of {len(uploads)})")
                workdir = Path(tmp) / str(n)
                workdir.mkdir()
                reports.append(_stage_upload(con, upload, workdir, options))
            _mark_duplicates(con, reports)
            tell(len(uploads) / (len(uploads) + 1), "Writing to the database")
            with store.transaction() as tx:
                for report in reports:
                    if report.duplicate_of is None:
                        _load(tx, report, options)
        finally:
            _drop_stages(con, reports)
        return reports


def preview(
    store: Store, upload: Upload, options: Options = Options(), rows: int = 20
) -> tuple[ImportReport, list[pd.DataFrame]]:
    """Detect and parse a file without writing: the report and the first normalised rows of each part."""
    with tempfile.TemporaryDirectory(prefix="vmdash-") as tmp, store.connect() as con:
        report = _stage_upload(con, upload, Path(tmp), options)
        try:
            _merge_youtube_grains(con, report)  # so the rows to load are those the import loads
            _mark_duplicates(con, [report])
            frames = [
                con.execute(
                    f"SELECT rowid + 1 AS _row, * EXCLUDE (_summary, _bad) FROM {p.table} "
                    f"WHERE {_GOOD} ORDER BY rowid LIMIT $n",
                    {"n": rows},
                ).df()
                for p in report.parts
            ]
        finally:
            _drop_stages(con, [report])
        return report, frames


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# -- staging --------------------------------------------------------------------------------


def _stage_upload(con: Any, upload: Upload, workdir: Path, options: Options) -> ImportReport:
    name = upload.name
    try:
        parts = guard.expand(upload.path, name, workdir)
        report = ImportReport(name, file_hash(upload.path))
        for part in parts:
            staged = _stage_part(con, part, options)
            if isinstance(staged, StagedPart):
                report.parts.append(staged)
            else:
                report.skipped.append((part.display_name, staged))
        if not report.parts:
            why = "; ".join(why for _, why in report.skipped)
            raise ImportRejected(name, f"nothing in it is loaded: {why}; upload the export's table or chart data")
    except ImportRejected:
        raise
    except Exception as exc:
        if is_duckdb_error(exc) or isinstance(exc, (UnicodeError, OSError, ValueError)):
            raise ImportRejected(name, _explain(exc)) from None
        raise
    return report


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "Invalid unicode" in text or isinstance(exc, UnicodeError):
        return "the file's text encoding is broken (it is not valid UTF-8)"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"the file could not be read ({first[:160]})"


def _stage_part(con: Any, part: guard.Part, options: Options) -> StagedPart | str:
    """The part parsed into a temporary table, or why a recognised part is not loaded."""
    lines = guard.head_lines(part.path)
    saved = mapping.saved(con.execute("SELECT name, mapping FROM column_mappings ORDER BY created_at").fetchall())
    detection = detect(part.display_name, lines, part.encoding, saved)
    fmt = detection.format
    if fmt.target == "skip":
        return f"{fmt.label}: {fmt.note[:1].lower()}{fmt.note[1:].rstrip('.')}"
    context = _context(con, part, detection)
    table = f"stage_{next(_counter)}"
    _create_stage(con, table, detection, part, context, options, _reader_types(detection, lines))
    malformed = con.execute(
        "SELECT line, error_message FROM reject_errors ORDER BY line LIMIT $n", {"n": MAX_REJECTIONS_SHOWN}
    ).fetchall()
    malformed_count = con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]
    _drop_rejects(con)
    if fmt.target == "facts":
        _fill_objective(con, table)
    counts = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE _summary), count(*) FILTER (WHERE {_GOOD}) FROM {table}"
    ).fetchone()
    rows_read, summary_rows, loadable = (int(v) for v in counts)
    bad_rows = con.execute(
        f"SELECT rowid + 1, _bad FROM {table} WHERE NOT _summary AND len(_bad) > 0 ORDER BY rowid LIMIT $n",
        {"n": MAX_REJECTIONS_SHOWN},
    ).fetchall()
    bad_count = rows_read - summary_rows - loadable
    fields = _present_fields(detection)
    rejections = [
        Rejection(int(line) - detection.header_line - 1, f"malformed line ({message})") for line, message in malformed
    ]
    rejections += [Rejection(int(row), _why(detection, fields, bad)) for row, bad in bad_rows]
    rejections.sort(key=lambda r: r.row)
    rejected = int(bad_count + malformed_count)
    total = rows_read + malformed_count
    staged = StagedPart(
        part,
        detection,
        table,
        rows_read + malformed_count,
        summary_rows,
        loadable,
        rejected,
        rejections[:MAX_REJECTIONS_SHOWN],
    )
    if fmt.target == "facts":
        staged.flags = _quality_flags(con, table)
    if loadable == 0:
        con.execute(f"DROP TABLE {table}")
        why = f" (first problem: row {rejections[0].row}, {rejections[0].reason})" if rejections else ""
        raise ImportRejected(part.display_name, f"no data rows could be read{why}")
    if rejected > MAX_REJECTED_ALWAYS_OK and rejected > MAX_REJECTED_SHARE * total:
        con.execute(f"DROP TABLE {table}")
        first = rejections[0]
        raise ImportRejected(
            part.display_name,
            f"{rejected} of {total} rows could not be read (first: row {first.row}, {first.reason}); "
            "nothing was imported",
        )
    return staged


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
        if len(sql_types) != 1 or None in sql_types:
            continue
        if all(sqlkit.plain(kind, row[column]) for row in sample if column < len(row) for kind in column_kinds):
            types[column] = sql_types.pop()
    return types


def _create_stage(
    con: Any,
    table: str,
    detection: Detection,
    part: guard.Part,
    context: dict[str, str],
    options: Options,
    reader_types: dict[int, str],
) -> None:
    if reader_types:
        select, params = _staging_sql(detection, part, context, options, reader_types)
        con.execute(f"CREATE TEMP TABLE {table} AS {select}", params)
        if not con.execute("SELECT count(*) FROM reject_errors WHERE error_type = 'CAST'").fetchone()[0]:
            return
        # A cell the sample did not foresee: read every cell as text, which says what each
        # refused row held and reads the locale's spellings.
        con.execute(f"DROP TABLE {table}")
        _drop_rejects(con)
    select, params = _staging_sql(detection, part, context, options, {})
    con.execute(f"CREATE TEMP TABLE {table} AS {select}", params)


def _drop_rejects(con: Any) -> None:
    con.execute("DROP TABLE IF EXISTS reject_errors")
    con.execute("DROP TABLE IF EXISTS reject_scans")


def _quality_flags(con: Any, table: str) -> list[Flag]:
    # Counted first: most exports trip no check, and then no row list is gathered at all.
    counts = ", ".join(f"count(*) FILTER (WHERE {sql})" for _, sql in QUALITY_CHECKS)
    found = con.execute(f"SELECT {counts} FROM {table} WHERE {_GOOD}").fetchone()
    tripped = [(check, sql, int(count)) for (check, sql), count in zip(QUALITY_CHECKS, found, strict=True) if count]
    if not tripped:
        return []
    lists = ", ".join(
        f"(list(rowid + 1 ORDER BY rowid) FILTER (WHERE {sql}))[1:{MAX_FLAGS_SHOWN}]" for _, sql, _ in tripped
    )
    rows = con.execute(f"SELECT {lists} FROM {table} WHERE {_GOOD}").fetchone()
    return [
        Flag(check, count, tuple(int(r) for r in listed or ()))
        for (check, _, count), listed in zip(tripped, rows, strict=True)
    ]


def _present_fields(detection: Detection) -> list[Field]:
    return [f for f in detection.format.fields if f.name in detection.matches]


def _why(detection: Detection, fields: list[Field], bad: list[int]) -> str:
    reasons = []
    for index in bad[:3]:
        fld = fields[index]
        header = detection.matches[fld.name].header.strip()
        if fld.required:
            reasons.append(f"'{header}' is missing or not a {_KIND_WORDS[fld.kind]}")
        else:
            reasons.append(f"'{header}' is not a {_KIND_WORDS[fld.kind]}")
    return "; ".join(reasons)


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


def _context(con: Any, part: guard.Part, detection: Detection) -> dict[str, str]:
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
                if (
                    folded
                    and folded not in youtube.GENERIC_MEMBER_NAMES
                    and cleaned.lower() not in _GENERIC_MEMBER_NAMES
                ):
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
    detection: Detection, part: guard.Part, context: dict[str, str], options: Options, reader_types: dict[int, str]
) -> tuple[str, dict[str, Any]]:
    """The SELECT that stages a part; `reader_types` are columns the CSV reader types itself."""
    fmt = detection.format
    fields = _present_fields(detection)
    names = [sqlkit.col(i) for i in range(len(detection.headers))]
    params: dict[str, Any] = {
        "path": str(part.path),
        "skip": detection.header_line + 1,
        "delim": detection.delimiter,
        "names": names,
        "summary_pattern": fmt.summary_row,
    }
    typed_option = ""
    if reader_types:
        params["types"] = {sqlkit.col(column): sql_type for column, sql_type in reader_types.items()}
        typed_option = "types = $types, "
    parse_opts = {"decimal_comma": detection.decimal_comma, "day_first": detection.day_first}
    # Each cell is worked on once: text columns are trimmed in one step and cleaned in the
    # next; numbers and dates cast straight from the raw cell and only fall back to the
    # locale-aware cleanup when that fails. Failures are then read off the parsed values.
    text_columns = sorted({0} | {detection.matches[f.name].column for f in fields if f.kind in sqlkit.TEXT_KINDS})
    trimmed_cols = "".join(f", {sqlkit.trimmed(sqlkit.col(j))} AS t{j}" for j in text_columns)
    parsed_cols = []
    bad_checks = []
    for index, fld in enumerate(fields):
        column = detection.matches[fld.name].column
        raw_cell, text = sqlkit.col(column), sqlkit.clean(f"t{column}")
        typed = column in reader_types
        if typed:
            parsed_cols.append(f"{sqlkit.typed_expr(fld, raw_cell)} AS {fld.name}")
        else:
            parsed_cols.append(f"{sqlkit.parse_expr(fld, raw_cell, text, **parse_opts)} AS {fld.name}")
        failed = f"{fld.name} IS NULL" if fld.required else sqlkit.failed_expr(raw_cell, fld.name, typed=typed)
        bad_checks.append(f"CASE WHEN {failed} THEN {index} END")
    present = {f.name for f in fields}
    for fld in fmt.fields:
        if fld.name not in present:
            parsed_cols.append(f"CAST(NULL AS {_sql_type(fld)}) AS {fld.name}")
    summary = "coalesce(regexp_matches(lower(t0), $summary_pattern), false)"
    bad = f"list_filter([{', '.join(bad_checks) or 'NULL'}], lambda x: x IS NOT NULL)"
    # No row number here: a window over the whole file would serialise the read. The staging
    # table keeps the file's order, so its rowid + 1 is the data row's number.
    raw = (
        "SELECT * FROM read_csv($path, skip = $skip, header = false, "
        f"all_varchar = true, {typed_option}delim = $delim, quote = '\"', escape = '\"', names = $names, "
        "store_rejects = true, null_padding = false)"
    )
    stages = (
        f"raw AS ({raw}), trimmed AS (SELECT *{trimmed_cols} FROM raw), "
        f"typed AS (SELECT *, {', '.join(parsed_cols)} FROM trimmed), "
        f"parsed AS (SELECT *, {summary} AS _summary, {bad} AS _bad FROM typed)"
    )
    out_cols = _output_columns(fmt, present, context, options, detection, params)
    select = f"WITH {stages} SELECT _summary, _bad, {', '.join(out_cols)} FROM parsed"
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
        if name in fmt.derived:
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
    # channel: chosen at import > the file's own column > the platform's usual channel
    params["channel"] = options.channel
    default_channel = " ".join(f"WHEN '{p}' THEN '{c}'" for p, c in model.DEFAULT_CHANNEL.items())
    platform_expr = fmt.derived.get("platform", "platform" if "platform" in declared else "$platform")
    file_channel = "channel" if "channel" in declared else "NULL"
    channel = f"coalesce($channel, {file_channel}, CASE {platform_expr} {default_channel} ELSE 'other' END)"
    # objective: chosen at import > the file's own column > the platform's objective column;
    # campaign-name rules fill what is still NULL after staging (_fill_objective).
    params["objective"] = options.objective
    file_objective = "objective" if "objective" in declared else "NULL"
    platform_objective = "NULL"
    if fmt.objective_field:
        mapped = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in model.PLATFORM_OBJECTIVES.items() if "'" not in k)
        platform_objective = f"CASE lower(trim({fmt.objective_field})) {mapped} END"
    objective = f"coalesce($objective, {file_objective}, {platform_objective})"
    replaced = []
    for item in out:
        if item.endswith('AS "channel"'):
            replaced.append(f'CAST({channel} AS VARCHAR) AS "channel"')
        elif item.endswith('AS "objective"'):
            replaced.append(f'CAST({objective} AS VARCHAR) AS "objective"')
        else:
            replaced.append(item)
    return replaced


def _fill_objective(con: Any, table: str) -> None:
    con.execute(
        f"""
        UPDATE {table} AS s SET objective = coalesce(m.objective, 'unassigned')
        FROM (
            SELECT c.campaign, arg_min(r.objective, r.position) AS objective
            FROM (SELECT DISTINCT campaign FROM {table} WHERE objective IS NULL) AS c
            LEFT JOIN objective_rules AS r ON contains(lower(c.campaign), lower(r.token))
            GROUP BY c.campaign
        ) AS m
        WHERE s.objective IS NULL AND s.campaign IS NOT DISTINCT FROM m.campaign
        """
    )
    con.execute(f"UPDATE {table} SET objective = 'unassigned' WHERE objective IS NULL")


def _drop_stages(con: Any, reports: list[ImportReport]) -> None:
    for report in reports:
        for part in report.parts:
            con.execute(f"DROP TABLE IF EXISTS {part.table}")


def _mark_duplicates(con: Any, reports: list[ImportReport]) -> None:
    for report in reports:
        row = con.execute(
            "SELECT import_id FROM imports WHERE content_hash = $h AND status = 'active' ORDER BY import_id LIMIT 1",
            {"h": report.content_hash},
        ).fetchone()
        if row:
            report.duplicate_of = int(row[0])


# -- loading ---------------------------------------------------------------------------------

_FACT_COLS = ", ".join(f'"{c.name}"' for c in model.FACT_COLUMNS if c.name != "import_id")
_RETENTION_COLS = ", ".join(f'"{c.name}"' for c in model.RETENTION_COLUMNS if c.name != "import_id")


def _load(tx: Any, report: ImportReport, options: Options) -> None:
    import_id = int(tx.execute("SELECT nextval('import_seq')").fetchone()[0])
    report.import_id = import_id
    targets = {p.target for p in report.parts}
    replaced_ids: set[int] = set()
    replaced = 0
    _merge_youtube_grains(tx, report)
    for part in report.parts:
        good = f"(SELECT rowid + 1 AS _row, * FROM {part.table} WHERE {_GOOD})"
        if part.target == "facts":
            victims = (
                f"facts.replaced_by IS NULL AND facts.import_id <> $id AND EXISTS "
                f"(SELECT 1 FROM {good} AS s WHERE {overlap_sql('facts', 's', 'facts')})"
            )
            insert = (
                f"INSERT INTO facts ({_FACT_COLS}, import_id, source_row) SELECT {_FACT_COLS}, $id, _row FROM {good}"
            )
            table = "facts"
        else:
            victims = (
                f"retention.replaced_by IS NULL AND retention.import_id <> $id AND EXISTS "
                f"(SELECT 1 FROM {good} AS s WHERE {overlap_sql('retention', 's', 'retention')})"
            )
            insert = f"INSERT INTO retention ({_RETENTION_COLS}, import_id) SELECT {_RETENTION_COLS}, $id FROM {good}"
            table = "retention"
        ids = tx.execute(f"SELECT DISTINCT import_id FROM {table} WHERE {victims}", {"id": import_id}).fetchall()
        replaced_ids.update(int(r[0]) for r in ids)
        replaced += int(
            tx.execute(f"UPDATE {table} SET replaced_by = $id WHERE {victims}", {"id": import_id}).fetchone()[0]
        )
        tx.execute(insert, {"id": import_id})
    inserted = " UNION ALL ".join(
        f"SELECT {_FACT_COLS} FROM {p.table} WHERE {_GOOD}" for p in report.parts if p.target == "facts"
    )
    refresh_rollup(tx, replaced_ids, new=(import_id, inserted) if inserted else None)
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
            in_table = f"EXISTS (SELECT 1 FROM {table.table} AS t WHERE NOT t._summary AND len(t._bad) = 0 AND {key})"
            cleared = ", ".join(f'"{m}" = NULL' for m in shared)
            tx.execute(f"UPDATE {chart.table} AS s SET {cleared} WHERE {_GOOD} AND {in_table}")
            left = " OR ".join(f's."{m}" IS NOT NULL' for m in chart_measures)
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
