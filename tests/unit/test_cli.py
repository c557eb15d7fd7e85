"""`python -m vmdash`: the command-line contract of SPEC.md, run in-process and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash import model
from vmdash.cli import build_parser, main
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def fingerprint(db: Path) -> dict:
    s = Store(db, idle_release_s=None)
    try:
        return store_checks.fingerprint(s)
    finally:
        s.close()


@pytest.mark.slow
def test_demo_then_summary_by_platform_json(tmp_path):
    # The acceptance command, as a user types it.
    db = tmp_path / "x.duckdb"
    demo = subprocess.run(
        [sys.executable, "-m", "vmdash", "demo", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    out = subprocess.run(
        [sys.executable, "-m", "vmdash", "summary", "--db", str(db), "--by", "platform", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["platform"] for r in rows} == {
        "facebook",
        "instagram",
        "google_ads",
        "linkedin",
        "tiktok",
        "vimeo",
        "wistia",
        "youtube",
    }
    for row in rows:
        assert set(model.MEASURE_NAMES) <= set(row)
    tiktok = next(r for r in rows if r["platform"] == "tiktok")
    assert tiktok["impressions"] == 3205953
    assert tiktok["thruplays"] is None


@pytest.mark.slow
def test_summary_groupings_and_plain_output(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert run(capsys, "demo", "--db", db)[0] == 0
    for by in model.GROUPINGS:
        code, out, _ = run(capsys, "summary", "--db", db, "--by", by, "--json")
        assert code == 0
        key = "import" if by == "import" else by
        assert all(key in row for row in json.loads(out))
    code, out, _ = run(capsys, "summary", "--db", db)
    assert code == 0 and "impressions" in out


def test_failed_import_exits_1_with_one_line_and_writes_nothing(tmp_path, capsys, samples):
    db = tmp_path / "f.duckdb"
    assert run(capsys, "import", str(samples / "tiktok_ads.csv"), "--db", str(db))[0] == 0
    before = fingerprint(db)
    bad = tmp_path / "notes.csv"
    bad.write_text("hello,world\nthis is,not an export\n", encoding="utf-8")
    # A good file beside a bad one: all or nothing.
    code, out, err = run(capsys, "import", str(samples / "meta_ads_manager.csv"), str(bad), "--db", str(db))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: notes.csv: this is not an export vmdash recognises")
    assert fingerprint(db) == before


def test_missing_file_exits_1(tmp_path, capsys):
    code, _, err = run(capsys, "import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "m.duckdb"))
    assert code == 1 and "no such file" in err


@pytest.mark.slow
def test_reimport_is_a_no_op_and_undo_restores_summary(tmp_path, capsys, samples):
    db = str(tmp_path / "u.duckdb")
    run(capsys, "import", str(samples / "google_ads_video.csv"), "--db", db)
    first = run(capsys, "summary", "--db", db, "--json")[1]
    code, out, _ = run(capsys, "import", str(samples / "google_ads_video.csv"), "--db", db)
    assert code == 0 and "already imported as #1; nothing changed" in out
    assert run(capsys, "summary", "--db", db, "--json")[1] == first
    run(capsys, "import", str(samples / "linkedin_campaign_manager.csv"), "--db", db)
    assert run(capsys, "summary", "--db", db, "--json")[1] != first
    code, out, _ = run(capsys, "undo", "2", "--db", db)
    assert code == 0 and "84 rows removed" in out
    assert run(capsys, "summary", "--db", db, "--json")[1] == first
    code, out, _ = run(capsys, "imports", "--db", db)
    assert "#2    undone" in out and "#1    active" in out


def test_undo_of_unknown_import_is_a_clear_error(tmp_path, capsys):
    code, _, err = run(capsys, "undo", "42", "--db", str(tmp_path / "n.duckdb"))
    assert code == 1 and "there is no import #42" in err


def test_channel_and_objective_flags_apply_to_every_row(tmp_path, capsys, samples):
    db = tmp_path / "c.duckdb"
    code, _, _ = run(
        capsys,
        "import",
        str(samples / "vimeo_videos.csv"),
        "--channel",
        "sales",
        "--objective",
        "loyalty",
        "--db",
        str(db),
    )
    assert code == 0
    s = Store(db, idle_release_s=None)
    assert s.rows("SELECT DISTINCT channel, objective FROM active_facts") == [("sales", "loyalty")]
    s.close()


def test_bad_flag_values_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["import", "x.csv", "--objective", "fame"])
    assert "invalid choice: 'fame'" in capsys.readouterr().err


def test_demo_rows_loads_synthetic_data(tmp_path, capsys):
    db = str(tmp_path / "syn.duckdb")
    code, out, _ = run(capsys, "demo", "--rows", "1000", "--db", db)
    assert code == 0 and "1000 rows loaded" in out
    rows = json.loads(run(capsys, "summary", "--by", "objective", "--json", "--db", db)[1])
    assert sum(r["rows"] for r in rows) == 1000


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("import", "summary", "imports", "undo", "demo"):
        assert f"python -m vmdash {command}" in readme
    help_text = build_parser().format_help()
    for command in ("import", "summary", "imports", "undo", "demo"):
        assert command in help_text


def test_a_lake_connection_string_reaches_the_store_as_typed():
    target = "ducklake:postgres:postgresql://vmdash@db.internal:5432/catalog"
    args = build_parser().parse_args(["summary", "--json", "--db", target])
    assert args.db == target


def test_readme_documents_every_import_flag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in readme.splitlines() if line.startswith("| `python -m vmdash import FILE")]
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["import"]
    flags = [o for a in sub._actions for o in a.option_strings if o.startswith("--") and o not in ("--help", "--db")]
    assert flags, "the import command lost its flags"
    for flag in flags:
        assert flag in line, flag


def test_migrate_says_what_it_did_and_refuses_a_newer_schema(capsys, tmp_path):
    from vmdash.store import SCHEMA_VERSION

    db = tmp_path / "m.duckdb"
    assert run(capsys, "migrate", "--db", str(db)) == (0, f"created at schema {SCHEMA_VERSION}\n", "")
    assert run(capsys, "migrate", "--db", str(db)) == (0, f"already at schema {SCHEMA_VERSION}: nothing to do\n", "")
    s = Store(db, idle_release_s=None)
    with s.transaction() as tx:
        tx.execute("UPDATE meta SET value = $v WHERE key = 'schema_version'", {"v": str(SCHEMA_VERSION - 1)})
    s.close()
    assert run(capsys, "migrate", "--db", str(db)) == (
        0,
        f"schema {SCHEMA_VERSION - 1} -> {SCHEMA_VERSION}: 1 migration(s) applied\n",
        "",
    )
    # A replica of an older vmdash meets a database a newer one migrated: one line, no change.
    s = Store(db, idle_release_s=None)
    with s.transaction() as tx:
        tx.execute("UPDATE meta SET value = $v WHERE key = 'schema_version'", {"v": str(SCHEMA_VERSION + 1)})
    s.close()
    code, out, err = run(capsys, "migrate", "--db", str(db))
    assert (code, out) == (1, "")
    assert err == (
        f"error: this database was written by a newer vmdash (schema {SCHEMA_VERSION + 1}, this one knows "
        f"{SCHEMA_VERSION}); upgrade vmdash to open it\n"
    )


def test_an_import_from_a_shell_loads_no_charting_or_statistics_library(tmp_path, samples):
    # scipy, statsmodels and Altair took over a second to load before the first row was read.
    export = next(p for p in sorted(samples.iterdir()) if p.suffix == ".csv")
    db = tmp_path / "x.duckdb"
    probe = (
        "import sys\n"
        "from vmdash import cli\n"
        "code = cli.main(['import', sys.argv[1], '--db', sys.argv[2]])\n"
        "heavy = sorted(m for m in ('scipy', 'statsmodels', 'altair', 'vl_convert') if m in sys.modules)\n"
        "print(code, ','.join(heavy) or '-')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, str(export), str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-2:] == ["0", "-"], run.stdout
