"""Generated hostile files (hypothesis, derandomised) through the command line and the upload path.

Same harness and totals as test_hostile_inputs.py (tests/support/hostile.py): every input must be refused
with one line naming the file and nothing written, or loaded whole and undone
exactly. Random bytes, truncated and corrupted real exports, damaged ZIPs, and
CSVs in real and canonical layouts with mixed delimiters, five encodings,
absurd numbers, negative counts, rising quartiles, out-of-range dates and
SQL / HTML / formula payloads. Run with `-s` to see the totals.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.hostile import TOTALS, Harness, check
from vmdash import demo, model

# Left out of the fast loop: hundreds of generated and damaged files, each imported twice.
pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.csv"))

# Derandomised: the same inputs on every run and every machine, so a failure always reproduces.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Harness:
    h = Harness(tmp_path_factory.mktemp("fuzz") / "vmdash.duckdb")
    demo.load_samples(h.store)
    yield h
    h.store.close()
    print(f"\nhostile inputs so far: {TOTALS}")
    assert TOTALS["crashes"] == 0 and TOTALS["partial"] == 0, TOTALS


def _write(tmp_path_factory, name: str, data: bytes) -> Path:
    path = tmp_path_factory.mktemp("in") / name
    path.write_bytes(data)
    return path


HEADERS = [
    *model.DIMENSION_NAMES,
    *model.MEASURE_NAMES,
    "Montant dépensé (EUR)",
    "Impressions",
    "Vues",
    "Video played to 25%",
    "x",
    "",
    "'); DROP TABLE facts; --",
    "<script>alert(1)</script>",
    "=1+1",
]
ABSURD_NUMBERS = [
    "1e308",
    "-1e308",
    "1" + "0" * 30,
    "-" + "9" * 25,
    "-5",
    "-0",
    "NaN",
    "inf",
    "-Infinity",
    "0x1F",
    "1_000",
    "1.2.3",
    "45,2 %",
    "1\u202f234,5",
    "1,234.5",
    "12e",
    "--",
    "<5",
    "",
]
BAD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "99999-01-01",
    "31/02/2026",
    "2026-02-29",
    "2026-13-45",
    "3 mars 2026",
    "30 février 2026",
    "1970-01-01T00:00:00Z",
    "yesterday",
    "-2026-01-01",
]
PAYLOADS = [
    "'); DROP TABLE facts; --",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    '"',
    '""',
    "\u202e\u200b",
    "\r",
    "x" * 5000,
]
CELLS = st.one_of(
    st.sampled_from(ABSURD_NUMBERS + BAD_DATES + PAYLOADS),
    st.text(max_size=30),
    st.integers(min_value=-(10**32), max_value=10**32).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    """A CSV-ish file: random headers and cells, any delimiter (even mixed), any encoding, maybe cut."""
    delimiters = draw(st.lists(st.sampled_from([",", ";", "\t", "|"]), min_size=1, max_size=2))
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=12))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(headers) + 2), max_size=12))
    lines = [draw(st.sampled_from(delimiters)).join(r) for r in [headers, *rows]]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data, draw(st.sampled_from(["export.csv", "report.txt", "data.tsv", "sheet.xlsx", "archive.zip"]))


@FUZZ
@given(case=csv_files())
def test_generated_files(harness, tmp_path_factory, case):
    data, name = case
    check(harness, _write(tmp_path_factory, name, data))


CANONICAL_ROW = {
    "date": "2026-01-07",
    "platform": "youtube",
    "video_title": "Fuzzed",
    "campaign": "Fuzz",
    "impressions": "1000",
    "views": "400",
    "plays_p25": "300",
    "plays_p50": "200",
    "plays_p75": "100",
    "plays_p100": "50",
    "clicks": "12",
    "spend": "9.5",
}


@settings(FUZZ, max_examples=18)
@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from(sorted(CANONICAL_ROW)),
            st.sampled_from(ABSURD_NUMBERS + BAD_DATES + PAYLOADS) | st.integers(-(10**20), 10**20).map(str),
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_absurd_values_in_a_readable_layout(harness, tmp_path_factory, rows):
    """A well-formed canonical file whose values are absurd: negative counts, quartiles that rise, 1e308, year 0001."""
    columns = sorted(CANONICAL_ROW)
    lines = [",".join(columns)]
    for changes in rows:
        cells = {**CANONICAL_ROW, **changes}
        lines.append(",".join('"' + cells[c].replace('"', '""') + '"' for c in columns))
    check(harness, _write(tmp_path_factory, "absurd.csv", ("\n".join(lines) + "\n").encode()))


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".zip", ".txt", ".xls"]))
def test_random_bytes(harness, tmp_path_factory, data, suffix):
    check(harness, _write(tmp_path_factory, f"random{suffix}", data))


@settings(FUZZ, max_examples=40)
@given(
    index=st.integers(min_value=0, max_value=len(SAMPLE_FILES) - 1),
    share=st.floats(0, 1),
    flip=st.integers(0, 255),
)
def test_truncated_and_corrupted_real_exports(harness, tmp_path_factory, index, share, flip):
    source = SAMPLE_FILES[index]
    data = bytearray(source.read_bytes())
    cut = int(len(data) * share)
    if cut < len(data):
        data[cut] = flip  # one wrong byte where the file is cut
    check(harness, _write(tmp_path_factory, f"cut_{source.name}", bytes(data[: cut + 1])))


def _sample_zip(method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        z.writestr("Table data.csv", (SAMPLES / "youtube_table_data.csv").read_bytes())
        z.writestr("Chart data.csv", (SAMPLES / "youtube_chart_data.csv").read_bytes())
    return buffer.getvalue()


ZIPS = {method: _sample_zip(method) for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2)}


@settings(FUZZ, max_examples=40)
@given(
    method=st.sampled_from(sorted(ZIPS)),
    damage=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.none() | st.floats(0, 1),
)
def test_damaged_zip_archives(harness, tmp_path_factory, method, damage, cut):
    """A YouTube ZIP with bytes changed anywhere (headers, data, directory) and maybe cut short."""
    data = bytearray(ZIPS[method])
    for where, byte in damage:
        data[int(where * len(data))] = byte
    if cut is not None:
        data = data[: max(4, int(cut * len(data)))]
    check(harness, _write(tmp_path_factory, "YouTube 2026-01-01_2026-03-31 Lumière.zip", bytes(data)))
