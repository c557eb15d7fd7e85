"""A throwaway PostgreSQL server (Debian's packages) on loopback, to hold DuckLake catalogs.

    with throwaway_postgres() as server:
        Store(f"ducklake:postgres:{server.dsn()}", data_path=...)

Used by tests/scale (its `postgres` fixture) and by `python bench/run.py --only ducklake`.
What is missing to start one (PostgreSQL, the DuckLake extension packages, psycopg) raises
PostgresUnavailable naming the one thing to install.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vmdash.store import extension_path

PG_ROOT = Path("/usr/lib/postgresql")


class PostgresUnavailable(RuntimeError):
    """PostgreSQL or a package DuckLake needs is not installed here: `reason` says which and how to install it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PostgresDidNotStart(RuntimeError):
    """Everything is installed but initdb or pg_ctl failed; the message ends with what PostgreSQL said."""


@dataclass(frozen=True)
class Postgres:
    """A running server: its port and a libpq connection string to a database on it."""

    port: int
    # How to stop and start it again (pg_ctl, as its owner, and its folder), for tests of a catalog that goes away.
    ctl: tuple[str, ...] = ()
    home: Path | None = None
    options: str = ""

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=vmdash dbname={dbname}"

    def stop(self) -> None:
        """Stop the server (fast shutdown: every session ends), as an outage does."""
        assert self.home is not None, "a server this module did not start"
        subprocess.run(
            [*self.ctl, "-D", str(self.home / "data"), "-m", "fast", "-w", "stop"], check=True, capture_output=True
        )

    def start(self) -> None:
        """Start the stopped server again on the same port."""
        assert self.home is not None, "a server this module did not start"
        subprocess.run(
            [*self.ctl, "-D", str(self.home / "data"), "-o", self.options, "-l", str(self.home / "log"), "-w", "start"],
            check=True,
            capture_output=True,
        )


def _pg_bin() -> Path | None:
    versions = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def unavailable(start: bool = True) -> str | None:
    """Why DuckLake on PostgreSQL cannot run here, or None when it can.

    Args: start: a throwaway server must be started too (False when the caller brings its own server).
    """
    if start and _pg_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    for name in ("ducklake", "postgres_scanner"):
        if extension_path(name) is None:
            return f"the {name} extension package is missing (pip install -r requirements-scale.txt)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is missing (pip install -r requirements-scale.txt)"
    if start and os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    """initdb + pg_ctl in a temp folder, as a non-root user, on a free loopback port; stopped and removed after."""
    reason = unavailable()
    if reason:
        raise PostgresUnavailable(reason)
    bin_dir = _pg_bin()
    assert bin_dir is not None  # unavailable() checked it
    # PostgreSQL refuses to run as root: run it as Debian's postgres user.
    prefix: list[str] = []
    home = Path(tempfile.mkdtemp(prefix="vmdash-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
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
        raise PostgresDidNotStart(f"PostgreSQL did not start: {exc.stderr.strip()[-500:]}") from exc
    try:
        yield Postgres(port, (*prefix, str(bin_dir / "pg_ctl")), home, options)
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)
