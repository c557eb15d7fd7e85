"""Everything `python -m vmdash` prints is one inert line per message: names and data cannot forge lines or drive the terminal."""

from __future__ import annotations

import json
import re

import pytest

from vmdash import cli
from vmdash.store import Store

CANONICAL = "date,platform,video_title,campaign,impressions,views\n"
# Anything a terminal acts on: C0 (but the layout's own newline), DEL, C1, bidi overrides.
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE_NAMES = {
    "newline": "a\nerror: forged line.csv",
    "carriage_return": "real\rerror: overwritten.csv",
    "clear_screen": "x\x1b[2J\x1b[Hgone.csv",
    "csi_c1": "x\x9b2Jgone.csv",
    "bidi": "report\u202evsc.exe.csv",
    "bell_and_backspace": "b\x07\x08\x08ell.csv",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\rb"),
        ("a\tb", "a\\tb"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x9b2J", "\\x9b2J"),
        ("\x00\x7f", "\\x00\\x7f"),
        ("ab\u202ecd", "ab\\u202ecd"),
        ("line\u2028sep", "line\\u2028sep"),
        ("Éclat · 9x16 — ok", "Éclat · 9x16 — ok"),
    ],
)
def test_escaped_shows_control_characters_as_escapes(given, shown):
    assert cli.escaped(given) == shown


@pytest.mark.parametrize("label", sorted(HOSTILE_NAMES))
def test_a_refused_file_with_a_hostile_name_is_one_escaped_line(tmp_path, capsys, label):
    name = HOSTILE_NAMES[label]
    path = tmp_path / name
    path.write_bytes(b"not,an,export\n1,2,3\n")
    db = tmp_path / "x.duckdb"
    code, out, err = run(capsys, "import", str(path), "--db", str(db))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert not RAW_CONTROL.search(err), repr(err)
    assert cli.escaped(name) in err


@pytest.mark.parametrize("label", sorted(HOSTILE_NAMES))
def test_a_missing_file_with_a_hostile_name_is_one_escaped_line(tmp_path, capsys, label):
    code, out, err = run(capsys, "import", str(tmp_path / HOSTILE_NAMES[label]), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and err.rstrip("\n").endswith(": no such file"), err
    assert not RAW_CONTROL.search(err), repr(err)


def test_a_hostile_member_name_inside_a_zip_is_escaped(tmp_path, capsys):
    import zipfile

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../\x1b[2J\nerror: forged.csv", CANONICAL + "2026-01-05,youtube,T,C,1,1\n")
    code, out, err = run(capsys, "import", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1 and err.count("\n") == 1, err
    assert not RAW_CONTROL.search(err) and "\\x1b[2J\\nerror: forged.csv" in err


def test_an_accepted_file_with_a_hostile_name_prints_one_line(tmp_path, capsys):
    path = tmp_path / "ok\x1b]0;owned\x07\nerror: forged.csv"
    path.write_text(CANONICAL + "2026-01-05,youtube,Title,Campaign,1000,400\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert code == 0, err
    assert out.count("\n") == 1 and "1 rows loaded" in out
    assert not RAW_CONTROL.search(out), repr(out)


@pytest.fixture
def ansi_db(tmp_path):
    """A database whose titles, campaigns and file name hold terminal escapes and line breaks."""
    path = tmp_path / "camp\x1b[2J\u202e.csv"
    path.write_text(
        CANONICAL
        + '2026-01-05,youtube,"Title\x1b[31m red\nline two","Camp\x1b[2J\x1b[H\rerror: forged",1000,400\n'
        + '2026-01-06,youtube,Plain,"Csi\x9b2J bidi\u202eevil",10,4\n',
        encoding="utf-8",
    )
    db = tmp_path / "x.duckdb"
    assert cli.main(["import", str(path), "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize("by", [None, "campaign", "import", "platform"])
def test_summary_table_prints_no_raw_escape(ansi_db, capsys, by):
    args = ["summary", "--db", str(ansi_db)] + (["--by", by] if by else [])
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert not RAW_CONTROL.search(out), repr(out)
    assert "error: forged" not in out.splitlines()[0]
    if by == "campaign":
        assert "Camp\\x1b[2J\\x1b[H\\rerror: forged" in out
        assert not any(line.startswith("error:") for line in out.splitlines())


def test_summary_json_keeps_the_data_and_prints_no_raw_escape(ansi_db, capsys):
    code, out, err = run(capsys, "summary", "--db", str(ansi_db), "--by", "campaign", "--json")
    assert code == 0, err
    assert not RAW_CONTROL.search(out), repr(out)
    campaigns = {row["campaign"] for row in json.loads(out)}
    # JSON escapes are for programs: the values come back exactly as stored.
    assert campaigns == {"Camp\x1b[2J\x1b[H\rerror: forged", "Csi\x9b2J bidi\u202eevil"}


def test_imports_list_prints_no_raw_escape(ansi_db, capsys):
    code, out, err = run(capsys, "imports", "--db", str(ansi_db))
    assert code == 0, err
    assert out.count("\n") == 1, out
    assert not RAW_CONTROL.search(out) and "camp\\x1b[2J\\u202e.csv" in out


def test_argparse_errors_are_escaped(capsys):
    with pytest.raises(SystemExit):
        cli.main(["summary", "--by", "x\x1b[2J\nerror: forged"])
    err = capsys.readouterr().err
    assert not RAW_CONTROL.search(err), repr(err)
    assert not any(line.startswith("error: forged") for line in err.splitlines())


def test_stored_values_are_not_changed_by_the_escaping(ansi_db):
    s = Store(ansi_db, idle_release_s=None)
    try:
        titles = {r[0] for r in s.rows("SELECT video_title FROM facts")}
    finally:
        s.close()
    assert "Title\x1b[31m red\nline two" in titles
