"""Driving the real app in a browser: start `streamlit run` on a free localhost port, wait for it, read what it shows.

Debian's Chromium (CHROMIUM, launched with CHROMIUM_ARGS) is what the browser tests drive;
tests/browser/conftest.py holds the fixtures built on these (`server`, `browser`, `page`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.apps import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    """A localhost port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running app: its URL, database path and the file its output goes to."""

    def __init__(self, url: str, db: Path, process: subprocess.Popen, log: Path):
        self.url = url
        self.db = db
        self.process = process
        self.log = log

    def log_tail(self, chars: int = 3000) -> str:
        """The end of what the server wrote (warnings, logged tracebacks)."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def start_server(db: Path, extra_env: dict[str, str] | None = None, script: Path = ROOT / "app.py") -> Server:
    """Start `streamlit run app.py` (or another `script`) on a free port and wait until it answers."""
    port = _free_port()
    env = {**os.environ, "VMDASH_DB": str(db), **(extra_env or {})}
    # To a file, not a pipe nobody reads: once a pipe's buffer is full, every thread of the
    # server that writes a warning or a logged traceback blocks, and its session never settles.
    log = db.parent / f"streamlit-{port}.log"
    output = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    output.close()  # the child holds its own descriptor
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, db, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the app did not start within 60 s: " + log.read_text(errors="replace")[-2000:])


# A page has run: Streamlit's script is not running (the app root's data-test-script-state)
# and the page's title is drawn (every page starts with one).
PAGE_RUN = (
    "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'"
    " && document.querySelector('h1')"
)


def wait_for_page(pg) -> None:
    """Wait until the page has run (PAGE_RUN), within the page's default timeout."""
    pg.wait_for_function(PAGE_RUN)


def wait_for_app(pg, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    pg.wait_for_function(
        "() => (document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning')"
        " && document.querySelectorAll('[data-testid=\"stMetric\"]').length > 0",
        timeout=timeout_ms,
    )


_SNAPSHOT = """() => {
    if (!(document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning')) return null;
    const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
        .map(e => e.innerText).find(t => /data as of import #\\d+/.test(t));
    const cards = [...document.querySelectorAll('[data-testid="stMetric"]')].map(c => [
        c.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
        c.querySelector('[data-testid="stMetricValue"]').innerText.trim(),
    ]);
    return caption && cards.length ? {caption, cards} : null;
}"""


def settled_view(pg, tries: int = 240) -> tuple[str, list[tuple[str, str]]]:
    """The page's 'data as of' caption and its KPI cards (label, value), once it holds still.

    Read in one step, only while the script is not running (the app root's
    `data-test-script-state`: the toolbar's running sign is hidden in minimal toolbar mode)
    and only when two reads half a second apart agree, since a rerun can start between them.
    """
    last = None
    for _ in range(tries):
        now = pg.evaluate(_SNAPSHOT)
        if now is not None and now == last:
            return now["caption"], [tuple(card) for card in now["cards"]]
        last = now
        pg.wait_for_timeout(500)
    raise AssertionError(f"the page never settled: {last}")


class ConnectionLog:
    """What one page's websocket carried: Streamlit's messages each way, in order, and console errors.

    Said when a page never settles, so a blank page tells whether it never connected, lost its
    connection, or was sent a run that drew nothing (and which runs it asked for).
    """

    def __init__(self, pg) -> None:
        self._start = time.monotonic()
        self.events: list[str] = []
        self._deltas = 0
        pg.on("websocket", self._opened)
        pg.on("console", self._console)
        pg.on("pageerror", lambda exc: self._say(f"page error: {str(exc)[:200]}"))

    def _say(self, what: str) -> None:
        if self._deltas:
            self.events.append(f"          {self._deltas} delta(s)")
            self._deltas = 0
        self.events.append(f"{time.monotonic() - self._start:7.1f} s {what}")

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning"):
            self._say(f"console {msg.type}: {msg.text[:200]}")

    def _opened(self, ws) -> None:
        self._say(f"websocket opened {ws.url}")
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)
        ws.on("socketerror", lambda error: self._say(f"websocket error {error}"))
        ws.on("close", lambda _: self._say("websocket closed"))

    def _decode(self, payload, message_class, arrow: str):
        """The frame as a `message_class` message, or None (and a line) for one that is not."""
        msg = message_class()
        try:
            msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        except Exception:  # a frame that is not a Streamlit message is worth a line, not a crash
            self._say(f"{arrow} {len(payload)} bytes, not a {message_class.__name__}")
            return None
        return msg

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = self._decode(payload, ForwardMsg, "<-")
        if msg is None:
            return
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._deltas += 1
            return
        detail = ""
        if kind == "script_finished":
            detail = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
        elif kind == "new_session":
            detail = f"page {msg.new_session.page_script_hash[:8]}"
        elif kind == "session_status_changed":
            detail = f"running {msg.session_status_changed.script_is_running}"
        elif kind in ("auto_rerun", "stop_auto_rerun"):
            detail = str(getattr(msg, kind)).replace("\n", " ")
        self._say(f"<- {kind} {detail}".rstrip())

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = self._decode(payload, BackMsg, "->")
        if msg is None:
            return
        kind = msg.WhichOneof("type")
        detail = ""
        if kind == "rerun_script":
            asked = msg.rerun_script
            detail = f"fragment {asked.fragment_id!r} auto {asked.is_auto_rerun} query {asked.query_string!r}"
        self._say(f"-> {kind} {detail}".rstrip())

    def describe(self, pg) -> str:
        """The log and any connection dialog or status the page shows now."""
        shown = pg.evaluate(
            """() => [...document.querySelectorAll('[role="dialog"], [data-testid="stStatusWidget"]')]
                .map(e => e.innerText.trim()).filter(Boolean).join(' | ')"""
        )
        self._say(f"dialogs/status now: {shown or 'none'}")
        return "\n".join(self.events[-60:])


@contextmanager
def sample_server(directory: Path, extra_env: dict[str, str] | None = None, *, source: Path) -> Iterator[Server]:
    """The app on a fresh copy of the samples' database in `directory`, stopped on leaving.

    `source` is the `sample_db_file` fixture (the samples imported once per test process):
    copying it costs milliseconds where importing the samples for each server cost seconds.
    """
    db = directory / "vmdash.duckdb"
    shutil.copyfile(source, db)
    server = start_server(db, extra_env)
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)
