"""Shared test fixtures: real DuckDB files on temp paths and the real-format sample exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmdash import demo
from vmdash.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
# The longest files, handed out first: on two workers, whatever starts last sets the suite's
# time, and a three-minute browser file started late ran the suite past ten minutes.
LONGEST_FIRST = (
    "browser/test_concurrency.py",
    "integration/test_crash_safety.py",
    "scale/test_ducklake.py",
    "integration/test_chart_points.py",
    "browser/test_sharing.py",
    "integration/test_bench_smoke.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest files first (a stable sort: every file keeps its own order)."""

    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))

    items.sort(key=rank)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path."""
    return tmp_path / "vmdash.duckdb"


@pytest.fixture
def store(db_path: Path):
    """An empty store that keeps its connection while the test runs."""
    s = Store(db_path, idle_release_s=None)
    yield s
    s.close()


@pytest.fixture
def sample_store(store: Store) -> Store:
    """A store holding every bundled sample export."""
    demo.load_samples(store)
    return store


@pytest.fixture(scope="session")
def samples() -> Path:
    """The folder of bundled sample exports."""
    return SAMPLES
