"""Shared test fixtures: real DuckDB files on temp paths and the real-format sample exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmdash import demo
from vmdash.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


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
