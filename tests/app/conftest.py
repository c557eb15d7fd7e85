"""AppTest fixtures: the real app.py against a database on a temp path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ANALYST_KEY, ROOT


@pytest.fixture(scope="module")
def app_db(tmp_path_factory, sample_db_file) -> Path:
    """A database holding the sample exports, shared by a module's app tests."""
    path = tmp_path_factory.mktemp("app") / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


@pytest.fixture
def app(app_db, monkeypatch):
    """A fresh AppTest of app.py on the sample database (not yet run)."""
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


@pytest.fixture
def analyst_app(app, monkeypatch):
    """The app on a server with an analyst key, signed in through the sidebar (run once)."""
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    app.run()
    app.text_input(key="_analyst_key").input(ANALYST_KEY).run()
    return app
