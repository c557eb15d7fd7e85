"""Another process holding a database file, as `python -m vmdash import` does through a long import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Opens the file read-write once the app lets go of it, says so, then holds it.
HOLDER = """
import sys, time
import duckdb
deadline = time.monotonic() + 20
while True:  # the app lets go of the file after an idle second
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.1)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_database(path: Path, seconds: float) -> subprocess.Popen:
    """Start a process that holds `path` for `seconds`; returns once it does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder
