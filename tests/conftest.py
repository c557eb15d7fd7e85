"""Shared test fixtures (real DuckDB files on temp paths, the real-format sample exports), which tests are slow, and which run first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vmdash import charts, demo
from vmdash.store import Store

# Every chart an app test draws is checked against the Vega-Lite schema (pages skip it).
charts.VALIDATE_SPECS = True

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
# The longest files, handed out first (the clean CI runs' figures): on two workers, whatever
# starts last sets the suite's time, and a three-minute browser file started late ran the suite
# past ten minutes. pyproject's `--no-loadscope-reorder` keeps this order: by default
# pytest-xdist hands out the files with the most tests first, so a one-test file went last.
# Not strictly longest to shortest: beside the twenty-sessions file go files that only compute.
# The DuckLake and replica files wait on PostgreSQL and proxy round trips, which the twenty
# browsers slowed tenfold (a DuckLake test took 169 s beside them and 17 s alone), where a
# computing file is slowed two to three times.
LONGEST_FIRST = (
    "browser/test_concurrency.py",
    "integration/test_crash_safety.py",
    "integration/test_chart_points.py",
    "integration/test_types.py",
    "unit/test_hostile_inputs.py",
    "browser/test_periods.py",
    "scale/test_ducklake.py",
    "scale/test_maintain.py",
    "scale/test_affinity.py",
    "browser/test_bench_browser.py",
    "app/test_bound_widgets.py",
    "browser/test_video_page.py",
    "integration/test_bench_smoke.py",
    "browser/test_sharing.py",
)

# Every test under these folders is `slow`: left out of the fast loop (`-m "not slow and not browser"`),
# still run by CI. They start processes or PostgreSQL, or import large generated data.
SLOW_PATHS = ("integration/", "scale/")
TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow paths' tests before `-m` selects, and put the longest files first (a stable sort)."""
    for item in items:
        if item.path.is_relative_to(TESTS) and item.path.relative_to(TESTS).as_posix().startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)

    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))

    items.sort(key=rank)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path."""
    return tmp_path / "vmdash.duckdb"


@pytest.fixture(scope="session")
def empty_db_file(tmp_path_factory) -> Path:
    """An empty database at the current schema, created once per test process.

    Fixtures hand out copies: creating a file runs every migration (0.15 s on a quiet machine,
    over a second beside the rest of the suite), copying it takes milliseconds.
    """
    path = tmp_path_factory.mktemp("empty") / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    try:
        s.scalar("SELECT count(*) FROM meta")  # the first use opens and migrates the file
    finally:
        s.close()
    return path


@pytest.fixture
def store(db_path: Path, empty_db_file: Path):
    """An empty store that keeps its connection while the test runs (a fresh copy per test)."""
    shutil.copyfile(empty_db_file, db_path)
    s = Store(db_path, idle_release_s=None)
    yield s
    s.close()


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory) -> Path:
    """A database file holding every bundled sample export, imported once per test process.

    Never opened by a test: fixtures hand out copies, because importing the samples costs
    seconds and copying the file milliseconds.
    """
    path = tmp_path_factory.mktemp("samples") / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    try:
        demo.load_samples(s)
    finally:
        s.close()
    return path


@pytest.fixture
def sample_store(db_path: Path, sample_db_file: Path):
    """A store holding every bundled sample export (a fresh copy per test)."""
    shutil.copyfile(sample_db_file, db_path)
    s = Store(db_path, idle_release_s=None)
    yield s
    s.close()


@pytest.fixture(scope="session")
def samples() -> Path:
    """The folder of bundled sample exports."""
    return SAMPLES
