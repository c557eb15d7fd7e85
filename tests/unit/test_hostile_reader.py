"""Generated hostile inputs for the CSV reader: every one loads whole or is refused in one clean line.

Each input is built here from a seed (small files on tmp_path) and imported through
`import_files` against a real DuckDB file holding the sample exports. Whatever happens:
no exception but a VmdashError, a refusal is one line naming the file with no path, no
DuckDB or Python error text, and leaves the database as it was; an acceptance stores
exactly the rows it reports and nothing non-finite. The count per class is printed at the
end of the module (`pytest -s`).
"""

from __future__ import annotations

import collections
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash.errors import VmdashError
from vmdash.ingest import Upload, import_files, undo
from vmdash.store import Store

# Left out of the fast loop: hundreds of generated hostile inputs, each imported into the samples.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
COUNTS: collections.Counter[str] = collections.Counter()
OUTCOMES: collections.Counter[str] = collections.Counter()
HEADER = "date,platform,video_title,campaign,impressions,views,watch_time_s,clicks,spend"
YT = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions"
INTERNALS = re.compile(r"Error:|Exception|Traceback|/tmp/|vmdash-|column0|\bc0\b|Binder|Conversion|read_csv")


def _row(i: int, **cells: str) -> str:
    values = {
        "date": f"2026-03-{1 + i % 28:02d}",
        "platform": "youtube",
        "video_title": f"Video {i}",
        "campaign": "Camp",
        "impressions": str(1000 + i),
        "views": str(100 + i),
        "watch_time_s": str(60 * i),
        "clicks": str(i % 7),
        "spend": f"{i}.25",
    }
    values.update(cells)
    return ",".join(values[h] for h in HEADER.split(","))


def _rows(n: int, start: int = 0) -> list[str]:
    return [_row(i) for i in range(start, start + n)]


