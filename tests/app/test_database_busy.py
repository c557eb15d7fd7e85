"""A page opened while another process holds the database says so and retries, never an exception box."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from vmdash.ui import common

# Left out of the fast loop: a second process holds the database lock for seconds.
pytestmark = pytest.mark.slow

# Another process holding the file read-write, as `python -m vmdash import` does for a long import.
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


@pytest.fixture
def busy_db(tmp_path, sample_db_file) -> Path:
    path = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


@pytest.mark.parametrize("page", [None, "pages/retention.py", "pages/test-learn.py"])
def test_a_locked_database_shows_a_retrying_message_then_the_page(busy_db, monkeypatch, page):
    monkeypatch.setenv("VMDASH_DB", str(busy_db))
    monkeypatch.setattr(common, "BUSY_WAIT_S", 1.0)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page:
        # A session already on the site moves to another page while the file is locked.
        app.run()
        assert not app.exception
    holder = _hold(busy_db, 60)
    try:
        common._shared_store.clear()  # a new server process: no connection held yet
        started = time.monotonic()
        if page:
            app.switch_page(page).run()
        else:
            app.run()
        assert time.monotonic() - started < 30
        assert not app.exception, app.exception
        said = [w.value for w in app.warning]
        assert common.BUSY_TEXT in said, said
        assert said.count(common.BUSY_TEXT) == 1
        assert str(busy_db) not in " ".join(str(e.value) for e in [*app.warning, *app.error, *app.caption])
    finally:
        holder.kill()
        holder.wait()
    # Free again: the next run (the message's timed check) draws the page as usual.
    time.sleep(common.BUSY_RETRY_S)
    app.run()
    assert not app.exception
    assert common.BUSY_TEXT not in [w.value for w in app.warning]
    assert app.title[0].value in {"Overview", "Retention", "Test & learn"}
