"""Checks that run before a byte is parsed: size, emptiness, ZIP safety, encoding, XLSX.

Everything here works on files on disk and turns each input into one or more
UTF-8 text files that DuckDB can read, refusing what is unsafe or unreadable.
"""

from __future__ import annotations

import codecs
import datetime as dt
import lzma
import os
import re
import stat
import zipfile
import zlib
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vmdash.errors import ImportRejected
from vmdash.ingest import unwrap
from vmdash.ingest.sheets import sheet_to_csv as _sheet_to_csv

MB = 1024 * 1024


def max_file_bytes() -> int:
    """The size cap for one file (and one ZIP's expanded content): `$VMDASH_MAX_FILE_MB`, default 1536."""
    return int(float(os.environ.get("VMDASH_MAX_FILE_MB", "1536")) * MB)


MAX_ZIP_MEMBERS = 200
MAX_ZIP_RATIO = 100  # a zip bomb expands thousands of times; real exports compress ~5-20x
SAMPLE_BYTES = 256 * 1024
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class Part:
    """One readable table inside an uploaded file: a CSV, a sheet, or a ZIP member."""

    path: Path  # UTF-8 text on disk
    display_name: str  # what a person calls it: 'export.zip › Table data.csv'
    encoding: str
    context: dict[str, str] = field(default_factory=dict)  # e.g. title / dates from a ZIP name


def check_size(path: Path, name: str) -> int:
    """Refuse empty files and files over the cap before reading them."""
    size = path.stat().st_size
    if size == 0:
        raise ImportRejected(name, "the file is empty")
    cap = max_file_bytes()
    if size > cap:
        raise ImportRejected(
            name, f"the file is {size / MB:,.0f} MB, over the {cap / MB:,.0f} MB limit; split the export by date range"
        )
    return size


def expand(path: Path, name: str, workdir: Path) -> list[Part]:
    """Turn an uploaded file into the text tables it holds, refusing unsafe or unreadable ones."""
    check_size(path, name)
    with path.open("rb") as fh:
        head = fh.read(8)
    lower = name.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if lower.endswith(SHEET_SUFFIXES) or _is_xlsx(path):
            return [_sheet_to_csv(path, name, workdir)]
        return _unzip(path, name, workdir)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return [_sheet_to_csv(path, name, workdir)]
    return [_as_utf8(path, name, workdir, context_from_name(name))]


