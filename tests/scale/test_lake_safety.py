"""A lake's failures stay clean: no secret in any output, nothing half written, the writers' lock let go.

Each test gets a fresh catalog on the session's throwaway PostgreSQL (conftest.py). The
server trusts loopback, so a password written in the setting is accepted and never checked:
what matters is that it is never shown.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import psycopg
import pytest

from vmdash import cli
from vmdash.errors import DatabaseBusy, VmdashError
from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import SCHEMA_VERSION, Store
from vmdash.store.lake import _WRITER_LOCK_KEY

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Sekr3t-pw"
SAMPLE = ROOT / "data" / "samples" / "tiktok_studio_content.csv"
OTHER = ROOT / "data" / "samples" / "wistia_media_stats.csv"
THIRD = ROOT / "data" / "samples" / "vimeo_videos.csv"


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _settings(dsn: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in dsn.split())


def _with_password(target: str, form: str, port: int | None = None) -> str:
    """The lake's setting with SECRET as its password, as `password=` or as a `postgresql://` URI."""
    dsn = _settings(target.removeprefix("ducklake:postgres:"))
    if port is not None:
        dsn["port"] = str(port)
    if form == "key":
        return "ducklake:postgres:" + " ".join(f"{k}={v}" for k, v in dsn.items()) + f" password={SECRET}"
    return f"ducklake:postgres:postgresql://{dsn['user']}:{SECRET}@{dsn['host']}:{dsn['port']}/{dsn['dbname']}"


def _admin(postgres):
    return psycopg.connect(postgres.dsn(), autocommit=True)


def _cut_off(postgres, dbname: str, rename_to: str | None = None) -> None:
    """End every session on the lake's catalog, as a server restart does; with `rename_to`, it stays unreachable."""
    with _admin(postgres) as con:
        con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,))
        if rename_to:
            con.execute(f'ALTER DATABASE "{dbname}" RENAME TO "{rename_to}"')


@pytest.mark.parametrize("form", ["key", "uri"])
def test_no_password_reaches_the_command_line_or_an_error(lake, postgres, form, capsys):
    reachable = _with_password(lake.target, form)
    env = {**lake.env, "VMDASH_DB": reachable}
    done = _cli("import", str(SAMPLE), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = [done.stdout, done.stderr]

    # The catalog unreachable at start: one line, the setting shown masked.
    closed = _with_password(lake.target, form, port=1)
    failed = _cli("summary", env={**env, "VMDASH_DB": closed})
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: cannot open the DuckLake ") and "***" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    shown += [failed.stdout, failed.stderr]

    # The catalog lost under an open store: DuckDB quotes the whole setting in its error.
    store = Store(reachable)
    try:
        assert store.scalar("SELECT count(*) FROM imports") > 0
        _cut_off(
            postgres, _settings(lake.target.removeprefix("ducklake:postgres:"))["dbname"], rename_to=f"gone_{form}"
        )
        with pytest.raises(Exception) as raised:
            store.rows("SELECT count(*) FROM facts")
        shown += [str(raised.value), "".join(traceback.format_exception(raised.value))]
    finally:
        store.close()
    assert cli.main(["summary", "--db", reachable]) == 1
    captured = capsys.readouterr()
    shown += [captured.out, captured.err]

    leaks = [text for text in shown if SECRET in text]
    assert not leaks, leaks


def _dbname(lake) -> str:
    return _settings(lake.target.removeprefix("ducklake:postgres:"))["dbname"]


def _writers_lock_is_free(lake) -> bool:
    # Advisory locks belong to one database: ask on the lake's own catalog.
    with psycopg.connect(lake.target.removeprefix("ducklake:postgres:"), autocommit=True) as con:
        free = con.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER_LOCK_KEY,)).fetchone()[0]
        if free:
            con.execute("SELECT pg_advisory_unlock(%s)", (_WRITER_LOCK_KEY,))
        return free


