"""Undo on the Upload page asks first, naming what goes and what comes back, then says what it did."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vmdash.store import Store


def _history_script(db_path: str) -> None:
    from vmdash import ui
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)
    try:
        ui.import_history(s)
    finally:
        s.close()


@pytest.fixture
def db(tmp_path, sample_db_file) -> Path:
    path = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


def _active(db: Path) -> tuple[list[int], int]:
    s = Store(db, idle_release_s=None)
    try:
        ids = [i for (i,) in s.rows("SELECT import_id FROM imports WHERE status = 'active' ORDER BY import_id")]
        # An import loads facts or retention points (its target); rows_loaded counts either.
        rows = s.scalar("SELECT (SELECT count(*) FROM active_facts) + (SELECT count(*) FROM active_retention)")
        return ids, int(rows)
    finally:
        s.close()


def _app(db: Path) -> AppTest:
    app = AppTest.from_function(_history_script, args=(str(db),), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    return app.run()


def test_undo_names_what_it_removes_and_waits_for_a_confirmation(db):
    before = _active(db)
    app = _app(db)
    assert not app.exception
    table = app.dataframe[0].value
    assert table.columns[0] == "status"
    newest = before[0][-1]
    rows = int(table.set_index("import_id").loc[newest, "rows_loaded"])
    app.selectbox[0].set_value(newest).run()
    app.button(key="undo_button").click().run()
    [warning] = [w.value for w in app.warning]
    assert warning.startswith(f"Undoing import #{newest} (")
    assert f"removes its {rows:,} rows" in warning
    assert _active(db) == before  # asking changes nothing

    app.button(key="undo_cancel").click().run()
    assert not app.warning and _active(db) == before


def test_a_confirmed_undo_says_what_it_removed_after_the_page_is_redrawn(db):
    ids, stored = _active(db)
    newest = ids[-1]
    app = _app(db)
    app.selectbox[0].set_value(newest).run()
    app.button(key="undo_button").click().run()
    rows = int(app.dataframe[0].value.set_index("import_id").loc[newest, "rows_loaded"])
    app.button(key="undo_confirm").click().run()
    assert not app.exception and not app.error
    [message] = [m.value for m in app.success]
    assert message.startswith(f"Import #{newest} (") and message.endswith(f"undone: {rows:,} rows removed.")
    assert _active(db) == (ids[:-1], stored - rows)
    # Said once: the next redraw no longer repeats it.
    app.run()
    assert not app.success
