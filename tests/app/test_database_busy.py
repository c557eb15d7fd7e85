"""A page opened while another process holds the database says so and retries, never an exception box."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from tests.support.locks import hold_database
from vmdash.ui import common

# Left out of the fast loop: a second process holds the database lock for seconds.
pytestmark = pytest.mark.slow


@pytest.fixture
def busy_db(tmp_path, sample_db_file) -> Path:
    path = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


@pytest.mark.parametrize(
    ("page", "title"),
    [(None, "Overview"), ("pages/retention.py", "Retention"), ("pages/test-learn.py", "Test & learn")],
)
def test_a_locked_database_shows_a_retrying_message_then_the_page(busy_db, monkeypatch, page, title):
    monkeypatch.setenv("VMDASH_DB", str(busy_db))
    monkeypatch.setattr(common, "BUSY_WAIT_S", 1.0)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page:
        # A session already on the site moves to another page while the file is locked.
        app.run()
        assert not app.exception
    holder = hold_database(busy_db, 60)
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
        # The message is on the page asked for, under its title: the page is settled before any query.
        assert [t.value for t in app.title] == [title]
    finally:
        holder.kill()
        holder.wait()
    # Free again: the next run (the message's timed check) draws the page as usual.
    time.sleep(common.BUSY_RETRY_S)
    app.run()
    assert not app.exception
    assert common.BUSY_TEXT not in [w.value for w in app.warning]
    assert app.title[0].value == title
