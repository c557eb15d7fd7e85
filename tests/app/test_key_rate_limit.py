"""The analyst key cannot be guessed at form speed: a session and a client address get a few tries, then a lockout."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ANALYST_KEY, ROOT
from vmdash import roles

# Left out of the fast loop: many fresh AppTest sessions to reach the limits.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def clean_attempts():
    # The limiter is process-wide, like the server's: no other test may inherit a lockout.
    roles.KEY_ATTEMPTS.reset()
    yield
    roles.KEY_ATTEMPTS.reset()


def _session(app_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def _try(app: AppTest, key: str) -> str:
    app.text_input(key="_analyst_key").input(key).run()
    assert not app.exception
    return " ".join(e.value for e in app.error)


def test_a_session_is_locked_out_after_five_wrong_keys_even_for_the_right_one(app_db, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="vmdash.access")
    app = _session(app_db, monkeypatch)
    for n in range(5):
        assert _try(app, f"guess-{n}") == "That is not the analyst key."
    assert "Too many wrong keys: try again in 5 minutes." in _try(app, "guess-5")
    # Locked: the right key is not even compared, so the lockout confirms no guess.
    assert _try(app, ANALYST_KEY) == "Too many wrong keys: try again in 5 minutes."
    assert "_vmdash_role" not in app.session_state or app.session_state["_vmdash_role"] != "analyst"
    logged = [r.getMessage() for r in caplog.records if r.name == "vmdash.access"]
    assert sum("analyst key refused" in m for m in logged) == 6
    assert sum("locked for 300 s" in m for m in logged) == 1
    assert not any("guess-" in m or ANALYST_KEY in m for m in logged)


def test_fresh_sessions_from_one_address_are_stopped_by_the_address_limit(app_db, monkeypatch):
    monkeypatch.setattr(roles.KEY_ATTEMPTS, "per_address", 7)
    refused = []
    for n in range(3):
        app = _session(app_db, monkeypatch)
        refused += [_try(app, f"guess-{n}-{k}") for k in range(3)]
    assert refused[:7] == ["That is not the analyst key."] * 7
    assert refused[7].endswith("Too many wrong keys: try again in 5 minutes.")
    assert refused[8] == "Too many wrong keys: try again in 5 minutes."
    # A new session from that address cannot sign in either, with the right key.
    app = _session(app_db, monkeypatch)
    assert _try(app, ANALYST_KEY) == "Too many wrong keys: try again in 5 minutes."
    assert "_vmdash_role" not in app.session_state
    # The upload page's URL opens for anyone, and refuses a session that is not an analyst's.
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert any("Only analysts can upload, map or undo." in e.value for e in app.error)
    assert not app.get("file_uploader")


def test_the_right_key_within_the_limit_still_signs_in(app_db, monkeypatch):
    app = _session(app_db, monkeypatch)
    for n in range(5):
        _try(app, f"typo-{n}")
    assert _try(app, ANALYST_KEY) == ""
    assert app.session_state["_vmdash_role"] == "analyst"
    app.switch_page("pages/data.py").run()
    assert not app.exception