def test_the_catalog_restarted_during_an_import_says_one_line_writes_nothing_and_frees_the_writers(
    lake, postgres, monkeypatch, capsys
):
    store = Store(lake.target)  # long-lived, as the app's
    try:
        import_files(store, [Upload(SAMPLE, SAMPLE.name)])
        before = _count_imports(lake)
        merge = pipeline._merge_youtube_grains

        def restart_then_merge(tx, report):
            # Inside the write (its catalog transaction open), nothing committed: every catalog
            # session ends, as in a restart.
            tx.execute("SELECT count(*) FROM facts").fetchone()
            _cut_off(postgres, _dbname(lake))
            merge(tx, report)

        monkeypatch.setattr(pipeline, "_merge_youtube_grains", restart_then_merge)
        with pytest.raises(VmdashError) as raised:
            import_files(store, [Upload(OTHER, OTHER.name)])
        message = str(raised.value)
        assert len(message.splitlines()) == 1 and "nothing was written" in message and "ROLLBACK" not in message
        assert _count_imports(lake) == before
        assert _writers_lock_is_free(lake)

        # The same store (the app's) carries on: it reads, and the import goes through once retried.
        monkeypatch.setattr(pipeline, "_merge_youtube_grains", merge)
        assert store.scalar("SELECT count(*) FROM imports") == before
        (report,) = import_files(store, [Upload(OTHER, OTHER.name)])
        assert report.import_id == before + 1
    finally:
        store.close()

    # From the command line it is that one line.
    monkeypatch.setattr(pipeline, "_merge_youtube_grains", restart_then_merge)
    capsys.readouterr()
    assert cli.main(["import", "--db", lake.target, str(THIRD)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"error: {message}\n")
    assert _count_imports(lake) == before + 1


def _count_imports(lake) -> int:
    s = Store(lake.target)
    try:
        return s.scalar("SELECT count(*) FROM imports")
    finally:
        s.close()


OPENER = """
import sys, time
from pathlib import Path
from vmdash.store import SCHEMA_VERSION, Store

go = Path(sys.argv[1])
while not go.exists():  # every process imported, connected to nothing yet: start together
    time.sleep(0.005)
s = Store()
print(s.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))
s.close()
"""


def test_three_processes_creating_a_new_lake_at_once_all_succeed(lake, tmp_path):
    go = tmp_path / "go"
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(go)],
            cwd=ROOT,
            env=lake.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        time.sleep(3)  # long enough for each to import vmdash and duckdb
        go.touch()
        results = [p.communicate(timeout=300) for p in openers]
    finally:
        for p in openers:
            if p.poll() is None:
                p.kill()
    for opener, (out, err) in zip(openers, results, strict=True):
        assert opener.returncode == 0, err[-2000:]
        assert out.strip() == str(SCHEMA_VERSION)
    assert _count_imports(lake) == 0


IMPORTER = """
import sys, time
from pathlib import Path
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

go, export = Path(sys.argv[1]), Path(sys.argv[2])
s = Store()
s.rows("SELECT 1")  # attached and migrated before the start
while not go.exists():
    time.sleep(0.005)
for report in import_files(s, [Upload(export, export.name)]):
    print(report.summary_line())
s.close()
"""


def test_two_imports_of_one_file_at_once_give_one_import(lake, tmp_path):
    _count_imports(lake)  # the lake made and migrated once, so both start on equal terms
    go = tmp_path / "go"
    importers = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(go), str(SAMPLE)],
            cwd=ROOT,
            env=lake.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        time.sleep(5)  # each has imported vmdash and opened the lake
        go.touch()
        results = [p.communicate(timeout=300) for p in importers]
    finally:
        for p in importers:
            if p.poll() is None:
                p.kill()
    for importer, (_, err) in zip(importers, results, strict=True):
        assert importer.returncode == 0, err[-2000:]
    said = sorted(out.strip() for out, _ in results)
    assert said[0] == f"{SAMPLE.name}: already imported as #1; nothing changed", said
    assert said[1].startswith(f"{SAMPLE.name}: import #1,"), said
    assert _count_imports(lake) == 1


