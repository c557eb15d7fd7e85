"""Exports from the review rehearsal: shapes nobody had built against, each with its raw-file totals.

Each fixture in tests/data/rehearsal (see its README.md) goes through `python -m vmdash import`
into a real DuckDB file; the totals are summed here from the raw file with the csv module, and
re-importing the file changes nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support import store_checks
from vmdash import cli
from vmdash.ingest import detect, pipeline
from vmdash.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "rehearsal"


def cli_import(db: Path, path: Path, *extra: str) -> tuple[int, str]:
    """`python -m vmdash import PATH` in this process: exit code and everything it printed."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db), *extra])
    return code, err.getvalue() + out.getvalue()


def rows_of(name: str, delimiter: str = ",", header_line: int = 0) -> list[dict[str, str]]:
    """The data rows of a fixture, read with the csv module; blank lines and total rows dropped."""
    text = (DATA / name).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter=delimiter))[header_line:]
    header = rows[0]
    data = [dict(zip(header, row, strict=True)) for row in rows[1:] if any(c.strip() for c in row)]
    return [r for r in data if not r[header[0]].lower().startswith("total")]


def value(cell: str, decimal_comma: bool) -> float | None:
    """A cell as a number: None for blank or unknown markers."""
    cell = cell.replace("%", "").strip()
    if cell in ("", "--", "undefined"):
        return None
    if decimal_comma:
        return float(cell.replace(".", "").replace(",", "."))
    return float(cell.replace(",", ""))


def total(rows: list[dict[str, str]], column: str, decimal_comma: bool = False, scale: float = 1.0) -> float:
    """The column's sum over the rows whose cell holds a number."""
    return round(sum(v for r in rows if (v := value(r[column], decimal_comma)) is not None) * scale, 6)


def _tiktok_content():
    rows = rows_of("tiktok_content_blank_title.csv")
    totals = {"views": total(rows, "Total views"), "likes": total(rows, "Total likes")}
    return len(rows), {**totals, "comments": total(rows, "Total comments")}


def _traffic_source():
    rows = rows_of("youtube_traffic_source_alone.csv")
    return len(rows), {
        "views": total(rows, "Views"),
        "impressions": total(rows, "Impressions"),
        "watch_time_s": total(rows, "Watch time (hours)", scale=3600),
    }


def _google_pt():
    rows = rows_of("google_ads_pt_dot_thousands.csv", header_line=2)
    return len(rows), {
        "impressions": total(rows, "Impr.", decimal_comma=True),
        "spend": total(rows, "Custo", decimal_comma=True),
        "conversions": total(rows, "Conversões", decimal_comma=True),
    }


def _youtube_eu():
    rows = rows_of("youtube_table_excel_eu.csv", delimiter=";")
    return len(rows), {
        "views": total(rows, "Views", decimal_comma=True),
        "impressions": total(rows, "Impressions", decimal_comma=True),
        "watch_time_s": total(rows, "Watch time (hours)", decimal_comma=True, scale=3600),
    }


def _tiktok_cost_currency():
    rows = rows_of("tiktok_ads_cost_currency.csv")
    return len(rows), {
        "spend": total(rows, "Cost (USD)"),
        "impressions": total(rows, "Impressions"),
        "video_starts": total(rows, "Video views"),
        "views_3s": total(rows, "2-second video views"),
    }


def _tiktok_mixed_newlines():
    rows = rows_of("tiktok_business_overview_mixed_newlines.csv", delimiter="\t")
    return len(rows), {"views": total(rows, "Video views"), "reach": total(rows, "Reached audience")}


def _meta_posts_by_day():
    rows = [r for r in rows_of("Apr-01-2026_Apr-30-2026_17841400000000001.csv") if r["Post type"] != "IG image"]
    return len(rows), {"views": total(rows, "Views"), "reach": total(rows, "Reach"), "likes": total(rows, "Likes")}


def _tiktok_undefined():
    rows = rows_of("tiktok_ads_undefined.csv")
    return len(rows), {
        "spend": total(rows, "Cost"),
        "clicks": total(rows, "Clicks (destination)"),
        "views_3s": total(rows, "2-second video views"),
        "plays_p25": total(rows, "Video views at 25%"),
    }


CASES = {
    "tiktok_ads_undefined.csv": _tiktok_undefined,
    "tiktok_content_blank_title.csv": _tiktok_content,
    "youtube_traffic_source_alone.csv": _traffic_source,
    "google_ads_pt_dot_thousands.csv": _google_pt,
    "youtube_table_excel_eu.csv": _youtube_eu,
    "tiktok_ads_cost_currency.csv": _tiktok_cost_currency,
    "tiktok_business_overview_mixed_newlines.csv": _tiktok_mixed_newlines,
    "Apr-01-2026_Apr-30-2026_17841400000000001.csv": _meta_posts_by_day,
}


