"""The lake's catalog down: replicas show a clear retrying page, the readiness probe fails, both recover by themselves."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vmdash import demo
from vmdash.store import Store
from vmdash.ui import common

ROOT = Path(__file__).resolve().parents[2]


def _ready(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vmdash", "ready"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def seeded(lake):
    s = Store(lake.target, idle_release_s=None)
    demo.load_samples(s)
    s.close()
    return lake


def _said(app: AppTest) -> list[str]:
    return [w.value for w in app.warning]


def _shows_the_page(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert common.UNREACHABLE_TEXT not in _said(app)
    assert app.title[0].value == "Overview"


def _shows_unreachable(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert _said(app).count(common.UNREACHABLE_TEXT) == 1, _said(app)


def test_the_readiness_probe_fails_while_the_catalog_is_down(seeded, postgres):
    up = _ready(seeded.env)
    assert (up.returncode, up.stdout, up.stderr) == (0, "ready: the data store answers\n", "")
    postgres.stop()
    try:
        down = _ready(seeded.env)
    finally:
        postgres.start()
    assert down.returncode == 1
    assert down.stdout == ""
    assert down.stderr.startswith("error: cannot open the DuckLake ") and len(down.stderr.splitlines()) == 1
    again = _ready(seeded.env)
    assert again.returncode == 0, again.stderr


def test_replicas_show_the_unreachable_page_while_the_catalog_is_down_and_recover(seeded, postgres):
    common._shared_store.clear()  # this process's replica starts afresh on the lake
    serving = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    serving.run()
    _shows_the_page(serving)

    postgres.stop()
    try:
        # A session on a replica that was serving when the catalog went down.
        serving.run()
        _shows_unreachable(serving)
        # A replica that starts while the catalog is down.
        common._shared_store.clear()
        starting = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        starting.run()
        _shows_unreachable(starting)
    finally:
        postgres.start()

    # Back: the message's timed check reruns the page, which draws as usual.
    time.sleep(common.BUSY_RETRY_S)
    for app in (serving, starting):
        app.run()
        _shows_the_page(app)
