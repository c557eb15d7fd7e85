"""The CSV reader on shapes found in the wild: what loads, what is skipped, and which line a rejection names.

Every input is written here, small; totals are summed from the raw text with the csv module.
A refusal is one line naming the file, and leaves the database exactly as it was.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash.errors import ImportRejected, VmdashError
from vmdash.ingest import Upload, guard, import_files, preview
from vmdash.store import Store

# 'Subscribers gained', not 'Subscribers': the net figure is never read as a measure (issue 15, item 3).
YT_HEADER = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers gained,Impressions"
YT_ROWS = [
    "Total,,,,1500,60.5,12,40000",
    'aaaaaaaaaa1,First video,"Feb 2, 2026",493,1000,40.25,10,30000',
    'aaaaaaaaaa2,Zero-view short,"Feb 3, 2026",31,,,0,5000',
    'aaaaaaaaaa3,Second video,"Feb 4, 2026",120,500,20.25,2,5000',
    'aaaaaaaaaa4,Another zero-view short,"Feb 5, 2026",29,,,,201',
]
CANONICAL = "date,platform,video_title,campaign,impressions,views,clicks,spend"


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _import(store: Store, path: Path):
    [report] = import_files(store, [Upload(path, path.name)])
    return report


def _refused(store: Store, path: Path, *said: str) -> str:
    before = store_checks.fingerprint(store)
    with pytest.raises(ImportRejected) as caught:
        import_files(store, [Upload(path, path.name)])
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ") and "\n" not in message, message
    assert "Error" not in message and "/tmp" not in message and "c0" not in message, message
    for bit in said:
        assert bit in message, message
    assert store_checks.fingerprint(store) == before
    return message


def _sum(text: str, column: str, skip_first: bool = False, scale: float = 1.0) -> float:
    rows = list(csv.DictReader(io.StringIO(text)))
    rows = rows[1:] if skip_first else rows
    return sum(float(r[column]) * scale for r in rows if r.get(column) not in (None, ""))


# -- issue 15, item 1: blank measures are NULL, counted -------------------------------------------------


def test_youtube_rows_with_blank_views_load_with_null_there(store, tmp_path):
    text = "\n".join([YT_HEADER, *YT_ROWS]) + "\n"
    report = _import(store, _write(tmp_path, "Table data.csv", text))
    assert report.rows_loaded == 4 and report.rows_rejected == 0
    assert report.parts[0].summary_rows == 1
    assert report.null_cells() == {"views": 2, "watch_time_s": 2, "subscribers_gained": 1}
    assert store.scalar("SELECT sum(views) FROM facts") == _sum(text, "Views", skip_first=True) == 1500
    assert store.scalar("SELECT sum(impressions) FROM facts") == _sum(text, "Impressions", skip_first=True)
    assert store.scalar("SELECT sum(watch_time_s) FROM facts") == pytest.approx(
        _sum(text, "Watch time (hours)", skip_first=True, scale=3600)
    )
    assert store.scalar("SELECT count(*) FROM facts WHERE views IS NULL") == 2
    assert "cells read as NULL: " in report.summary_line()


# -- item 2: footers --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "footer",
    ["Showing top 500 results", '"Showing top 500 results"', "Showing top 500 results,,,,,,,", "Exported by a tool"],
)
def test_a_footer_after_the_rows_is_skipped_and_counted(store, tmp_path, footer):
    text = "\n".join([YT_HEADER, *YT_ROWS, footer]) + "\n"
    report = _import(store, _write(tmp_path, "Table data.csv", text))
    assert report.rows_loaded == 4 and report.rows_rejected == 0
    assert report.parts[0].trailer_rows == 1
    assert "1 trailer row(s) skipped" in report.summary_line()
    assert store.scalar("SELECT count(*) FROM facts WHERE video_id ILIKE '%show%' OR video_id ILIKE '%export%'") == 0


# -- item 8: no data ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ['"No data available."\n', "No data available.\n", "No data available.\n\n\n"])
def test_a_period_with_no_delivery_says_so(store, tmp_path, body):
    header = "Reporting starts,Reporting ends,Campaign name,Ad name,Amount spent (USD),Impressions,Link clicks"
    _refused(store, _write(tmp_path, "meta.csv", header + "\n" + body), "no data rows", "No data available.")


def test_a_header_only_file_says_it_holds_no_rows(store, tmp_path):
    _refused(store, _write(tmp_path, "header.csv", CANONICAL + "\n"), "no data rows (only its header)")


# -- item 10: RFC 4180 ----------------------------------------------------------------------------------------


def test_quoted_line_breaks_load_and_later_rejections_name_the_physical_line(store, tmp_path):
    lines = [
        CANONICAL,
        '2026-03-01,youtube,"An ad name\non two lines",C,100,10,1,2.5',  # lines 2-3
        "",  # line 4: blank, skipped silently
        ",,,,,,,",  # line 5: all empty, skipped silently
        '2026-03-02,youtube,"Three\nline\ntitle",C,200,20,2,3.5',  # lines 6-8
        "2026-03-03,youtube,Short row,C,300",  # line 9: too few fields
        "2026-03-04,youtube,Long row,C,400,40,4,4.5,extra",  # line 10: too many
        "31/02/2026,youtube,Bad date,C,500,50,5,5.5",  # line 11: an identity that is not a date
        "2026-03-05,youtube,Last,C,600,60,6,6.5",  # line 12
    ]
    path = _write(tmp_path, "rfc.csv", "\n".join(lines) + "\n")
    report, _ = preview(store, Upload(path, path.name))
    assert report.rows_loaded == 3 and report.rows_rejected == 3
    found = {r.line: r.reason for r in report.parts[0].rejections}
    assert set(found) == {9, 10, 11}, found
    assert "5 of the header's 8 fields" in found[9]
    assert "more fields" in found[10]
    assert "'date' is not a date" in found[11]
    _import(store, path)
    assert store.scalar("SELECT sum(impressions) FROM facts") == 100 + 200 + 600
    assert store.scalar("SELECT video_title FROM facts WHERE impressions = 200") == "Three\nline\ntitle"


def test_two_short_lines_are_two_rejected_rows_not_one_per_missing_cell(store, tmp_path):
    rows = [f"2026-03-{1 + i % 28:02d},youtube,Video {i},C,{100 + i},10,1,2.5" for i in range(300)]
    rows[100] = "2026-03-01,youtube,Cut"
    rows[200] = "2026-03-02"
    report = _import(store, _write(tmp_path, "short.csv", "\n".join([CANONICAL, *rows]) + "\n"))
    assert report.rows_rejected == 2 and report.rows_loaded == 298
    assert [r.line for r in report.parts[0].rejections] == [102, 202]


def test_rows_all_shorter_than_the_header_are_padded(store, tmp_path):
    # Meta: 27 fields under a 31-field header: the missing trailing cells are NULL.
    header = (
        "Campaign name,Ad name,Reporting starts,Reporting ends,Amount spent (USD),Impressions,Link clicks,"
        + ",".join(f"Extra {i}" for i in range(25))
    )
    width = header.count(",") + 1
    rows = [f"C,Ad {i},2026-03-01,2026-03-31,{10 + i}.5,{1000 + i},{i}" + "," * (width - 11) for i in range(20)]
    assert all(r.count(",") + 1 == width - 4 for r in rows)
    text = "\n".join([header, *rows, "C,Ad x,2026-03-01"]) + "\n"
    report = _import(store, _write(tmp_path, "meta_short.csv", text))
    assert report.rows_loaded == 20 and report.rows_rejected == 1
    assert store.scalar("SELECT sum(impressions) FROM facts") == sum(1000 + i for i in range(20))
    assert store.scalar("SELECT count(DISTINCT ad) FROM facts") == 20


def test_a_row_over_two_megabytes_names_its_own_line(store, tmp_path):
    rows = [f"2026-03-01,youtube,Video {i},C,{i + 1},1,1,1" for i in range(5)]
    rows[3] = "2026-03-01,youtube," + "x" * 2_200_000 + ",C,1,1,1,1"
    report, _ = preview(store, Upload(_write(tmp_path, "long.csv", "\n".join([CANONICAL, *rows]) + "\n"), "long.csv"))
    assert [r.line for r in report.parts[0].rejections] == [5]
    assert "longer than 2 MB" in report.parts[0].rejections[0].reason


def test_a_row_without_identity_is_rejected_but_blank_measures_are_not(store, tmp_path):
    text = "\n".join([CANONICAL, "2026-03-01,youtube,V,C,,,,", ",youtube,,,5,5,5,5", "2026-03-02,youtube,W,C,1,1,1,1"])
    report, _ = preview(store, Upload(_write(tmp_path, "ident.csv", text + "\n"), "ident.csv"))
    assert report.rows_loaded == 2 and report.rows_rejected == 1
    assert report.parts[0].rejections[0].line == 3
    assert "names no video, ad, campaign or date" in report.parts[0].rejections[0].reason


# -- issue 16, item 4: a quoted line break in a preamble --------------------------------------------------


def test_a_quoted_line_break_in_the_preamble_loses_no_row(store, tmp_path):
    lines = [
        '"Campaign report',
        'for the whole month"',
        '"March 1, 2026 - March 31, 2026"',
        "Day,Campaign,Impr.,Cost,Video played to 25%",
        *(f"2026-03-0{i},Camp {i},{100 * i},{i}.5,50%" for i in range(1, 6)),
    ]
    text = "\n".join(lines) + "\n"
    report = _import(store, _write(tmp_path, "gads.csv", text))
    assert report.rows_loaded == 5 and report.rows_rejected == 0
    assert store.scalar("SELECT sum(impressions) FROM facts") == sum(100 * i for i in range(1, 6))
    bad = text.replace("2026-03-03", "not a day")
    report, _ = preview(store, Upload(_write(tmp_path, "gads2.csv", bad), "gads2.csv"))
    assert [r.line for r in report.parts[0].rejections] == [7]


# -- item 5: repeated headers, rows and ZIP members -----------------------------------------------------------


def test_an_export_joined_with_itself_is_refused(store, tmp_path):
    body = "\n".join([YT_HEADER, *YT_ROWS]) + "\n"
    _refused(store, _write(tmp_path, "twice.csv", body + body), "header row comes again at line 7")
    _refused(store, _write(tmp_path, "twice_bom.csv", ("\ufeff" + body) * 2), "header row comes again at line 7")


def test_rows_repeated_within_one_file_are_refused(store, tmp_path):
    rows = [f"2026-03-0{i},youtube,V{i},C,{i}00,1,1,1" for i in range(1, 6)]
    text = "\n".join([CANONICAL, *rows, *rows]) + "\n"
    _refused(store, _write(tmp_path, "rows_twice.csv", text), "line 7 repeats line 2 exactly")
    # Rows with nothing to count (every measure blank or zero) may repeat: they change no total.
    zeros = "\n".join([CANONICAL, *rows, "2026-03-09,youtube,Z,C,0,0,,", "2026-03-09,youtube,Z,C,0,0,,"]) + "\n"
    assert _import(store, _write(tmp_path, "zeros.csv", zeros)).rows_loaded == 7


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return path


def test_two_zip_members_with_one_name_are_refused(store, tmp_path):
    data = ("\n".join([YT_HEADER, *YT_ROWS]) + "\n").encode()
    with pytest.warns(UserWarning):
        path = _zip(tmp_path / "dup.zip", [("Table data.csv", data), ("Table data.csv", data)])
    _refused(store, path, "two files named 'Table data.csv'")


def test_one_table_twice_in_a_zip_under_two_names_is_refused(store, tmp_path):
    data = ("\n".join([YT_HEADER, *YT_ROWS]) + "\n").encode()
    path = _zip(tmp_path / "copies.zip", [("Table data.csv", data), ("Table data (1).csv", data)])
    _refused(store, path, "'Table data.csv' and 'Table data (1).csv' hold the same table")


def test_zip_entries_that_overlap_one_member_are_refused(store, tmp_path):
    data = ("\n".join([YT_HEADER, *YT_ROWS]) + "\n").encode()
    path = _zip(tmp_path / "overlap.zip", [("a.csv", data), ("b.csv", data)])
    raw = bytearray(path.read_bytes())
    second = raw.find(b"PK\x01\x02", raw.find(b"PK\x01\x02") + 4)
    raw[second + 42 : second + 46] = struct.pack("<I", 0)  # the second entry points at the first member
    path.write_bytes(bytes(raw))
    _refused(store, path, "entries overlap")


# -- item 9: NUL bytes behind a BOM ---------------------------------------------------------------------------


def test_nul_bytes_after_a_utf8_bom_are_refused(store, tmp_path):
    text = "\ufeff" + CANONICAL + "\n2026-03-01,youtube,V\x00,C,1,1,1,1\n"
    _refused(store, _write(tmp_path, "nul.csv", text), "not a text export")
    with pytest.raises(VmdashError):
        guard.sniff_encoding(tmp_path / "nul.csv", "nul.csv")


# -- items 2, 3, 6: bounds, non-finite durations and overflowing sums -------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("Views", "5000000000000000000"),
        ("Watch time (hours)", "1e306"),
        ("Watch time (hours)", "inf"),
        ("Impressions", "nan"),
        ("Subscribers gained", "-1e300"),
    ],
)
def test_numbers_beyond_their_bounds_fail_their_row(store, tmp_path, header, cell):
    cells = dict(zip(YT_HEADER.split(","), next(csv.reader([YT_ROWS[1]])), strict=True))
    cells[header] = cell
    odd = ",".join(f'"{v}"' for v in cells.values())
    text = "\n".join([YT_HEADER, YT_ROWS[1], odd.replace("aaaaaaaaaa1", "aaaaaaaaaa9")]) + "\n"
    report, _ = preview(store, Upload(_write(tmp_path, "bounds.csv", text), "bounds.csv"))
    assert report.rows_loaded == 1 and report.rows_rejected == 1
    assert report.parts[0].rejections[0].line == 3
    assert f"'{header}' is beyond any plausible" in report.parts[0].rejections[0].reason


@pytest.mark.slow
@pytest.mark.parametrize("duration", ["nan:00", "inf:00", "1e308:00:00", ":".join(["59"] * 200), "-inf"])
def test_durations_that_are_not_durations_never_get_in(store, tmp_path, duration):
    header = "Video ID,Title,Duration,Impressions,Views,Finishes,Total time watched"
    text = f"{header}\n1,Good,0:01:00,10,5,1,1:00:00\n2,Odd,{duration},10,5,1,{duration}\n"
    _import(store, _write(tmp_path, "vimeo.csv", text))
    assert store.scalar("SELECT count(*) FROM facts WHERE NOT isfinite(watch_time_s)") == 0
    assert store.scalar("SELECT count(*) FROM facts WHERE NOT isfinite(video_duration_s)") == 0
    assert store.scalar("SELECT sum(watch_time_s) FROM facts") == 3600.0
    assert store_checks.rollup_agrees(store)


def test_sums_that_would_overflow_are_refused_at_import(store, tmp_path):
    rows = [f"2026-03-01,youtube,V{i},C,{10**15},1,1,1" for i in range(9300)]
    _refused(store, _write(tmp_path, "huge.csv", "\n".join([CANONICAL, *rows]) + "\n"), "'impressions' add up")
    two = "\n".join([CANONICAL, "2026-03-01,youtube,A,C,5e18,1,1,1", "2026-03-01,youtube,B,C,5e18,1,1,1"]) + "\n"
    _refused(store, _write(tmp_path, "two.csv", two), "beyond any plausible number")


# -- item 12: reader errors never leak ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "data",
    [
        b"date,platform,impressions\n",
        b"\n\n\r\n   \n",
        b"%PDF-1.4\nBT /F1 12 Tf (date,platform,impressions) Tj ET\n",
        b'date,platform,impressions\n"2026-03-01,youtube,5\n',
        b"date,platform,impressions\n\x01\x02,\x03\n",
    ],
    ids=["header_only", "blank_lines", "pdf_text", "open_quote", "control_bytes"],
)
def test_reader_errors_are_one_line_without_internals(store, tmp_path, data):
    _refused(store, _write(tmp_path, "odd.csv", data))