def _loaded(db: Path, columns: list[str]) -> tuple[int, dict[str, float]]:
    store = Store(db, idle_release_s=None)
    try:
        select = ", ".join(f"sum({c})" for c in columns)
        row = store.rows(f"SELECT count(*), {select} FROM active_facts")[0]
        return row[0], {c: round(float(v), 6) for c, v in zip(columns, row[1:], strict=True)}
    finally:
        store.close()


def _fingerprint(db: Path) -> dict:
    store = Store(db, idle_release_s=None)
    try:
        return store_checks.fingerprint(store)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_rehearsal_export_imports_with_the_raw_files_totals(tmp_path, name):
    count, want = CASES[name]()
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, DATA / name)
    assert code == 0, said
    assert "rejected" not in said, said
    assert _loaded(db, sorted(want)) == (count, want)
    before = _fingerprint(db)
    code, said = cli_import(db, DATA / name)
    assert code == 0 and "already imported" in said, said
    assert _fingerprint(db) == before


def test_post_rows_keep_their_own_day_and_lifetime_rows_the_file_names_period(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    dated = DATA / "Apr-01-2026_Apr-30-2026_17841400000000001.csv"
    lifetime = tmp_path / "Apr-01-2026_Apr-30-2026_17841400000000002.csv"
    text = dated.read_text(encoding="utf-8-sig")
    lifetime.write_text(
        text.replace("17841400000000001,acct", "17841400000000002,acct")
        .replace(",04/02/2026,", ",Lifetime,")
        .replace(",04/05/2026,", ",Lifetime,")
        .replace("18000000000000", "19000000000000"),
        encoding="utf-8",
    )
    for path in (dated, lifetime):
        code, said = cli_import(db, path)
        assert code == 0 and "rejected" not in said, said
    store = Store(db, idle_release_s=None)
    try:
        spans = store.rows("SELECT left(video_id, 2), date, date_end FROM active_facts ORDER BY 1, 2")
    finally:
        store.close()
    april = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert spans == [
        ("18", dt.date(2026, 4, 2), dt.date(2026, 4, 2)),
        ("18", dt.date(2026, 4, 5), dt.date(2026, 4, 5)),
        ("19", *april),
        ("19", *april),
    ]


@pytest.mark.parametrize(
    ("cells", "want"),
    [
        (["1.000", "2.500.000", "7"], 2501007),  # dot thousands in a decimal-comma file
        (["1 204", "300"], 1504),  # narrow no-break space thousands
    ],
)
def test_counts_in_a_decimal_comma_file_read_dot_thousands(tmp_path, cells, want):
    path = tmp_path / "Tabellendaten.csv"
    lines = ["Content;Video title;Views;Watch time (hours)"]
    lines += [f"vid{n:08d};T{n};{cell};1,5" for n, cell in enumerate(cells)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, path)
    assert code == 0, said
    assert _loaded(db, ["views"]) == (len(cells), {"views": float(want)})


def test_tiktok_undefined_cells_are_null_not_zero(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, DATA / "tiktok_ads_undefined.csv")
    assert code == 0 and "rejected" not in said and "cells read as NULL: " in said, said
    store = Store(db, idle_release_s=None)
    try:
        rows = store.rows("SELECT clicks, views_3s, watch_time_s FROM active_facts ORDER BY date")
    finally:
        store.close()
    assert rows == [(10, 300, 500 * 3.2), (None, None, None)]


def test_account_series_say_they_overlap_per_video_exports(tmp_path):
    path = tmp_path / "Overview 2026-03-01_2026-03-02.csv"
    path.write_text("Date,Video Views,Profile Views,Likes,Comments,Shares\nMarch 1,10,1,1,0,0\nMarch 2,20,1,2,0,0\n")
    code, said = cli_import(tmp_path / "vmdash.duckdb", path)
    assert code == 0 and "account totals, not per video" in said, said
    assert len(said.strip().splitlines()) == 1


def test_an_excel_file_with_crlf_rows_and_a_line_break_inside_a_title_keeps_every_row(tmp_path):
    path = tmp_path / "Table data.csv"
    body = 'Content,Video title,Views\r\nvid00000001,"two\nlines",10\r\nvid00000002,plain,20\r\n\nvid00000003,x,30\r\n'
    path.write_bytes(body.encode("utf-8"))
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, path)
    assert code == 0 and "rejected" not in said, said
    assert _loaded(db, ["views"]) == (3, {"views": 60.0})


def test_the_upload_preview_says_an_account_series_overlaps_per_video_exports():
    from vmdash.ui import upload

    fmt = next(f for f in detect.FORMATS if f.account)
    part = SimpleNamespace(
        detection=SimpleNamespace(format=fmt, locale="en"),
        part=SimpleNamespace(display_name="Overview.csv"),
        summary_rows=0,
        trailer_rows=0,
        loadable=3,
        rejected=0,
        left_out="",
    )
    assert pipeline.ACCOUNT_NOTE in upload._part_caption(part)
