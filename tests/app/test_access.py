"""A viewer cannot write by any path, and the analyst key never leaves the server's memory.

test_links_and_roles.py covers the navigation (no Upload page for a viewer,
role=analyst in the URL) and test_roles.py the key and claim rules. Here: the
write controls the Upload page uses, run in a viewer's session, refuse on the
server and leave the database as it was; a key in the URL grants nothing; and
the key typed into the sign-in box appears in no page text, URL, session value,
log record or output stream, right or wrong.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import store_checks
from tests.support.apps import ANALYST_KEY, ROOT
from vmdash.store import Store

# Left out of the fast loop: every write control clicked through AppTest, on a database of its own.
pytestmark = pytest.mark.slow

SAMPLE = ROOT / "data" / "samples" / "tiktok_ads.csv"


def _writes_script(db_path: str, sample: str) -> None:
    """The Upload page's write controls, drawn for whoever this session is."""
    from pathlib import Path

    from vmdash import ui
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)

    class Uploaded:  # what st.file_uploader hands the page
        name = "new export.csv"
        file_id = "f1"

        def getbuffer(self) -> bytes:
            return Path(sample).read_bytes().replace(b"2026-03-", b"2025-03-")

    ui.upload_flow(s, [Uploaded()], None, None)
    ui.import_history(s)
    ui.objective_rules_editor(s)
    s.close()


@pytest.fixture
def fresh_db(tmp_path, sample_db_file) -> Path:
    path = tmp_path / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


def _fingerprint(path: Path) -> dict:
    s = Store(path, idle_release_s=None)
    try:
        return store_checks.fingerprint(s)
    finally:
        s.close()


def _writes_app(db: Path, role: str | None) -> AppTest:
    app = AppTest.from_function(_writes_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    if role:
        app.session_state["_vmdash_role"] = role
    return app.run()


@pytest.mark.parametrize("button", ["Import 1 file(s)", "Undo…", "Save rules"])
def test_a_viewer_pressing_any_write_control_is_refused_on_the_server(fresh_db, button):
    before = _fingerprint(fresh_db)
    app = _writes_app(fresh_db, None)  # a viewer: no role was ever set
    assert not app.exception
    [control] = [b for b in app.button if b.label == button]
    control.click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "only analysts can" in errors, errors
    assert _fingerprint(fresh_db) == before


def test_the_same_controls_write_for_an_analyst(fresh_db):
    # The refusal above is the role's doing, not a broken control.
    before = _fingerprint(fresh_db)
    app = _writes_app(fresh_db, "analyst")
    next(b for b in app.button if b.label == "Import 1 file(s)").click().run()
    assert not app.exception and not app.error
    assert _fingerprint(fresh_db)["facts"] != before["facts"]


@pytest.mark.parametrize(
    "params",
    [
        {"_analyst_key": [ANALYST_KEY]},
        {"analyst_key": [ANALYST_KEY]},
        {"key": [ANALYST_KEY], "role": ["analyst"]},
        {"_vmdash_role": ["analyst"], "_analyst_key_refused": ["false"], "user": ["admin"]},
    ],
    ids=["widget-key", "secret-name", "key-and-role", "session-names"],
)
def test_no_url_parameter_signs_anyone_in(app, monkeypatch, params):
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    for key, values in params.items():
        app.query_params[key] = values
    app.run()
    assert not app.exception
    assert "_vmdash_role" not in app.session_state
    # The page's URL opens (an analyst may follow a link before signing in) but refuses.
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Only analysts can upload, map or undo. Sign in with the analyst key in the sidebar."
    ]
    assert not app.get("file_uploader") and not app.button
    # The key in the URL is not echoed back into the page either.
    assert all(ANALYST_KEY not in str(e.value) for e in [*app.markdown, *app.warning, *app.caption])


def _everything_said(app: AppTest, caplog, capfd) -> str:
    parts = [record.getMessage() for record in caplog.records]
    out, err = capfd.readouterr()
    parts += [out, err]
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "code"):
        parts += [str(getattr(e, "value", "")) for e in getattr(app, kind)]
    parts += [v for values in app.query_params.values() for v in values]
    parts += [repr(v) for v in app.session_state.to_dict().values()]
    return "\n".join(parts)


@pytest.mark.parametrize("typed", [ANALYST_KEY, "wrong-" + ANALYST_KEY], ids=["right", "wrong"])
def test_the_typed_key_is_never_echoed_logged_or_kept(app, monkeypatch, caplog, capfd, typed):
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    caplog.set_level(logging.DEBUG)
    app.run()
    app.text_input(key="_analyst_key").input(typed).run()
    assert not app.exception
    signed_in = app.session_state.get("_vmdash_role") == "analyst"
    assert signed_in == (typed == ANALYST_KEY)
    if signed_in:
        app.switch_page("pages/data.py").run()  # the analyst's page, drawn and logged too
        assert not app.exception
    said = _everything_said(app, caplog, capfd)
    assert typed not in said and ANALYST_KEY not in said
    assert app.session_state.get("_analyst_key", "") == ""
