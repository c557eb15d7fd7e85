"""YouTube Studio exports through the Upload page: the preview says what was found, the import the raw file's totals.

The page's upload flow runs in AppTest with the file handed over as st.file_uploader
would; expected totals are summed from the raw fixtures by tests/support/youtube_exports.py's
own reading (see tests/data/youtube/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import store_checks
from tests.support.apps import read_as_shown
from tests.support.youtube_exports import DATA, LOADED, MEASURE_HEADERS, REFUSED, build, raw_totals
from vmdash.store import Store

# Left out of the fast loop: every Studio shape uploaded through AppTest, then every page.
pytestmark = pytest.mark.slow


def _upload_script(db_path: str, file_path: str, file_name: str) -> None:
    """The Upload page's preview and import controls for one uploaded file."""
    from pathlib import Path

    from vmdash import ui
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)

    class Uploaded:  # what st.file_uploader hands the page
        name = file_name
        file_id = "yt1"

        def getbuffer(self) -> bytes:
            return Path(file_path).read_bytes()

    ui.upload_flow(s, [Uploaded()], None, None)
    s.close()


def _app(db: Path, path: Path) -> AppTest:
    app = AppTest.from_function(_upload_script, args=(str(db), str(path), path.name), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    return app.run()


def _fingerprint(db: Path) -> dict:
    s = Store(db, idle_release_s=None)
    try:
        return store_checks.fingerprint(s)
    finally:
        s.close()


SHOWN = [
    "table_data_blank_measures.csv",
    "Inhalt 2026-03-01_2026-03-03 Maison Lumière.zip",
    "Conteúdo 2026-03-01_2026-03-03 Maison Lumière.zip",
    "Contenido 2026-03-01_2026-03-03 Maison Lumière.zip",
    "ja_table_data.csv",
    "Traffic source 2026-03-01_2026-03-03 Maison Lumière.zip",
    "excel_resaved_cp1252.csv",
]


@pytest.mark.parametrize("name", SHOWN)
def test_the_upload_page_imports_each_shape_with_the_raw_totals(tmp_path, name):
    sources, fmt, _, _ = LOADED[name]
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    path = build(name, tmp_path)
    app = _app(db, path)
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert "YouTube Studio" in " ".join(s.value for s in app.success)
    [button] = [b for b in app.button if b.label == "Import 1 file(s)"]
    button.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    want, rows = raw_totals(sources)
    s = Store(db, idle_release_s=None)
    try:
        assert s.rows("SELECT source_format, rows_loaded, rows_rejected FROM imports") == [(fmt, rows, 0)]
        for measure in MEASURE_HEADERS:
            got = s.scalar(f'SELECT sum("{measure}") FROM active_facts')
            if measure in want:
                assert got == pytest.approx(want[measure], rel=1e-12), measure
            else:
                assert got is None, measure
    finally:
        s.close()
    # The same file uploaded again is recognised, and importing it changes nothing.
    before = _fingerprint(db)
    again = _app(db, path)
    assert "Already imported" in " ".join(i.value for i in again.info)
    [button] = [b for b in again.button if b.label == "Import 1 file(s)"]
    button.click().run()
    assert _fingerprint(db) == before


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_upload_page_refuses_unloadable_shapes_in_one_line(tmp_path, name):
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    before = _fingerprint(db)
    app = _app(db, DATA / name)
    assert not app.exception
    [error] = [read_as_shown(e.value) for e in app.error]
    assert "\n" not in error and name in error
    for words in REFUSED[name]:
        assert words in error
    assert not [b for b in app.button if b.label.startswith("Import")]
    assert _fingerprint(db) == before


PAGES = ["pages/overview.py", "pages/retention.py", "pages/completion.py", "pages/funnel.py", "pages/data.py"]


@pytest.fixture(scope="module")
def youtube_db(tmp_path_factory) -> Path:
    """The sample data plus every loadable YouTube shape: rows by traffic source, engaged views, NULL views."""
    from vmdash import demo
    from vmdash.ingest import Upload, import_files

    folder = tmp_path_factory.mktemp("youtube_pages")
    db = folder / "vmdash.duckdb"
    s = Store(db, idle_release_s=None)
    demo.load_samples(s)
    for name in LOADED:
        path = build(name, folder)
        import_files(s, [Upload(path, path.name)])
    assert s.scalar("SELECT count(*) FROM active_facts WHERE traffic_source IS NOT NULL") > 0
    s.close()
    return db


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_traffic_sources_and_engaged_views_loaded(youtube_db, page, monkeypatch):
    from tests.support.apps import ANALYST_KEY, ROOT

    monkeypatch.setenv("VMDASH_DB", str(youtube_db))
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key="_analyst_key").input(ANALYST_KEY).run()
    if page != PAGES[0]:
        app.switch_page(page).run()
    assert not app.exception, app.exception
