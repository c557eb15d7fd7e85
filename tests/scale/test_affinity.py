"""Two replicas behind HAProxy with deploy/haproxy.cfg: downloads and uploads reach the replica that runs the session.

The README's example config, on loopback: two `streamlit run` replicas on one lake, HAProxy
in front, and a browser per session that exports a chart and previews an upload through it.
Needs Debian's haproxy and chromium (skipped with the reason when either is missing).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, start_server, wait_for_app
from tests.support.required import postgres_missing
from vmdash import demo
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
SAMPLE = ROOT / "data" / "samples" / "vimeo_videos.csv"
KEY = "scale-affinity-key-81c2"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(autouse=True)
def _haproxy() -> None:
    # CI installs it (.ci/run) and must run this test; elsewhere a missing HAProxy skips it.
    if shutil.which("haproxy") is None:
        postgres_missing("HAProxy is not installed (apt-get install haproxy)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(port: int, replicas: list[str]) -> str:
    """deploy/haproxy.cfg listening on `port`, its two servers the replicas' loopback addresses."""
    text = CONFIG.read_text(encoding="utf-8").replace("bind :80", f"bind 127.0.0.1:{port}")
    for n, url in enumerate(replicas, start=1):
        text, count = re.subn(rf"(server replica{n} )\S+", rf"\g<1>{url.removeprefix('http://')}", text)
        assert count == 1
    return text


@pytest.fixture
def proxied(lake, tmp_path):
    s = Store(lake.target, idle_release_s=None)
    demo.load_samples(s)
    s.close()
    env = {"VMDASH_DB": lake.target, "VMDASH_DATA_PATH": str(lake.data_path), "VMDASH_ANALYST_KEY": KEY}
    replicas = []
    try:
        for n in range(2):
            (tmp_path / f"replica{n}").mkdir()
            replicas.append(start_server(tmp_path / f"replica{n}" / "unused.duckdb", env))
        port = _free_port()
        cfg = tmp_path / "haproxy.cfg"
        cfg.write_text(_config(port, [r.url for r in replicas]), encoding="utf-8")
        proxy = subprocess.Popen(["haproxy", "-db", "-f", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    assert proxy.poll() is None and time.monotonic() < deadline, "HAProxy did not start"
                    time.sleep(0.3)
            yield url
        finally:
            proxy.terminate()
            proxy.wait(timeout=20)
    finally:
        for r in replicas:
            r.process.terminate()
            r.process.wait(timeout=20)


def _drive(proxied, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            homes = set()
            for n in range(4):  # round robin: two sessions on each replica
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
                context.set_default_timeout(120_000)
                page = context.new_page()
                page.goto(proxied)
                wait_for_app(page)

                page.get_by_role("button", name="Export").first.click()
                with page.expect_download() as download:
                    page.get_by_role("button", name="Data (CSV)").first.click()
                saved = tmp_path / f"export{n}.csv"
                download.value.save_as(saved)
                assert download.value.failure() is None
                assert saved.read_text(encoding="utf-8").count("\n") > 1

                page.keyboard.press("Escape")
                page.get_by_text("Analyst sign-in").click()
                key_box = page.locator("input[type='password']")
                key_box.fill(KEY)
                key_box.press("Enter")
                page.get_by_role("link", name="Upload & data").click()
                page.get_by_role("heading", name="Upload & data").first.wait_for()
                page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(SAMPLE))
                page.get_by_role("button", name="Import 1 file(s)").wait_for()
                assert page.locator("[data-testid='stException']").count() == 0

                homes |= {c["value"] for c in context.cookies() if c["name"] == "vmdash_replica"}
                context.close()
        finally:
            browser.close()
    assert homes == {"replica1", "replica2"}


def test_each_session_downloads_and_uploads_through_the_proxy_on_its_own_replica(proxied, tmp_path):
    # A Playwright of its own, in a thread of its own: the browser tests' session browser may
    # already run an event loop in this thread, and the sync API refuses to start inside one.
    failed: list[BaseException] = []

    def drive() -> None:
        try:
            _drive(proxied, tmp_path)
        except BaseException as exc:  # re-raised in the test's own thread below
            failed.append(exc)

    worker = threading.Thread(target=drive)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