# Meta Business Suite names its downloads after the period: 'May-25-2026_Jun-21-2026_<account id>.csv'.
_MONTH_DAY_YEAR = r"([A-Za-z]{3})-(\d{1,2})-(\d{4})"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def context_from_name(name: str) -> dict[str, str]:
    """Facts a platform only puts in the file name: a date range and, for retention, the title."""
    stem = PurePosixPath(name).name
    stem = re.sub(r"\.(zip|csv|xlsx)$", "", stem, flags=re.I)
    context: dict[str, str] = {}
    m = re.search(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\s*(.*)$", stem)
    if m:
        context["date"], context["date_end"] = m.group(1), m.group(2)
        title = m.group(3).strip()
        if title:
            context["video_title"] = title
    else:
        m = re.search(rf"(?:^|[^A-Za-z]){_MONTH_DAY_YEAR}_{_MONTH_DAY_YEAR}(?:$|[^0-9])", stem)
        if m and m.group(1).lower() in _MONTHS and m.group(4).lower() in _MONTHS:
            for key, (mon, day, year) in (("date", m.group(1, 2, 3)), ("date_end", m.group(4, 5, 6))):
                context[key] = f"{year}-{_MONTHS.index(mon.lower()) + 1:02d}-{int(day):02d}"
    for value in (context.get("date"), context.get("date_end")):
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                context.pop("date", None)
                context.pop("date_end", None)
    return context


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "[Content_Types].xml" in zf.namelist() and any(n.startswith("xl/") for n in zf.namelist())
    except zipfile.BadZipFile:
        return False


def _unzip(path: Path, name: str, workdir: Path) -> list[Part]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportRejected(name, "the ZIP archive is damaged and cannot be opened") from None
    with zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ImportRejected(name, f"the ZIP holds {len(members)} files, more than the {MAX_ZIP_MEMBERS} allowed")
        _check_members(zf, members, name)
        total = 0
        for info in members:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.is_absolute() or ".." in member.parts or re.match(r"^[a-zA-Z]:", info.filename):
                raise ImportRejected(name, f"the ZIP member {info.filename!r} points outside the archive; refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImportRejected(name, f"the ZIP member {info.filename!r} is a link; refused")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_ZIP_RATIO and info.file_size > MB:
                raise ImportRejected(
                    name, f"the ZIP member {info.filename!r} expands {ratio:,.0f} times (a zip bomb?); refused"
                )
        if total > max_file_bytes():
            raise ImportRejected(
                name, f"the ZIP expands to {total / MB:,.0f} MB, over the {max_file_bytes() / MB:,.0f} MB limit"
            )
        tables = [
            i
            for i in members
            if i.filename.lower().endswith(TEXT_SUFFIXES + SHEET_SUFFIXES)
            and not PurePosixPath(i.filename).name.startswith((".", "__MACOSX"))
            and "__MACOSX" not in i.filename
        ]
        if not tables:
            raise ImportRejected(name, "the ZIP holds no CSV or Excel file")
        zip_context = context_from_name(name)
        parts: list[Part] = []
        for n, info in enumerate(tables):
            target = workdir / f"member_{n}{PurePosixPath(info.filename).suffix.lower()}"
            _extract(zf, info, target, name)
            display = f"{name} › {PurePosixPath(info.filename).name}"
            member_name = PurePosixPath(info.filename).name
            context = {**zip_context, "member": member_name}
            if target.suffix in SHEET_SUFFIXES:
                parts.append(_sheet_to_csv(target, display, workdir, context))
            else:
                parts.append(_as_utf8(target, display, workdir, context))
        return parts


def _check_members(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse two members with one name and central-directory entries that share bytes.

    Python 3.11's zipfile reads overlapping entries without complaint: 150 entries pointing
    at one member would load its rows 150 times.
    """
    seen: set[str] = set()
    for info in members:
        key = info.filename.replace("\\", "/").lower()
        if key in seen:
            raise ImportRejected(name, f"the ZIP holds two files named {info.filename!r}; refused")
        seen.add(key)
    end = -1
    for info in sorted(zf.infolist(), key=lambda i: i.header_offset):
        if info.header_offset < end:
            raise ImportRejected(name, "the ZIP's entries overlap (two of them share the same bytes); refused")
        # A local header (at least 30 bytes) then the data: the least room a member takes.
        end = info.header_offset + 30 + info.compress_size


# What zipfile raises for a member it cannot give back: a bad checksum or deflate stream
# (BadZipFile, zlib.error, LZMAError), a cut archive (EOFError), a password (RuntimeError),
# an unknown compression method (NotImplementedError).
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, RuntimeError, NotImplementedError, OSError)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str) -> None:
    written = 0
    try:
        with zf.open(info) as src, target.open("wb") as dst:
            # Count what really comes out: a forged header cannot hide a bomb.
            while chunk := src.read(MB):
                written += len(chunk)
                if written > info.file_size or written > max_file_bytes():
                    raise ImportRejected(name, f"the ZIP member {info.filename!r} is larger than it declares; refused")
                dst.write(chunk)
    except ImportRejected:
        raise
    except _MEMBER_ERRORS as exc:
        if info.flag_bits & 0x1:
            why = "is protected by a password"
        elif isinstance(exc, NotImplementedError):
            why = "uses a compression method vmdash cannot read"
        else:
            why = "is damaged (its content does not match its checksum)"
        raise ImportRejected(
            name, f"the ZIP member {info.filename!r} {why}; download the export again or unzip it and upload the CSV"
        ) from None


def sniff_encoding(path: Path, name: str) -> str:
    """The file's text encoding from its BOM and its first bytes; refuse binary content."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        if b"\x00" in head:
            raise ImportRejected(name, "this is not a text export (it holds binary data)")
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[1:200:2].count(0) > 40 and head[0:200:2].count(0) == 0:
        return "utf-16-le"
    if head[0:200:2].count(0) > 40 and head[1:200:2].count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        raise ImportRejected(name, "this is not a text export (it holds binary data)")
    # Cut at the last newline so a multi-byte character is never split by the sample.
    cut = head[: head.rfind(b"\n") + 1] or head
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Japanese UIs export Shift_JIS (CP932); kana can only come out of real Japanese text.
    with suppress(UnicodeDecodeError):
        if re.search("[\u3040-\u30ff]", cut.decode("cp932")):
            return "cp932"
    try:
        text = cut.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRejected(name, "the file's text encoding is broken (neither UTF-8 nor Windows-1252)") from None
    if sum(ch.isprintable() or ch in "\r\n\t" for ch in text) < 0.95 * len(text):
        raise ImportRejected(name, "this is not a text export (it holds binary data)")
    return "cp1252"


_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
    "cp932": "Shift_JIS",
}


def _as_utf8(path: Path, name: str, workdir: Path, context: dict[str, str]) -> Part:
    encoding = sniff_encoding(path, name)
    label = _ENCODING_LABELS[encoding]
    if encoding in ("utf-8", "utf-8-sig"):
        _check_last_line(path, name)
        # DuckDB reads UTF-8 (and skips its BOM) directly: no copy of a large file.
        path = _one_newline(path, workdir)
        return Part(unwrap.unwrapped(path, workdir) or path, name, label, context)
    target = workdir / f"{path.stem}_utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(MB):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            name, f"the file's text encoding is broken ({label} expected, bad byte at offset {exc.start})"
        ) from None
    target = _one_newline(target, workdir)
    return Part(unwrap.unwrapped(target, workdir) or target, name, label, context)


def _one_newline(path: Path, workdir: Path) -> Path:
    """The file with every CRLF as LF when its first megabyte mixes the two, else the file itself.

    DuckDB settles on one line ending from its sample, and a file ending its rows in '\r\n\n'
    (a tab export re-saved by a script) then fails its parser's state machine. Lines keep their numbers.
    """
    with path.open("rb") as fh:
        head = fh.read(MB)
    crlf = head.count(b"\r\n")
    if not crlf or crlf == head.count(b"\n"):
        return path
    target = workdir / f"{path.stem}_lf.csv"
    with path.open("rb") as src, target.open("wb") as dst:
        carry = b""
        while chunk := src.read(MB):
            chunk = carry + chunk
            # A '\r' closing the chunk may open the next chunk's '\r\n'.
            carry = b"\r" if chunk.endswith(b"\r") else b""
            dst.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n"))
        dst.write(carry)
    return target


def _check_last_line(path: Path, name: str) -> None:
    """Refuse a UTF-8 file whose unterminated last line is not UTF-8: a download cut mid-character.

    DuckDB 1.5 fails on such a line with an internal error that invalidates the whole
    database instance (every later query in the process fails), so it must never reach it.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 2 * MB))
        tail = fh.read()
    if tail.endswith(b"\n"):
        return
    last = tail[tail.rfind(b"\n") + 1 :]
    try:
        last.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRejected(
            name, "the file ends in the middle of a character, so it looks cut short; download the export again"
        ) from None


def head_lines(path: Path, limit: int = 250) -> list[str]:
    """The first lines of a UTF-8 file, for detection (reads at most 2 MB)."""
    with path.open("rb") as fh:
        data = fh.read(2 * MB)
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    if len(data) == 2 * MB and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut in the middle
    return [line.rstrip("\r") for line in lines[:limit]]
