"""Plain numbers and dates are typed by DuckDB's CSV reader; the rows stored must not change.

Each file is imported twice into fresh databases: as vmdash does it, and with the reader told
to type nothing, so that every cell goes through the locale-aware text parse. Both must store
the same rows and report the same rejections and checks. Odd cells placed after the sampled
lines must either be read the same way by the reader or send the file back to the text parse.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = sorted((ROOT / "data" / "samples").glob("*.csv")) + sorted((ROOT / "tests" / "data" / "fr").iterdir())
META = ROOT / "data" / "samples" / "meta_ads_manager.csv"


def _import(tmp_path: Path, path: Path, label: str) -> tuple[list, list, tuple]:
    db = tmp_path / f"{label}.duckdb"
    store = Store(db, idle_release_s=None)
    try:
        [report] = import_files(store, [Upload(path, path.name)])
        facts = store.rows("SELECT * EXCLUDE (import_id) FROM facts ORDER BY ALL")
        retention = store.rows("SELECT * EXCLUDE (import_id) FROM retention ORDER BY ALL")
    finally:
        store.close()
    outcome = (
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
        [(p.summary_rows, p.rejections, p.flags) for p in report.parts],
    )
    return facts, retention, outcome


@pytest.fixture
def reads(monkeypatch):
    """Which column types each staging read asked the CSV reader for, in order."""
    calls: list[dict[int, str]] = []
    real = pipeline._staging_sql

    def spy(detection, part, context, options, reader_types, **read):
        calls.append(dict(reader_types))
        return real(detection, part, context, options, reader_types, **read)

    monkeypatch.setattr(pipeline, "_staging_sql", spy)
    return calls


def _both(tmp_path: Path, path: Path, monkeypatch) -> tuple[tuple, tuple]:
    typed = _import(tmp_path, path, "typed")
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_reader_types", lambda detection, lines: {})
        text = _import(tmp_path, path, "text")
    return typed, text


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_every_export_stores_the_same_rows_either_way(tmp_path, monkeypatch, reads, path):
    typed, text = _both(tmp_path, path, monkeypatch)
    assert typed == text


def test_plain_exports_are_typed_by_the_reader(tmp_path, monkeypatch, reads):
    _import(tmp_path, META, "meta")
    # Every number (Results included) and the end date (the start date is the first column, which stays text).
    assert len(reads) == 1 and len(reads[0]) == 15 and reads[0][1] == "DATE", reads


def _meta_with(tmp_path: Path, column: str, cell: str, at_row: int = 230) -> Path:
    """The Meta sample repeated past the sampled lines, with one cell replaced far down."""
    rows = list(csv.reader(io.StringIO(META.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    data = [list(body[i % len(body)]) for i in range(260)]
    for i, row in enumerate(data):
        row[4] = f"{row[4]}_{i}"  # distinct ads, so no row overlaps another
    data[at_row - 1][header.index(column)] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *data])
    path = tmp_path / "meta_odd.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


ODD_NUMBERS = [
    " 7 ",
    "7 ",
    "1e5",
    "+5",
    "-0",
    "1.0",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1_000",
    "0x10",
    "1,234",
    "12,5",
    "--",
    "<5",
    "n/a",
    "",
    "   ",
    "9999999999999999999999",
    "3.5%",
    "€12",
    "abc",
    "1.2.3",
]
ODD_DATES = [
    "2026-3-1",
    " 2026-03-01",
    "2026-03-01 10:00:00",
    "20260301",
    "03/01/2026",
    "1 mars 2026",
    "1899-12-31",
    "2999-01-01",
    "2026-02-30",
    "",
    "Total",
    "--",
]


@pytest.mark.slow
@pytest.mark.parametrize("cell", ODD_NUMBERS)
def test_an_odd_number_far_down_reads_as_the_text_parse_reads_it(tmp_path, monkeypatch, reads, cell):
    path = _meta_with(tmp_path, "Impressions", cell)
    typed, text = _both(tmp_path, path, monkeypatch)
    assert typed == text
    assert reads[0], "the sample is plain: the reader types the columns first"


@pytest.mark.slow
@pytest.mark.parametrize("cell", ODD_DATES)
def test_an_odd_date_far_down_reads_as_the_text_parse_reads_it(tmp_path, monkeypatch, reads, cell):
    path = _meta_with(tmp_path, "Reporting ends", cell)
    typed, text = _both(tmp_path, path, monkeypatch)
    assert typed == text


def test_totals_rows_do_not_send_the_file_to_the_text_parse(tmp_path, reads):
    # Google Ads ends with 'Total: Campaigns' and 'Total: Account' rows: the first column stays
    # text, so they are read as summary rows in the one typed read.
    _, _, outcome = _import(tmp_path, ROOT / "data" / "samples" / "google_ads_video.csv", "google")
    assert len(reads) == 1 and reads[0], reads
    assert outcome[3][0][0] == 2  # both totals rows skipped as summary rows


def test_a_cell_the_reader_refuses_sends_the_file_to_the_text_parse(tmp_path, monkeypatch, reads):
    _import(tmp_path, _meta_with(tmp_path, "Amount spent (EUR)", "1 234,50"), "odd")
    assert [bool(r) for r in reads] == [True, False]


def test_a_sample_with_decimal_commas_is_not_typed_there(tmp_path, reads):
    path = ROOT / "tests" / "data" / "fr" / "meta_ads_manager_fr.csv"
    _import(tmp_path, path, "fr")
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    spend = header.index("Montant dépensé (EUR)")
    assert len(reads) == 1 and spend not in reads[0], reads
