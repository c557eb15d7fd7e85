"""The store: schema and migrations, transactions, threads, and a second process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash import queries
from vmdash.store import SCHEMA_VERSION, Store

ROOT = Path(__file__).resolve().parents[2]


def test_new_database_is_migrated_to_the_current_schema(store):
    assert store.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)
    tables = {r[0] for r in store.rows("SELECT table_name FROM duckdb_tables()")}
    assert {"facts", "retention", "imports", "objective_rules", "column_mappings", "meta"} <= tables
    assert store.scalar("SELECT count(*) FROM objective_rules") > 0


def test_reopening_does_not_migrate_twice(db_path):
    a = Store(db_path, idle_release_s=0)
    rules = a.scalar("SELECT count(*) FROM objective_rules")
    a.close()
    b = Store(db_path, idle_release_s=0)
    assert b.scalar("SELECT count(*) FROM objective_rules") == rules
    b.close()


def test_transaction_rolls_back_on_error(store):
    before = store_checks.fingerprint(store)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute("INSERT INTO objective_rules VALUES (999, 'x', 'awareness')")
        raise RuntimeError("boom")
    assert store_checks.fingerprint(store) == before


def test_fingerprint_sees_a_changed_value(store):
    before = store_checks.fingerprint(store)
    with store.transaction() as tx:
        tx.execute("UPDATE objective_rules SET token = 'changed' WHERE position = 0")
    after = store_checks.fingerprint(store)
    assert after["objective_rules"][0] == before["objective_rules"][0]
    assert after["objective_rules"][1] != before["objective_rules"][1]


def test_many_threads_share_one_store_safely(sample_store):
    expected = queries.summary(sample_store, "platform")
    errors: list[BaseException] = []

    def worker():
        try:
            for _ in range(15):
                got = queries.summary(sample_store, "platform")
                assert got.equals(expected)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_idle_store_lets_go_of_the_file(db_path):
    s = Store(db_path, idle_release_s=0.05)
    s.scalar("SELECT 1")
    assert s.is_open
    deadline = time.monotonic() + 5
    while s.is_open and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not s.is_open
    s.close()


def _cli(*args: str, env_db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", *args, "--db", str(env_db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_imports_while_the_app_store_is_in_use(db_path, samples):
    app_store = Store(db_path, idle_release_s=0.2)
    app_store.scalar("SELECT 1")  # the "app" holds the file right now
    result = _cli("import", str(samples / "tiktok_ads.csv"), env_db=db_path)
    assert result.returncode == 0, result.stderr
    assert "TikTok Ads Manager" in result.stdout
    assert app_store.scalar("SELECT count(*) FROM active_facts") == 124
    app_store.close()


def test_cli_imports_while_a_busy_app_never_goes_idle(db_path, samples):
    app_store = Store(db_path, idle_release_s=1.0)
    app_store.scalar("SELECT 1")
    stop = threading.Event()
    answers: list[int] = []

    def sessions() -> None:  # the app answering pages without a pause
        while not stop.is_set():
            answers.append(app_store.scalar("SELECT count(*) FROM active_facts"))

    worker = threading.Thread(target=sessions)
    worker.start()
    try:
        result = _cli("import", str(samples / "tiktok_ads.csv"), env_db=db_path)
    finally:
        stop.set()
        worker.join()
    assert result.returncode == 0, result.stderr
    assert app_store.scalar("SELECT count(*) FROM active_facts") == 124
    assert set(answers) <= {0, 124} and len(answers) > 10
    app_store.close()


def test_a_file_held_too_long_gives_a_one_line_busy_message(db_path, samples):
    holder = Store(db_path, idle_release_s=None)
    holder.scalar("SELECT 1")
    try:
        code = (
            "from vmdash.store import Store; from vmdash.errors import DatabaseBusy\n"
            f"s = Store({str(db_path)!r}, busy_timeout_s=0.5)\n"
            "try:\n    s.scalar('SELECT 1')\nexcept DatabaseBusy as e:\n    print('BUSY', e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert out.stdout.startswith("BUSY the database"), out.stderr
        assert "in use by another vmdash process" in out.stdout
        assert out.stdout.count("\n") == 1
    finally:
        holder.close()


def _unclean_reopen(s: Store) -> Store:
    s.close()
    Path(f"{s.path}.wal").write_bytes(b"")  # what an unclean stop leaves beside the file
    return Store(s.path, idle_release_s=None)


def test_rows_an_interrupted_import_left_are_removed_on_open(db_path, tmp_path):
    from vmdash import demo
    from vmdash.ingest.pipeline import Upload, import_files

    export = demo.write_synthetic_csv(tmp_path / "first.csv", rows=300, seed=3)
    s = Store(db_path, idle_release_s=None)
    import_files(s, [Upload(export, export.name)])
    before = store_checks.fingerprint(s)
    with s.transaction() as tx:
        # What a replayed, never-committed import of the same rows leaves: its rows, the
        # rows it replaced marked, but no imports row (written last, it never made it).
        tx.execute("INSERT INTO facts SELECT * REPLACE (999 AS import_id, NULL AS replaced_by) FROM facts")
        tx.execute("UPDATE facts SET replaced_by = 999 WHERE import_id <> 999")
    s = _unclean_reopen(s)
    assert store_checks.fingerprint(s) == before
    s.close()


def test_sums_an_interrupted_import_left_without_its_facts_are_removed_on_open(db_path, tmp_path):
    from vmdash import demo
    from vmdash.ingest.pipeline import Upload, import_files

    export = demo.write_synthetic_csv(tmp_path / "first.csv", rows=300, seed=3)
    s = Store(db_path, idle_release_s=None)
    import_files(s, [Upload(export, export.name)])
    assert store_checks.rollup_agrees(s)
    with s.transaction() as tx:
        # A log replayed in part: the summaries of an import that never committed, not its facts.
        for table in ("facts_summed", "video_summed"):
            tx.execute(f"INSERT INTO {table} SELECT * REPLACE (999 AS import_id) FROM {table}")  # noqa: S608
    assert not store_checks.rollup_agrees(s)
    s = _unclean_reopen(s)
    assert store_checks.rollup_agrees(s)
    for table in ("facts_summed", "video_summed"):
        assert s.scalar(f"SELECT count(*) FROM {table} WHERE import_id = 999") == 0  # noqa: S608
    s.close()


def test_an_interrupted_undo_is_finished_on_open(db_path, tmp_path):
    from vmdash import demo
    from vmdash.ingest.pipeline import Upload, import_files

    first = demo.write_synthetic_csv(tmp_path / "first.csv", rows=300, seed=3)
    second = tmp_path / "second.csv"
    second.write_text(first.read_text(encoding="utf-8").replace(",", " ,", 1), encoding="utf-8")
    s = Store(db_path, idle_release_s=None)
    import_files(s, [Upload(first, first.name)])
    before = store_checks.fingerprint(s)
    (report,) = import_files(s, [Upload(second, second.name)])
    assert report.rows_replaced == 300
    # The undo got as far as its first statement.
    s.scalar("UPDATE imports SET status = 'undone' WHERE import_id = $id", {"id": report.import_id})
    s = _unclean_reopen(s)
    fp = store_checks.fingerprint(s)
    assert fp["facts"] == before["facts"]
    assert s.scalar("SELECT count(*) FROM active_facts") == 300
    s.close()


def test_duckdb_runs_under_a_memory_cap_that_an_operator_can_move(db_path, monkeypatch):
    s = Store(db_path, idle_release_s=None)
    capped = s.scalar("SELECT current_setting('memory_limit')")
    # (Nor does DuckDB's own progress bar write into the command line's output.)
    assert s.scalar("SELECT current_setting('enable_progress_bar')") is False
    s.close()
    monkeypatch.setenv("VMDASH_MEMORY_LIMIT", "2GB")
    s = Store(db_path, idle_release_s=None)
    moved = s.scalar("SELECT current_setting('memory_limit')")
    s.close()
    # DuckDB reports the cap in its own units (1 GB = 953.6 MiB).
    assert capped.endswith("MiB") and 900 < float(capped.split()[0]) < 1000
    assert moved.endswith("GiB") and 1.7 < float(moved.split()[0]) < 1.9
