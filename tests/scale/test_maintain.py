"""`python -m vmdash maintain` on a lake: a dead writer's files go once old enough, a live writer's never."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.support import store_checks
from vmdash import demo
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
IGNORE = {"imported_at"}
TWO_HOURS = 2 * 3600

KILLER = """
import os, signal, sys
from pathlib import Path
from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import Store

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the facts are in Parquet files, nothing is committed

pipeline.refresh_rollup = die
export = Path(sys.argv[1])
import_files(Store(), [Upload(export, export.name)])
"""

# An import that stops inside its write (its Parquet files written, nothing committed) until GO exists.
PAUSER = """
import sys, time
from pathlib import Path
from vmdash.ingest import Upload, import_files, pipeline
from vmdash.store import Store

export, written, go = map(Path, sys.argv[1:4])
refresh = pipeline.refresh_rollup

def pause(*args, **kwargs):
    written.touch()  # the facts are inserted
    while not go.exists():
        time.sleep(0.05)
    refresh(*args, **kwargs)

pipeline.refresh_rollup = pause
for report in import_files(Store(), [Upload(export, export.name)]):
    print(report.summary_line())
"""


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _files(lake) -> set[Path]:
    return {p for p in lake.data_path.rglob("*") if p.is_file()}


def _fingerprint(target: str) -> dict:
    s = Store(target, idle_release_s=None)
    try:
        return store_checks.fingerprint(s, ignore=IGNORE)
    finally:
        s.close()


def _orphaned(lake) -> set[Path]:
    """The lake's files no snapshot references, whatever their age, as DuckLake lists them."""
    s = Store(lake.target, idle_release_s=None)
    try:
        rows = s.rows("SELECT path FROM ducklake_delete_orphaned_files('lake', dry_run => true, cleanup_all => true)")
    finally:
        s.close()
    return {Path(r[0]) for r in rows}


def _line(out: str, step: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith(f"{step}: ")]
    return line


def _wait_for(path: Path, proc: subprocess.Popen, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.1)


def _wait_for_text(path: Path, text: str, proc: subprocess.Popen, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in path.read_text(errors="replace"):
        assert proc.poll() is None, f"it ended without saying {text!r}: {path.read_text(errors='replace')[-2000:]}"
        assert time.monotonic() < deadline, f"{text!r} never said: {path.read_text(errors='replace')[-2000:]}"
        time.sleep(0.1)


def test_maintain_removes_a_killed_writers_files_once_old_and_keeps_a_running_imports(lake, tmp_path):
    seeded = Store(lake.target, idle_release_s=None)
    demo.load_samples(seeded)
    seeded.close()
    kept = _files(lake)
    before = _fingerprint(lake.target)

    export = demo.write_synthetic_csv(tmp_path / "synthetic_export.csv", rows=50_000, seed=9)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(export)], cwd=ROOT, env=lake.env, capture_output=True, text=True, timeout=300
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert _files(lake) - kept, "the killed import wrote no Parquet file"
    # Its files, and any other write's leftovers.
    orphans = _orphaned(lake)
    assert _files(lake) - kept <= orphans

    # Just written: as young as a running import's files, so kept.
    young = _cli("maintain", env=lake.env)
    assert young.returncode == 0, young.stderr[-2000:]
    assert re.fullmatch(
        rf"orphaned files: 0 deleted \(0 B\), {len(orphans)} younger than 1h kept \(.*\)",
        _line(young.stdout, "orphaned files"),
    ), young.stdout
    assert re.fullmatch(r"snapshots: \d+ expired \(older than 7d\), \d+ kept", _line(young.stdout, "snapshots"))
    assert _line(young.stdout, "small files").startswith("small files: ")
    assert orphans <= _files(lake)
    assert _fingerprint(lake.target) == before

    # Two hours later the dead writer's files go, while an import is in the middle of its write.
    for path in _files(lake):
        os.utime(path, (time.time() - TWO_HOURS, time.time() - TWO_HOURS))
    written, go = tmp_path / "written", tmp_path / "go"
    other = demo.write_synthetic_csv(tmp_path / "other_export.csv", rows=20_000, seed=11)
    running = subprocess.Popen(
        [sys.executable, "-c", PAUSER, str(other), str(written), str(go)],
        cwd=ROOT,
        env=lake.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(written, running)
        in_progress = _files(lake) - kept - orphans
        assert in_progress, "the running import wrote no Parquet file yet"
        told = tmp_path / "maintain.err"
        with told.open("wb") as err_file:
            maintaining = subprocess.Popen(
                [sys.executable, "-m", "vmdash", "maintain", "--older-than", "1h"],
                cwd=ROOT,
                env=lake.env,
                stdout=subprocess.PIPE,
                stderr=err_file,
                text=True,
            )
        try:
            # Queued behind the import: whatever it would delete before waiting is gone by now.
            _wait_for_text(told, "to finish writing to the lake", maintaining)
            assert in_progress <= _files(lake)
            go.touch()
            import_out, import_err = running.communicate(timeout=300)
            out, _ = maintaining.communicate(timeout=300)
            err = told.read_text(errors="replace")
        finally:
            if maintaining.poll() is None:
                maintaining.kill()
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 0, import_err[-2000:]
    assert maintaining.returncode == 0, err[-2000:]
    assert "to finish writing to the lake" in err  # it queued behind the import
    assert re.fullmatch(
        rf"orphaned files: {len(orphans)} deleted \(\d+\.\d [KM]B\), 0 younger than 1h kept \(.*\)",
        _line(out, "orphaned files"),
    ), out
    assert not orphans & _files(lake)
    assert in_progress <= _files(lake)

    after = _fingerprint(lake.target)
    assert after["facts"][0] == before["facts"][0] + 20_000
    again = _cli("summary", env=lake.env)
    assert again.returncode == 0, again.stderr[-2000:]
