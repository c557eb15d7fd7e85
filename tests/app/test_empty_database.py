"""An empty database (every import undone) says "no data yet" and how to load some, on every page."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ANALYST_KEY, ROOT
from vmdash.ingest import undo
from vmdash.store import Store
from vmdash.ui.common import NO_DATA_ANALYST, NO_DATA_VIEWER
from vmdash.ui.navigation import _ANALYST_PAGES, _PAGES

DATA_PAGES = [script for script, *_ in _PAGES if script != "pages/plans.py"]


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory, sample_db_file):
    """The samples imported, then every import undone: imports on record, no data."""
    path = tmp_path_factory.mktemp("empty") / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    s = Store(path, idle_release_s=None)
    try:
        for (import_id,) in s.rows("SELECT import_id FROM imports WHERE status = 'active' ORDER BY 1 DESC"):
            undo(s, import_id)
        assert s.scalar("SELECT count(*) FROM active_facts") == 0
    finally:
        s.close()
    return path


def _visit(empty_db, monkeypatch, page: str, analyst: bool = False) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(empty_db))
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if analyst:
        app.text_input(key="_analyst_key").input(ANALYST_KEY).run()
    if page != "pages/overview.py":
        app.switch_page(page).run()
    assert not app.exception
    return app


def _text(app: AppTest) -> str:
    parts = []
    for kind in ("title", "markdown", "caption", "warning", "error", "info", "success", "subheader"):
        parts += [str(e.value) for e in getattr(app.main, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", DATA_PAGES)
def test_every_data_page_says_no_data_yet_and_who_loads_it(empty_db, monkeypatch, page):
    app = _visit(empty_db, monkeypatch, page)
    assert [i.value for i in app.main.info] == [NO_DATA_VIEWER]
    text = _text(app).lower()
    for misleading in ("widen", "clear a filter", "matches these filters", "in this selection"):
        assert misleading not in text, (page, misleading)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/funnel.py"])
def test_an_analyst_is_told_where_to_import(empty_db, monkeypatch, page):
    app = _visit(empty_db, monkeypatch, page, analyst=True)
    assert [i.value for i in app.main.info] == [NO_DATA_ANALYST]
    assert "Upload & data" in NO_DATA_ANALYST and "python -m vmdash import" in NO_DATA_ANALYST


def test_the_upload_page_still_offers_the_upload(empty_db, monkeypatch):
    app = _visit(empty_db, monkeypatch, _ANALYST_PAGES[0][0], analyst=True)
    assert NO_DATA_ANALYST not in _text(app)
    assert app.main.get("file_uploader")
