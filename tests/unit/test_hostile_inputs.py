"""Hostile files through the command line and the upload path: a clear message, never a crash or half an import.

Generated inputs (hypothesis, fixed seed) and hand-made ones go through both
`python -m vmdash import` (in-process `cli.main`, plus real processes for the
largest cases) and `import_files` / `preview` (what the Upload page calls). For
each: a refusal must be a one-line message naming the file and leave every
table exactly as it was; an acceptance must load the whole import and nothing
else, and its undo must restore the facts exactly. Totals are printed at the end
(`pytest -s`): inputs tried, crashes, partial imports.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from vmdash import cli, demo, model
from vmdash.errors import VmdashError
from vmdash.ingest import Upload, import_files, preview, undo
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
TOTALS = {"inputs": 0, "refused": 0, "accepted": 0, "crashes": 0, "partial": 0}
DATA_TABLES = ("facts", "retention")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    s.close()
    yield path
    print(f"\nhostile inputs: {TOTALS}")


def _fingerprint(db: Path) -> dict:
    s = Store(db, idle_release_s=None)
    try:
        return s.fingerprint()
    finally:
        s.close()


def _data(fingerprint: dict) -> dict:
    return {t: fingerprint[t] for t in DATA_TABLES}


def _cli_import(db: Path, path: Path) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db)])
    return code, err.getvalue() + out.getvalue()


def check(db: Path, path: Path, name: str | None = None) -> str:
    """Run one file through both paths; returns 'refused' or 'accepted'. Any other outcome fails."""
    name = name or path.name
    TOTALS["inputs"] += 1
    before = _fingerprint(db)
    try:
        code, said = _cli_import(db, path)
    except BaseException as exc:  # a traceback would reach the user
        TOTALS["crashes"] += 1
        raise AssertionError(f"{name}: the command line crashed: {exc!r}") from exc
    after = _fingerprint(db)
    if code != 0:
        assert code == 1, said
        lines = [line for line in said.strip().splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("error: "), said
        assert "Traceback" not in said
        assert path.name[:40] in said or name[:40] in said, f"the message must name the file: {said}"
        if after != before:
            TOTALS["partial"] += 1
        assert after == before, f"{name}: a refused import changed the database"
        outcome = "refused"
    else:
        outcome = "accepted"
        _accepted_whole(db, before, after, name)

    # The upload path: preview (writes nothing) then import, as the Upload page does.
    s = Store(db, idle_release_s=None)
    try:
        try:
            preview(s, Upload(path, name))
            reports = import_files(s, [Upload(path, name)])
        except VmdashError as exc:
            text = str(exc)
            assert "Traceback" not in text and name[:40] in text, text
            assert outcome == "refused", f"{name}: the command line took what the upload refused: {text}"
        except Exception as exc:
            TOTALS["crashes"] += 1
            raise AssertionError(f"{name}: the upload path crashed: {exc!r}") from exc
        else:
            assert outcome == "accepted", f"{name}: the upload took what the command line refused"
            assert len(reports) == 1
    finally:
        s.close()
    if outcome == "accepted":
        # The command line's import was undone above, so the upload loaded it afresh.
        _accepted_whole(db, before, _fingerprint(db), name)
    else:
        assert _fingerprint(db) == before
    TOTALS[outcome] += 1
    return outcome


def _accepted_whole(db: Path, before: dict, after: dict, name: str) -> None:
    if after["imports"][0] == before["imports"][0]:
        # The very file already loaded: reported as a duplicate, nothing written.
        assert after == before, f"{name}: a duplicate changed the database"
        return
    s = Store(db, idle_release_s=None)
    try:
        import_id, loaded = s.rows("SELECT import_id, rows_loaded FROM imports ORDER BY import_id DESC LIMIT 1")[0]
        stored = s.scalar(
            "SELECT (SELECT count(*) FROM facts WHERE import_id = $id) + "
            "(SELECT count(*) FROM retention WHERE import_id = $id)",
            {"id": import_id},
        )
        if stored != loaded:
            TOTALS["partial"] += 1
        assert stored == loaded, f"{name}: import #{import_id} says {loaded} rows, stored {stored}"
        undo(s, import_id)
    finally:
        s.close()
    assert _data(_fingerprint(db)) == _data(before), f"{name}: undo did not restore the data"


# -- generated ---------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=70,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = [*model.DIMENSION_NAMES, *model.MEASURE_NAMES, "Montant dépensé (EUR)", "Impressions", "Vues", "x", ""]
CELLS = st.one_of(
    st.sampled_from(
        [
            "1e308",
            "-5",
            "1000000000000000000000000000000",
            "NaN",
            "inf",
            "0001-01-01",
            "9999-12-31",
            "31/02/2026",
            "2026-13-45",
            "45,2 %",
            "1 234,5",
            '=HYPERLINK("http://x")',
            "+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "'); DROP TABLE facts; --",
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[click](javascript:alert(1))",
            '"',
            "",
            "\u202e\u0000",
        ]
    ),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=12))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(headers) + 2), max_size=12))
    text = "\n".join(delimiter.join(r) for r in [headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:cut]
    return data, draw(st.sampled_from(["export.csv", "report.txt", "data.tsv"]))


@seed(20261125)
@FUZZ
@given(case=csv_files())
def test_generated_csv_files(db, tmp_path_factory, case):
    data, name = case
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    check(db, path)


@seed(20261126)
@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".zip", ".txt"]))
def test_random_bytes(db, tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"random{suffix}"
    path.write_bytes(data)
    check(db, path)


SAMPLE_FILES = sorted(SAMPLES.glob("*.csv"))


@seed(20261127)
@settings(FUZZ, max_examples=60)
@given(index=st.integers(min_value=0, max_value=len(SAMPLE_FILES) - 1), share=st.floats(0, 1), flip=st.integers(0, 255))
def test_truncated_and_corrupted_real_exports(db, tmp_path_factory, index, share, flip):
    source = SAMPLE_FILES[index]
    data = bytearray(source.read_bytes())
    cut = int(len(data) * share)
    if cut < len(data):
        data[cut] = flip  # one wrong byte where the file is cut
    path = tmp_path_factory.mktemp("cut") / f"cut_{source.name}"
    path.write_bytes(bytes(data[: cut + 1]))
    check(db, path)


# -- hand-made ---------------------------------------------------------------------------------


def test_empty_and_header_only_files_are_refused(db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header_only.csv"
    header.write_text("date,platform,impressions,views\n", encoding="utf-8")
    assert check(db, empty) == "refused"
    assert check(db, header) == "refused"


def test_ten_thousand_columns_and_a_one_megabyte_cell(db, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n")
    assert check(db, wide) == "refused"
    big_cell = tmp_path / "big_cell.csv"
    big_cell.write_text(f"date,platform,video_title,impressions\n2026-01-01,youtube,{'x' * 1_048_576},10\n")
    check(db, big_cell)


def test_sql_and_html_in_headers_and_titles_are_stored_verbatim_or_refused(db, tmp_path):
    title = "'); DROP TABLE facts; -- <script>alert(1)</script>"
    titled = tmp_path / "titles.csv"
    titled.write_text(f'date,platform,video_title,impressions\n2026-01-02,youtube,"{title}",10\n', encoding="utf-8")
    assert check(db, titled) == "accepted"
    headers = tmp_path / "sql_headers.csv"
    headers.write_text('"x""); DROP TABLE facts; --",<b>views</b>\n1,2\n', encoding="utf-8")
    assert check(db, headers) == "refused"


def test_zip_bomb_and_unsafe_members_are_refused(db, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("table.csv", b"date,platform,impressions\n" + b"0" * 50_000_000)
    assert check(db, bomb) == "refused"
    for member in ("../escape.csv", "/etc/evil.csv", "a/../../up.csv"):
        unsafe = tmp_path / f"unsafe_{abs(hash(member))}.zip"
        with zipfile.ZipFile(unsafe, "w") as z:
            z.writestr(member, (SAMPLES / "tiktok_ads.csv").read_bytes())
        assert check(db, unsafe) == "refused"
        assert not (tmp_path.parent / "escape.csv").exists()


def test_a_two_gigabyte_upload_is_refused_before_parsing(db, tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.write(b"date,platform,impressions\n")
        fh.truncate(2 * 1024**3)  # sparse: no disk written
    assert check(db, huge) == "refused"
    # A real process too: refused with one line, in seconds, without reading 2 GB.
    done = subprocess.run(
        [sys.executable, "-m", "vmdash", "import", str(huge), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert done.returncode == 1
    assert "huge.csv" in done.stderr and "Traceback" not in done.stderr


def test_quartiles_that_increase_and_views_above_impressions_are_flagged_not_fixed(db, tmp_path):
    odd = tmp_path / "impossible.csv"
    odd.write_text(
        "date,platform,video_title,impressions,views,clicks,spend,plays_p25,plays_p50\n"
        "2026-01-03,youtube,Odd,100,500,900,-3,10,80\n",
        encoding="utf-8",
    )
    s = Store(db, idle_release_s=None)
    try:
        report, _ = preview(s, Upload(odd, odd.name))
    finally:
        s.close()
    flagged = " ".join(f.check for part in report.parts for f in part.flags)
    assert flagged, "impossible numbers must be flagged in the preview"
    assert check(db, odd) == "accepted"  # flagged, kept as exported, not silently fixed
