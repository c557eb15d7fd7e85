"""The same vmdash on DuckLake: a PostgreSQL catalog and Parquet files, many processes at once.

Each test gets a fresh catalog on a throwaway PostgreSQL server (see conftest.py). The
embedded DuckDB file is the reference: the lake must store and answer exactly the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash import cli, demo, model
from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import MIGRATIONS, Store, _for_lake

ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("app_reader.py")
# When an import ran differs between runs and stores; what it stored must not.
IGNORE = {"imported_at"}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _summaries(db: str, capsys) -> dict[str, list]:
    out = {}
    for by in (None, *model.GROUPINGS):
        capsys.readouterr()
        assert cli.main(["summary", "--json", "--db", db, *(["--by", by] if by else [])]) == 0
        out[by or "total"] = json.loads(capsys.readouterr().out)
    return out


def _fingerprint(target: str | Path) -> dict:
    s = Store(target, idle_release_s=None)
    try:
        return store_checks.fingerprint(s, ignore=IGNORE)
    finally:
        s.close()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("CREATE SEQUENCE import_seq START 1", ""),
        (
            "CREATE TABLE m (key VARCHAR PRIMARY KEY, value VARCHAR)",
            "CREATE TABLE m (key VARCHAR NOT NULL, value VARCHAR)",
        ),
        (
            "CREATE TABLE i (entry_id INTEGER NOT NULL, kind VARCHAR NOT NULL,\n  PRIMARY KEY (entry_id, kind)\n)",
            "CREATE TABLE i (entry_id INTEGER NOT NULL, kind VARCHAR NOT NULL\n)",
        ),
        ("CREATE VIEW v AS SELECT * FROM facts", "CREATE VIEW v AS SELECT * FROM facts"),
    ],
)
def test_migrations_drop_only_what_ducklake_lacks(statement, expected):
    assert _for_lake(statement) == expected


def test_every_migration_leaves_no_key_or_sequence_for_the_lake():
    for step in MIGRATIONS:
        for statement in step:
            assert "PRIMARY KEY" not in _for_lake(statement).upper()
            assert "SEQUENCE" not in _for_lake(statement).upper()


def test_summary_and_stored_rows_are_identical_to_the_embedded_store(lake, tmp_path, capsys):
    embedded = tmp_path / "embedded.duckdb"
    assert cli.main(["demo", "--db", str(embedded)]) == 0
    assert cli.main(["demo", "--db", lake.target]) == 0
    assert _summaries(lake.target, capsys) == _summaries(str(embedded), capsys)
    # Not only the answers: every table holds the same rows, ids included.
    assert _fingerprint(lake.target) == _fingerprint(embedded)
    assert list(lake.data_path.rglob("*.parquet")), "the facts live as Parquet files under the data path"


def test_an_import_after_a_preview_loads_the_kept_rows_into_the_lake(lake, tmp_path, monkeypatch):
    # The Upload page's path: the preview keeps its staged rows, the import loads them.
    export = demo.write_synthetic_csv(tmp_path / "synthetic_export.csv", rows=2_000, seed=6)
    upload = Upload(export, export.name)
    embedded = Store(tmp_path / "embedded.duckdb", idle_release_s=None)
    import_files(embedded, [upload])
    embedded.close()
    s = Store(lake.target)
    try:
        folder = tmp_path / "kept"
        folder.mkdir()
        report, _ = pipeline.preview(s, upload, keep_in=folder)
        monkeypatch.setattr(pipeline, "_stage_upload", lambda *a: pytest.fail("the file was parsed again"))
        [done] = import_files(s, [upload], previewed={upload.path: report})
        assert done.rows_loaded == 2_000 and list(folder.iterdir()) == []
    finally:
        s.close()
    assert _fingerprint(lake.target) == _fingerprint(tmp_path / "embedded.duckdb")


def test_keyed_writes_replace_and_ids_count_on_from_the_largest(lake):
    s = Store(lake.target)
    try:
        for link in ("?page=overview", "?page=funnel"):
            with s.transaction() as tx:
                tx.execute(
                    "INSERT OR REPLACE INTO saved_views VALUES ($name, $link, now()::TIMESTAMP, $by)",
                    {"name": "weekly", "link": link, "by": None},
                )
        assert s.rows("SELECT name, link FROM saved_views") == [("weekly", "?page=funnel")]
        with s.transaction() as tx:
            first = tx.execute("SELECT nextval('loop_log_seq')").fetchone()[0]
            tx.execute(
                "INSERT INTO loop_log (entry_id, stage, happened_on, note, objective, created_at, created_by) "
                "VALUES ($id, 'test', DATE '2026-03-01', 'n', 'awareness', now(), NULL)",
                {"id": first},
            )
        with s.transaction() as tx:
            second = tx.execute("SELECT nextval('loop_log_seq')").fetchone()[0]
        assert (first, second) == (1, 2)
    finally:
        s.close()


def test_two_app_processes_and_two_imports_run_at_once(lake, tmp_path, capsys):
    samples = sorted((ROOT / "data" / "samples").glob("*.csv"))
    retention = [p for p in samples if "retention" in p.name]
    first, rest = [p for p in samples if p not in retention][:4], [p for p in samples if p not in retention][4:]
    synthetic = demo.write_synthetic_csv(tmp_path / "synthetic_export.csv", rows=30_000, seed=3)
    assert _cli("import", *map(str, first), env=lake.env).returncode == 0

    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, str(READER), str(stop)],
            cwd=ROOT,
            env=lake.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        # Both apps have drawn every page once before the imports start, and keep drawing while they run.
        for reader in readers:
            assert reader.stdout.readline().strip() == "ready", reader.stderr.read()[-2000:]
        writers = [
            subprocess.Popen(
                [sys.executable, "-m", "vmdash", "import", *map(str, files)],
                cwd=ROOT,
                env=lake.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for files in ([synthetic], [*rest, *retention])
        ]
        results = [w.communicate(timeout=300) for w in writers]
        stop.touch()
        answers = [r.communicate(timeout=300) for r in readers]
    finally:
        stop.touch()
        for proc in readers:
            if proc.poll() is None:
                proc.kill()
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "lock" not in (out + err).lower() and "conflict" not in (out + err).lower()
    for reader, (out, err) in zip(readers, answers, strict=True):
        assert reader.returncode == 0, err[-2000:]
        assert out.strip().endswith("done")

    ids = [row[0] for row in Store(lake.target).rows("SELECT import_id FROM imports ORDER BY import_id")]
    assert ids == list(range(1, len(first) + len(rest) + len(retention) + 2))

    # The same files imported one after another into an embedded file give the same totals.
    embedded = str(tmp_path / "embedded.duckdb")
    for files in (first, [synthetic], [*rest, *retention]):
        assert cli.main(["import", "--db", embedded, *map(str, files)]) == 0
    for by in (None, "platform", "channel", "objective", "campaign"):
        capsys.readouterr()
        args = ["summary", "--json", *(["--by", by] if by else [])]
        assert cli.main([*args, "--db", lake.target]) == 0
        ours = json.loads(capsys.readouterr().out)
        assert cli.main([*args, "--db", embedded]) == 0
        theirs = json.loads(capsys.readouterr().out)
        # Rows summed in another order (the imports ran side by side) may differ in a float's last bit.
        assert ours == [pytest.approx(row, rel=1e-12) for row in theirs]


@pytest.fixture
def seeded(lake) -> Store:
    s = Store(lake.target, idle_release_s=None)
    demo.load_samples(s)
    yield s
    s.close()


def test_an_import_failing_after_its_first_insert_leaves_the_catalog_unchanged(lake, seeded, monkeypatch, tmp_path):
    before = store_checks.fingerprint(seeded, ignore=IGNORE)
    next_id = seeded.scalar("SELECT max(import_id) FROM imports") + 1
    export = demo.write_synthetic_csv(tmp_path / "synthetic_export.csv", rows=5_000, seed=5)

    def fail(*_args, **_kwargs):
        raise RuntimeError("injected after the facts were inserted")

    monkeypatch.setattr(pipeline, "_merge_youtube_grains", fail)
    with pytest.raises(RuntimeError, match="injected"):
        import_files(seeded, [Upload(export, export.name)])
    assert store_checks.fingerprint(seeded, ignore=IGNORE) == before
    assert _fingerprint(lake.target) == before  # as another process sees it

    monkeypatch.undo()
    (report,) = import_files(seeded, [Upload(export, export.name)])
    # The failed attempt used no import id: the next one is still free.
    assert report.import_id == next_id and report.rows_loaded == 5_000


KILLER = """
import os, signal, sys
from pathlib import Path
from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import Store

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the facts are inserted, nothing is committed

pipeline.refresh_rollup = die  # called once the facts are inserted
export = Path(sys.argv[1])
import_files(Store(), [Upload(export, export.name)])
"""


def test_an_import_killed_halfway_leaves_the_catalog_unchanged_and_frees_the_writers(lake, seeded, tmp_path):
    seeded.close()
    before = _fingerprint(lake.target)
    export = demo.write_synthetic_csv(tmp_path / "synthetic_export.csv", rows=50_000, seed=9)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(export)], cwd=ROOT, env=lake.env, capture_output=True, text=True, timeout=300
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert _fingerprint(lake.target) == before

    # The dead process's writers' lock went with its PostgreSQL session: the next import runs.
    done = _cli("import", str(export), env={**lake.env, "TMPDIR": tempfile.gettempdir()})
    assert done.returncode == 0, done.stderr
    after = _fingerprint(lake.target)
    assert after["facts"][0] == before["facts"][0] + 50_000