def _text(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


# -- generators: (name, bytes or a builder) per class ---------------------------------------------------------

Case = tuple[str, str, Callable[[Path], Path]]


def _file(data: bytes) -> Callable[[Path], Path]:
    return lambda p: (p.write_bytes(data), p)[1]


def _zip(members: list[tuple[str, bytes]], patch: Callable[[bytearray], None] | None = None) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about duplicate names: that is the point
            with zipfile.ZipFile(path, "w") as z:
                for name, data in members:
                    z.writestr(name, data)
        if patch:
            raw = bytearray(path.read_bytes())
            patch(raw)
            path.write_bytes(bytes(raw))
        return path

    return build


def _blank_measures() -> list[Case]:
    rnd = random.Random(1501)
    cases = []
    for n in range(30):
        lines = [HEADER]
        for i in range(12):
            cells = {}
            for measure in ("impressions", "views", "watch_time_s", "clicks", "spend"):
                if rnd.random() < 0.3:
                    cells[measure] = rnd.choice(["", "--", "<5", "n/a", "undefined", "abc", " ", "—", "1.2.3"])
            lines.append(_row(i + 100 * n, **cells))
        cases.append(("blank_measures", f"blank_{n}.csv", _file(_text(lines))))
    return cases


def _shapes() -> list[Case]:
    rnd = random.Random(1502)
    cases = []
    for n in range(30):
        lines = [HEADER, *_rows(10, 100 * n)]
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randint(1, len(lines) - 1)
            cells = lines[at].split(",")
            if rnd.random() < 0.5:
                lines[at] = ",".join(cells[: rnd.randint(1, len(cells) - 1)])
            else:
                lines[at] = ",".join(cells + ["x"] * rnd.randint(1, 5))
        if n % 5 == 0:  # every row short: padded when most rows share the shape
            lines = [HEADER + ",extra1,extra2"] + lines[1:]
        cases.append(("row_shapes", f"shape_{n}.csv", _file(_text(lines, "\r\n" if n % 2 else "\n"))))
    return cases


def _quoted_breaks() -> list[Case]:
    cases = []
    for n in range(30):
        title = '"' + "\n".join(f"part {k}" for k in range(1 + n % 4)) + '"'
        lines = [HEADER, *(_row(i + 100 * n, video_title=title if i % 3 == 0 else f"V{i}") for i in range(8))]
        if n % 3 == 0:
            lines[4] = lines[4].rsplit(",", 2)[0]  # and a short row after the breaks
        if n % 2:
            preamble = ['"Report', 'spanning lines"', f'"{n} preamble"']
            lines = preamble[: 1 + n % 3] + ['"closing"'] * (n % 3 == 0) + lines
        cases.append(("quoted_line_breaks", f"quoted_{n}.csv", _file(_text(lines))))
    return cases


def _trailers() -> list[Case]:
    footers = [
        "Showing top 500 results",
        '"Showing top 500 results"',
        "Showing top 1,000 results,,,,,,,,",
        "No data available.",
        "Exported 2026-03-31 by Studio",
        "Données mises à jour le 31/03",
        ",,,,,,,,",
        "",
        "Showing top 50 results\nShowing top 50 results",
        "Total,,,,99999,9999,,,",
    ]
    cases = []
    for n, footer in enumerate(footers * 2):
        lines = [YT] + [f'vid{n:03d}{i:04d},T {i},"Feb 2, 2026",30,{i * 10},{i}.5,{i % 3},{i * 100}' for i in range(6)]
        if n >= len(footers):
            lines = [YT, footer]  # the footer alone
        else:
            lines.append(footer)
        cases.append(("trailers_and_footers", f"trailer_{n}.csv", _file(_text(lines))))
    return cases


def _no_data() -> list[Case]:
    datas = [
        _text([HEADER]),
        _text([HEADER, '"No data available."']),
        _text([HEADER, "No data available."]),
        b"\n\n\r\n  \n\t\n",
        b"\xef\xbb\xbf" + _text([HEADER]),
        _text([HEADER, "", "", ""]),
        b"%PDF-1.7\n" + _text(["BT (date,platform,impressions) Tj ET"] * 20),
        _text([HEADER, ",,,,,,,,", ",,,,,,,,"]),
        _text([YT, "Total,,,,0,0,0,0"]),
        _text([YT]),
        _text(["Campaign report", "March 2026", "Day,Campaign,Impr.,Cost,Video played to 25%"]),
        _text(["Campaign report", "Day,Campaign,Impr.,Cost,Video played to 25%", "No data available."]),
        _text([HEADER, "x"]),
        _text([HEADER, "2026-03-01"]),
        _text([HEADER, '"']),
        _text([HEADER, '""']),
        _text([HEADER, "," * 200]),
        HEADER.encode() + b"\n" + b"\x00" * 10,
        _text(["date", "2026-03-01"]),
        _text([HEADER.replace(",", ";"), *(r.replace(",", ";") for r in _rows(3))]),
    ]
    return [("no_data_and_reader_errors", f"nodata_{n}.csv", _file(d)) for n, d in enumerate(datas)]


def _numbers() -> list[Case]:
    values = [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "-1e308",
        "1e400",
        "5e18",
        "9223372036854775808",
        "1" + "0" * 40,
        "1e16",
        "0x10",
        "1_000",
        "١٢٣",
        "１２３",
    ]
    durations = ["nan:00", "inf:00", "1e308:00:00", ":".join(["59"] * 200), "-1:00", "1:60:60", "99999999999:00:00"]
    cases = []
    for n, value in enumerate(values):
        for measure in ("impressions", "spend"):
            lines = [HEADER, *_rows(3, 10 * n), _row(999, **{measure: value})]
            cases.append(("non_finite_and_out_of_bounds", f"num_{n}_{measure}.csv", _file(_text(lines))))
    for n, value in enumerate(durations):
        header = "Video ID,Title,Duration,Impressions,Views,Finishes,Total time watched"
        lines = [header, "1,Good,0:01:00,10,5,1,1:00:00", f"2,Odd,{value},10,5,1,{value}"]
        cases.append(("non_finite_and_out_of_bounds", f"duration_{n}.csv", _file(_text(lines))))
        yt = [YT, f'abcdefghij{n},T,"Feb 2, 2026",{value},5,1e306,1,1', 'abcdefghijk,U,"Feb 2, 2026",30,5,1.5,1,1']
        cases.append(("non_finite_and_out_of_bounds", f"hours_{n}.csv", _file(_text(yt))))
    return cases


def _repeats() -> list[Case]:
    body = [HEADER, *_rows(6)]
    cases = [
        ("repeated_headers_and_rows", "concat.csv", _file(_text(body + body))),
        ("repeated_headers_and_rows", "concat_no_header.csv", _file(_text(body + body[1:]))),
        (
            "repeated_headers_and_rows",
            "concat_bom.csv",
            _file(b"\xef\xbb\xbf" + _text(body) + b"\xef\xbb\xbf" + _text(body)),
        ),
        ("repeated_headers_and_rows", "concat_crlf.csv", _file(_text(body + body, "\r\n"))),
        ("repeated_headers_and_rows", "one_row_twice.csv", _file(_text(body + [body[3]]))),
        ("repeated_headers_and_rows", "header_mid.csv", _file(_text(body[:3] + [HEADER] + body[3:]))),
    ]
    for n in range(14):
        rows = _rows(10, 50 * n)
        rows.insert(n % 10, rows[(n * 3) % 10])
        cases.append(("repeated_headers_and_rows", f"dup_{n}.csv", _file(_text([HEADER, *rows]))))
    return cases


def _central(raw: bytearray, index: int) -> int:
    at = -1
    for _ in range(index + 1):
        at = raw.find(b"PK\x01\x02", at + 1)
    return at


def _zips() -> list[Case]:
    table = _text([YT] + [f'zipvid{i:05d},T {i},"Feb 2, 2026",30,{i},{i}.5,1,{i * 10}' for i in range(5)])
    cases: list[Case] = []
    for n in range(10):
        members = [
            ("Table data.csv", table),
            (("Table data.csv", "table data.csv", "dir/../Table data.csv")[n % 3], table),
        ]
        cases.append(("zip_members", f"zip_dup_{n}.zip", _zip(members)))
    for n in range(10):
        count = 2 + n * 15

        def patch(raw: bytearray, count: int = count) -> None:
            for k in range(1, count):
                at = _central(raw, k)
                if at >= 0:
                    raw[at + 42 : at + 46] = struct.pack("<I", 0)

        members = [(f"part{k}.csv", table) for k in range(count)]
        cases.append(("zip_members", f"zip_overlap_{n}.zip", _zip(members, patch)))
    return cases


def _encodings() -> list[Case]:
    good = _text([HEADER, *_rows(4)])
    variants = [
        b"\xef\xbb\xbf" + good.replace(b"Video 1", b"Video\x001"),
        b"\xef\xbb\xbf" + good + b"\x00",
        b"\xef\xbb\xbf\x00" + good,
        b"\xef\xbb\xbf" + good.replace(b"\n", b"\x00\n", 1),
        b"\xef\xbb\xbf\xef\xbb\xbf" + good,
        good.replace(b"Video 2", b"Video\x1b[2J2"),
        good.replace(b"Video 2", b"Video\r2"),
        good.replace(b"\n", b"\r"),
        b"\xff\xfe" + good.decode().encode("utf-16-le"),
        b"\xfe\xff" + good.decode().encode("utf-16-be"),
        good.decode().encode("utf-16-le"),
        good.replace(b"Video 2", "Vidéo 2".encode("cp1252")),
        good.replace(b"Video 2", b"\xc3\x28"),
        good + b"2026-03-01,youtube,\xf0\x9f",
        b"\xef\xbb\xbf" + good.replace(b"\n", b"\r\n"),
        good.replace(b"Video 3", b"\xe2\x80\xae3 oediV"),
        good.replace(b"Camp", "Cämp\u200b".encode()),
        b"sep=,\n" + good,
        b"\x00" * 3 + good,
        good.replace(b",", b"\t"),
    ]
    return [("encodings_and_nul", f"enc_{n}.csv", _file(v)) for n, v in enumerate(variants)]


def _overflow() -> list[Case]:
    cases = []
    for n in range(10):
        count = 2 + n * 1100
        value = ("5e18", "1e15", "999999999999999")[n % 3]
        lines = [HEADER, *(_row(i, impressions=value) for i in range(count))]
        cases.append(("sum_overflow", f"overflow_{n}.csv", _file(_text(lines))))
    return cases


def _long_lines() -> list[Case]:
    cases = []
    for n, size in enumerate((2_100_000, 3_000_000)):
        lines = [HEADER, *_rows(4, 10 * n)]
        lines[2 + n] = _row(77, video_title="x" * size)
        cases.append(("long_lines", f"long_{n}.csv", _file(_text(lines))))
    return cases


def _mutations() -> list[Case]:
    rnd = random.Random(1516)
    sources = sorted(SAMPLES.glob("*.csv"))
    cases = []
    for n in range(50):
        data = bytearray(sources[n % len(sources)].read_bytes())
        for _ in range(rnd.randint(1, 12)):
            at = rnd.randrange(len(data))
            op = rnd.random()
            if op < 0.4:
                data[at] = rnd.choice(b'",;\n\r\t\x00x9-.')
            elif op < 0.7:
                del data[at : at + rnd.randint(1, 40)]
            else:
                data[at:at] = rnd.choice([b'"', b"\n", b",,", b'""', b"\r\n", b"nan", b"1e308", b"--"])
        cases.append(("mutated_samples", f"mut_{n}_{sources[n % len(sources)].name}", _file(bytes(data))))
    return cases


CASES: list[Case] = [
    *_blank_measures(),
    *_shapes(),
    *_quoted_breaks(),
    *_trailers(),
    *_no_data(),
    *_numbers(),
    *_repeats(),
    *_zips(),
    *_encodings(),
    *_overflow(),
    *_long_lines(),
    *_mutations(),
]


@pytest.fixture(scope="module", autouse=True)
def per_class_counts():
    yield
    per_class = ", ".join(f"{cls} {count}" for cls, count in sorted(COUNTS.items()))
    print(f"\nhostile reader inputs: {sum(COUNTS.values())} ({per_class}); outcomes: {dict(OUTCOMES)}")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """A real database holding one earlier import, so that a refusal has something to keep."""
    store = Store(tmp_path_factory.mktemp("hostile_reader") / "vmdash.duckdb", idle_release_s=None)
    import_files(store, [Upload(SAMPLES / "vimeo_videos.csv", "vimeo_videos.csv")])
    yield store
    store.close()


def test_there_are_enough_hostile_inputs():
    assert len(CASES) >= 250
    assert len({name for _, name, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("cls", "name", "build"), CASES, ids=[f"{c}:{n}" for c, n, _ in CASES])
def test_a_hostile_input_loads_whole_or_is_refused_cleanly(small_db, tmp_path, cls, name, build):
    store = small_db
    path = build(tmp_path / name)
    before = store_checks.fingerprint(store)
    COUNTS[cls] += 1
    try:
        reports = import_files(store, [Upload(path, name)])
    except VmdashError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, message
        assert message.startswith(f"{name}: "), message
        assert not INTERNALS.search(message), message
        assert str(tmp_path) not in message
        assert store_checks.fingerprint(store) == before, f"{name}: a refused import changed the database"
        OUTCOMES["refused"] += 1
        return
    OUTCOMES["accepted"] += 1
    [report] = reports
    if report.duplicate_of is not None:
        assert store_checks.fingerprint(store) == before
        return
    stored = store.scalar(
        "SELECT (SELECT count(*) FROM facts WHERE import_id = $id) + (SELECT count(*) FROM retention WHERE import_id = $id)",
        {"id": report.import_id},
    )
    assert stored == report.rows_loaded > 0
    finite = " AND ".join(
        f"(isfinite({m}) OR {m} IS NULL)" for m in ("watch_time_s", "spend", "conversions", "conversion_value")
    )
    assert (
        store.scalar(f"SELECT count(*) FROM facts WHERE import_id = $id AND NOT ({finite})", {"id": report.import_id})
        == 0
    )
    assert store_checks.rollup_agrees(store)
    assert "\n" not in report.summary_line()
    undo(store, report.import_id)