def test_a_lake_spills_to_its_temp_folder_never_the_working_directory(lake, tmp_path, monkeypatch):
    store = Store(lake.target)
    try:
        default = Path(store.scalar("SELECT current_setting('temp_directory')"))
    finally:
        store.close()
    assert default == Path(tempfile.gettempdir()) / f"vmdash-spill-{os.getpid()}"

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("VMDASH_TEMP_DIR", str(tmp_path / "spill"))
    monkeypatch.setenv("VMDASH_MEMORY_LIMIT", "100MB")
    store = Store(lake.target)
    try:
        # A sort larger than the memory limit: DuckDB must spill it.
        rows = store.scalar(
            "SELECT count(*) FROM (SELECT md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS h "
            "FROM range(2000000) AS t(i) ORDER BY h OFFSET 1)"
        )
        assert rows == 1_999_999
        assert (tmp_path / "spill" / f"vmdash-spill-{os.getpid()}").is_dir()
        assert list(work.iterdir()) == []
    finally:
        store.close()


def test_a_reader_opening_the_lake_never_waits_for_a_writer(lake, monkeypatch):
    _count_imports(lake)  # made and migrated
    monkeypatch.setenv("VMDASH_WRITE_WAIT_S", "0.5")
    with psycopg.connect(lake.target.removeprefix("ducklake:postgres:"), autocommit=True) as writer:
        writer.execute("SELECT pg_advisory_lock(%s)", (_WRITER_LOCK_KEY,))  # an import under way
        reader = Store(lake.target)  # were it to queue, it would fail in half a second
        try:
            assert reader.scalar("SELECT count(*) FROM imports") == 0
        finally:
            reader.close()


HOLDER = "vmdash pid 999 on test-host"


def _hold_the_writers_lock(lake):
    """A catalog session holding the writers' lock under a vmdash writer's name: an import under way."""
    con = psycopg.connect(lake.target.removeprefix("ducklake:postgres:"), autocommit=True, application_name=HOLDER)
    con.execute("SELECT pg_advisory_lock(%s)", (_WRITER_LOCK_KEY,))
    return con


def test_writers_queue_behind_the_writer_ahead_and_say_whom_they_wait_for(lake, postgres, monkeypatch):
    _count_imports(lake)  # made and migrated
    files = [SAMPLE, OTHER, THIRD]
    holder = _hold_the_writers_lock(lake)
    try:
        # Longer than the 30 s writers once waited; a dead writer ahead would have let go at once.
        importers = [
            subprocess.Popen(
                [sys.executable, "-m", "vmdash", "import", str(f)],
                cwd=ROOT,
                env={**lake.env, "VMDASH_WRITE_WAIT_S": "600"},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        try:
            # Each import has reached the writers' lock once its own catalog session is named.
            deadline = time.monotonic() + 240
            with _admin(postgres) as admin:
                while time.monotonic() < deadline:
                    waiting = admin.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'vmdash pid %%' "
                        "AND application_name <> %s",
                        (HOLDER,),
                    ).fetchone()[0]
                    if waiting == len(files) or any(p.poll() is not None for p in importers):
                        break
                    time.sleep(0.2)
            time.sleep(1)
            assert all(p.poll() is None for p in importers), "an import did not wait for the writer ahead"
        finally:
            holder.close()  # the writer ahead is done
        results = [p.communicate(timeout=300) for p in importers]
    finally:
        for p in importers:
            if p.poll() is None:
                p.kill()
    for importer, (out, err) in zip(importers, results, strict=True):
        assert importer.returncode == 0, err[-2000:]
        assert f"waiting for {HOLDER} to finish writing to the lake" in err, err
        assert "import #" in out
    assert _count_imports(lake) == len(files)


def test_a_writer_waits_no_longer_than_its_ceiling_and_writes_nothing(lake, monkeypatch):
    _count_imports(lake)
    monkeypatch.setenv("VMDASH_WRITE_WAIT_S", "1")
    holder = _hold_the_writers_lock(lake)
    store = Store(lake.target)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as raised:
            import_files(store, [Upload(SAMPLE, SAMPLE.name)])
        assert time.monotonic() - started < 30
        message = str(raised.value)
        assert (
            message.startswith(f"{HOLDER} has been writing to the lake for ")
            and "(VMDASH_WRITE_WAIT_S, 1 s)" in message
        )
        assert "nothing was written" in message

        monkeypatch.setenv("VMDASH_WRITE_WAIT_S", "soon")
        with pytest.raises(VmdashError, match="VMDASH_WRITE_WAIT_S must be a number of seconds above 0"):
            import_files(store, [Upload(SAMPLE, SAMPLE.name)])
    finally:
        holder.close()
        store.close()
    assert _count_imports(lake) == 0
