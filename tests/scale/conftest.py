"""DuckLake catalogs on a throwaway PostgreSQL server (tests/support/pgserver.py), one fresh database per test.

Without PostgreSQL, or without the DuckLake extension packages (requirements-scale.txt),
the scale tests are skipped with the reason; with VMDASH_REQUIRE_POSTGRES=1 (CI) they fail.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pgserver import Postgres, PostgresDidNotStart, throwaway_postgres, unavailable
from tests.support.required import postgres_missing


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One throwaway server for the whole session."""
    reason = unavailable()
    if reason:
        postgres_missing(reason)
    with ExitStack() as stack:
        try:
            server = stack.enter_context(throwaway_postgres())
        except PostgresDidNotStart as exc:
            pytest.fail(str(exc), pytrace=False)
        yield server


_names = itertools.count(1)


@dataclass(frozen=True)
class Lake:
    """One empty DuckLake: the `VMDASH_DB` setting and the folder of its Parquet files."""

    target: str
    data_path: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "VMDASH_DB": self.target, "VMDASH_DATA_PATH": str(self.data_path)}


@pytest.fixture
def lake(postgres: Postgres, tmp_path: Path, monkeypatch) -> Lake:
    """A fresh catalog database on the server, with VMDASH_DB / VMDASH_DATA_PATH set for this test."""
    import psycopg

    name = f"lake_{os.getpid()}_{next(_names)}"
    with psycopg.connect(postgres.dsn(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    found = Lake(f"ducklake:postgres:{postgres.dsn(name)}", tmp_path / "lake")
    monkeypatch.setenv("VMDASH_DB", found.target)
    monkeypatch.setenv("VMDASH_DATA_PATH", str(found.data_path))
    return found
