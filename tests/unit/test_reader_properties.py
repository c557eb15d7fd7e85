"""Property: any row subset, any blanked measure cells, any Excel re-save of a fixture imports the same totals.

The totals are summed here from the raw file with the csv module, over the data rows kept
(summary rows are never data); the import must store exactly those sums.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmdash.ingest import Upload, import_files
from vmdash.store import Store

# Left out of the fast loop: many random blankings and resaves of every fixture, each imported.
pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
# file -> {header: (canonical measure, factor)}
SPECS: dict[str, dict[str, tuple[str, float]]] = {
    "tiktok_ads.csv": {"Impressions": ("impressions", 1), "Cost": ("spend", 1)},
    "meta_ads_manager.csv": {"Impressions": ("impressions", 1), "Amount spent (EUR)": ("spend", 1)},
    "youtube_table_data.csv": {
        "Views": ("views", 1),
        "Impressions": ("impressions", 1),
        "Watch time (hours)": ("watch_time_s", 3600),
    },
    "youtube_chart_data.csv": {"Views": ("views", 1)},
    "vimeo_videos.csv": {"Impressions": ("impressions", 1), "Views": ("views", 1)},
    "google_ads_video.csv": {"Impr.": ("impressions", 1), "Cost": ("spend", 1)},
}
_SUMMARY = re.compile(r"^\s*total\b", re.I)
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _table(name: str) -> tuple[list[list[str]], int]:
    """The file's CSV rows and the index of its header row."""
    rows = list(csv.reader(io.StringIO((SAMPLES / name).read_text(encoding="utf-8-sig"))))
    wanted = set(SPECS[name])
    header = next(i for i, row in enumerate(rows) if wanted <= set(row))
    return rows, header


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


@st.composite
def exports(draw):
    name = draw(st.sampled_from(sorted(SPECS)))
    rows, header = _table(name)
    columns = {h: rows[header].index(h) for h in SPECS[name]}
    data = [i for i in range(header + 1, len(rows)) if rows[i] and not _SUMMARY.match(rows[i][0])]
    kept = draw(st.lists(st.sampled_from(data), min_size=1, max_size=len(data), unique=True))
    kept_set = set(kept)
    blanks = draw(st.sets(st.tuples(st.sampled_from(sorted(kept_set)), st.sampled_from(sorted(columns)))))
    excel = draw(st.booleans())  # ';' and decimal comma, as Excel writes a French re-save
    bom, crlf = draw(st.booleans()), draw(st.booleans())
    cp1252 = draw(st.booleans())
    out = []
    for i, row in enumerate(rows):
        if i > header and i not in kept_set and not (row and _SUMMARY.match(row[0])):
            continue
        row = list(row)
        for h, c in columns.items():
            if (i, h) in blanks and c < len(row):
                row[c] = ""
        if excel and i > header:
            row = [_resaved(cell) for cell in row]
        out.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if crlf else "\n").writerows(out)
    text = buffer.getvalue()
    encoding = "cp1252" if cp1252 and _encodable(text) else "utf-8"
    data_bytes = ("\ufeff" if bom and encoding == "utf-8" else "") + text
    expected = {}
    for h, (measure, factor) in SPECS[name].items():
        values = [_number(rows[i][columns[h]]) for i in kept if (i, h) not in blanks and columns[h] < len(rows[i])]
        expected[measure] = sum(v * factor for v in values if v is not None)
    return name, data_bytes.encode(encoding), expected


def _resaved(cell: str) -> str:
    if _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    return cell.replace(".", ",") if _DECIMAL.match(cell) else cell


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exports())
def test_any_subset_blanking_and_resave_of_a_fixture_imports_the_same_totals(export):
    name, data, expected = export
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        store = Store(Path(tmp) / "vmdash.duckdb", idle_release_s=None)
        try:
            [report] = import_files(store, [Upload(path, name)])
            assert report.rows_rejected == 0, report.summary_line()
            for measure, total in expected.items():
                stored = store.scalar(f'SELECT coalesce(sum("{measure}"), 0) FROM facts')
                assert stored == pytest.approx(total, rel=1e-9, abs=1e-6), (measure, report.summary_line())
        finally:
            store.close()
