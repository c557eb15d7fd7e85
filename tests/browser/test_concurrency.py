"""Twenty sessions read while imports land and are undone: no error, never half an import.

A real server, twenty browser contexts switching pages and filters, and the
command line importing and undoing files against the same database at the same
time. Every Overview a session sees must match exactly one state of the data
(before or after each import), recognised by its 'data as of import #N' line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.testing.v1 import AppTest

from tests.support.browser import ROOT, ConnectionLog, settled_view, start_server, wait_for_app, wait_for_page
from vmdash import demo
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SESSIONS = 20
ROUNDS = 2
PAGES = ["", "?platform=tiktok", "?objective=awareness", "retention", "completion?by=length", "funnel"]


def _overview_numbers(db: Path, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("VMDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return {m.label: m.value for m in at.metric}


def _shown(page, cards: dict[int, int]) -> tuple[int, dict[str, str]]:
    """The Overview's import number and cards, once drawn in full for the state it names."""
    for _ in range(60):
        caption, shown = settled_view(page)
        latest = int(re.search(r"import #(\d+)", caption).group(1))
        numbers = dict(shown)
        # Each state has its own cards (an import can add an objective); all of them, or wait.
        if latest not in cards or len(numbers) == cards[latest]:
            return latest, numbers
        page.wait_for_timeout(500)
    raise AssertionError(f"the Overview at import #{latest} never showed its {cards[latest]} cards: {numbers}")


def test_twenty_sessions_see_whole_imports_only(browser, tmp_path, monkeypatch, sample_db_file):
    base = tmp_path / "base.duckdb"
    shutil.copyfile(sample_db_file, base)
    s = Store(base, idle_release_s=None)
    first_id = int(s.scalar("SELECT max(import_id) FROM imports")) + 1
    s.close()
    files = [demo.write_synthetic_csv(tmp_path / f"batch_{i}.csv", rows=400, seed=40 + i) for i in range(3)]

    # What the Overview shows in each state: before any import, and with each file imported.
    expected = {first_id - 1: _overview_numbers(base, monkeypatch)}
    for i, f in enumerate(files):
        ref = tmp_path / f"ref_{i}.duckdb"
        shutil.copy(base, ref)
        rs = Store(ref, idle_release_s=None)
        import_files(rs, [Upload(f, f.name)])
        rs.close()
        # The live run imports them one after the other, each undone before the next.
        expected[first_id + i] = _overview_numbers(ref, monkeypatch)
    assert len({tuple(sorted(v.items())) for v in expected.values()}) == len(expected)
    cards = {latest: len(numbers) for latest, numbers in expected.items()}

    db = tmp_path / "live.duckdb"
    shutil.copy(base, db)
    server = start_server(db)
    failures: list[str] = []

    def analyst() -> None:
        for i, f in enumerate(files):
            for args in (["import", str(f)], ["undo", str(first_id + i)]):
                done = subprocess.run(
                    [sys.executable, "-m", "vmdash", *args, "--db", str(db)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                if done.returncode != 0:
                    failures.append(f"{' '.join(args[:1])}: {done.stderr.strip()}")

    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(SESSIONS)]
    for c in contexts:
        # Twenty sessions on two shared cores, beside the rest of the suite: slow is not wrong.
        c.set_default_timeout(300_000)
        c.set_default_navigation_timeout(300_000)
    pages = [c.new_page() for c in contexts]
    connections = [ConnectionLog(page) for page in pages]
    seen: list[tuple[int, dict[str, str]]] = []
    errors: list[str] = []
    writer = threading.Thread(target=analyst)
    try:
        writer.start()
        for round_no in range(ROUNDS):
            targets = [PAGES[(n + round_no) % len(PAGES)] for n in range(SESSIONS)]
            for page, target in zip(pages, targets, strict=True):
                page.goto(f"{server.url}/{target}", wait_until="commit")
            for page, target, connection in zip(pages, targets, connections, strict=True):
                page.wait_for_selector("[data-testid='stApp']")
                try:
                    wait_for_page(page)
                except PlaywrightTimeout as exc:
                    # Say what the stuck session shows: busy page, error or endless rerun.
                    busy = page.locator("[data-testid='stApp'][data-test-script-state='running']").count() > 0
                    text = page.locator("[data-testid='stMain']").inner_text(timeout=10_000)[:1500]
                    raise AssertionError(
                        f"{target or 'overview'} never settled (running: {busy}):\n{text}\n"
                        f"its connection:\n{connection.describe(page)}\n"
                        f"server output:\n{server.log_tail()}"
                    ) from exc
                for shown in page.locator("[data-testid='stException']").all():
                    errors.append(f"{target or 'overview'}: {shown.inner_text()[:2000]}")
                if target == "":
                    wait_for_app(page, timeout_ms=300_000)
                    seen.append(_shown(page, cards))
        writer.join(timeout=300)
    finally:
        for c in contexts:
            c.close()
        server.process.terminate()
        server.process.wait(timeout=20)

    assert failures == [], failures
    assert errors == [], "\n\n".join(errors)
    assert seen, "no Overview was read"
    for latest, numbers in seen:
        assert latest in expected, f"unexpected import #{latest}"
        assert numbers == expected[latest], f"a page mixed states at import #{latest}"
    final = Store(db, idle_release_s=None)
    assert final.scalar("SELECT count(*) FROM imports WHERE status = 'active'") == first_id - 1
    final.close()
