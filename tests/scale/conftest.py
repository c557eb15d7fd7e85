"""A throwaway PostgreSQL server (Debian's packages) holding DuckLake catalogs, on loopback.

Without PostgreSQL, or without the DuckLake extension packages (requirements-scale.txt),
the scale tests are skipped with the reason; with VMDASH_REQUIRE_POSTGRES=1 (CI) they fail.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from vmdash.store import extension_path

PG_ROOT = Path("/usr/lib/postgresql")


def _missing(reason: str) -> None:
    if os.environ.get("VMDASH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (VMDASH_REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(reason)


def _pg_bin() -> Path | None:
    versions = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Postgres:
    """A running server: its port and a libpq connection string to a database on it."""

    port: int

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=vmdash dbname={dbname}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """initdb + pg_ctl in a temp folder, as a non-root user, on a free loopback port."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        _missing("PostgreSQL is not installed (apt-get install postgresql)")
    for name in ("ducklake", "postgres_scanner"):
        if extension_path(name) is None:
            _missing(f"the {name} extension package is missing (pip install -r requirements-scale.txt)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is missing (pip install -r requirements-scale.txt)")
    # PostgreSQL refuses to run as root: run it as Debian's postgres user.
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and there is no postgres user to run PostgreSQL as")
        prefix = ["runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="vmdash-pg-"))
    if prefix:
        os.chown(home, owner.pw_uid, owner.pw_gid)
    data = home / "data"
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    try:
        subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "vmdash", "--no-sync"], **run
        )
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "log"), "-w", "start"],
            **run,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.stderr.strip()[-500:]}", pytrace=False)
    try:
        yield Postgres(port)
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(home, ignore_errors=True)


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
