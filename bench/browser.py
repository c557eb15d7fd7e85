"""What a person waits for in the browser: first chart and page at rest, for every page, against a bare page.

    python bench/browser.py --db bench/out/bench_1000000.duckdb [--db ...] [--repeat 3]
    python bench/run.py --only browser --rows 1000000          # the same, as a section of the run

Debian's Chromium (driven by Playwright) opens each page of the app in a fresh session,
so every visit pays the server's session start, the filter bar and the page's queries.
Each page is timed twice over: in fresh browsers (nothing cached: a first-ever visit, which
also fetches every script the page's widgets need) and in new tabs of one browser that has
opened the page before (Streamlit serves its scripts as immutable, so a person's second visit
fetches none of them again).
Times are read in the page itself, from the start of navigation (`performance.now()`):

- first chart: a Vega chart has drawn (an SVG or canvas inside `.vega-embed`);
- at rest: the last change to the page, once Streamlit says it is no longer running and
  nothing has changed for a second;
- the server's last message: when the last WebSocket message of the visit arrived. What
  comes after it, up to the first chart or rest, is the browser's own work (fetching the
  widgets' scripts, React, Vega).

The baseline is a bare Streamlit page with one 100-point Altair chart, served by the same
Streamlit from the same folder (same config) in the same run: the floor a page of this
stack cannot go below. Upload: a typical export (10k rows) put in the file picker of the
Upload page, on a copy of the database, timed to its preview and, after a click, to the
import's success line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, Server, start_server  # noqa: E402
from vmdash.ui.navigation import LOADING  # noqa: E402

# Targets from the speed issue: the app's page over the bare page, per database size.
VS_BARE = ((1_000_000, 1.2), (10_000_000, 1.3))
PREVIEW_S = 0.5  # a typical export's preview, from the file landing
IMPORT_S = 1.0  # its import, from the click
UPLOAD_ROWS = 10_000
ANALYST_KEY = "bench-browser-analyst"

BARE_APP = '''"""One Altair chart of 100 points: the floor of a Streamlit page with a chart."""
import altair as alt
import pandas as pd
import streamlit as st

st.title("Bare page")
frame = pd.DataFrame({"day": range(100), "value": [(i * 37) % 101 for i in range(100)]})
st.altair_chart(alt.Chart(frame).mark_line().encode(x="day:Q", y="value:Q"), width="stretch")
'''

# Installed before any page script runs: records when the first chart draws and when the
# page last changed, both on the navigation's clock.
_PROBE = """
(() => {
  window.LOADING = LOADING_TEXT;
  window.__firstChart = null;
  window.__lastChange = 0;
  // When the server's last message arrived: a page cannot draw before what it draws has come,
  // so this splits a visit into the server's time and the browser's own.
  window.__lastMessage = null;
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.__lastMessage = performance.now(); });
    }
  };
  const seen = () => {
    window.__lastChange = performance.now();
    if (window.__firstChart === null && document.querySelector('.vega-embed svg, .vega-embed canvas, [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')) {
      window.__firstChart = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  // When a watched text first enters the page (`_watch`), and when a file last landed in a
  // picker and a click last happened: read in the page, not by polling it from outside
  // (Playwright's waits back off to 500 ms steps, which is the size of what is measured).
  window.__texts = {};
  window.__marks = {};
  const watched = () => {
    for (const text in window.__texts) {
      if (window.__texts[text] === null && document.body && document.body.textContent.includes(text)) {
        window.__texts[text] = performance.now();
      }
    }
  };
  new MutationObserver(watched).observe(document, {subtree: true, childList: true, characterData: true});
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file') window.__marks.landed = performance.now();
  }, true);
  document.addEventListener('click', () => { window.__marks.click = performance.now(); }, true);
})();
"""

# A page has run once its title is drawn (every page starts with one), and is at rest when
# Streamlit's script is not running (the app root's data-test-script-state), the first visit's
# progress line (ui.opening) is gone, every chart on view has drawn (on a loaded machine Vega
# can take longer than `quiet` to draw into a chart's box; a chart in a hidden tab never draws)
# and nothing has changed for `quiet` ms.
_AT_REST = """(quiet) => (document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning')
    && document.querySelector('h1') && !document.body.innerText.includes(LOADING)
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(
        (chart) => chart.offsetParent === null || chart.querySelector('svg, canvas'))
    && performance.now() - window.__lastChange > quiet"""


_PROBE = _PROBE.replace("LOADING_TEXT", json.dumps(LOADING))


@dataclass(frozen=True)
class Visit:
    """One fresh session's times from navigation, in seconds (first_chart None: no chart drawn;
    last_message: when the server's last message arrived)."""

    first_chart: float | None
    at_rest: float
    last_message: float | None = None


def pages(db: Path) -> dict[str, str]:
    """Every page of the app by name, as the path a link opens (the Video page on the first video offered)."""
    from vmdash import queries
    from vmdash.store import Store

    s = Store(db, idle_release_s=None)
    try:
        # The first video the Video filter offers, as bench/workload's video page reads it.
        choices = queries.video_choices(s)
        video = str(choices["key"].iloc[0]) if len(choices) else None
    finally:
        s.close()
    named = {
        "overview": "",
        "plans": "plans",
        "retention": "retention",
        "completion": "completion",
        "funnel": "funnel",
        "discovery": "discovery",
        "test & learn": "test-learn",
    }
    if video:
        named["video"] = f"video?video={video}"
    return named


def visit(browser, url: str, quiet_ms: int = 1000, timeout_ms: int = 300_000, context=None) -> Visit:
    """Open `url` in a fresh session and time it.

    Without `context`, in a browser context of its own: nothing cached, as on a first-ever
    visit. With one (`probed_context`), in a new tab of it: a new Streamlit session whose
    browser kept what earlier visits fetched (Streamlit serves its scripts as immutable).
    """
    own = context is None
    if own:
        context = probed_context(browser)
    page = context.new_page()
    try:
        page.set_default_timeout(timeout_ms)
        page.goto(url, wait_until="commit")
        page.wait_for_function(_AT_REST, arg=quiet_ms, polling=100)
        first, last, message = page.evaluate("() => [window.__firstChart, window.__lastChange, window.__lastMessage]")
        return Visit(None if first is None else first / 1000, last / 1000, None if message is None else message / 1000)
    finally:
        page.close()
        if own:
            context.close()


def probed_context(browser):
    """A browser context with the probe installed; its HTTP cache lives as long as it does."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(_PROBE)
    return context


def upload(browser, url: str, export: Path, timeout_ms: int = 300_000) -> tuple[float, float]:
    """Seconds from the file landing in the picker to its preview, and from the Import click to success."""
    context = probed_context(browser)
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        page.goto(url)
        page.wait_for_function(_AT_REST, arg=500, polling=100)
        page.get_by_text("Analyst sign-in").click()
        key_box = page.locator("input[type='password']")
        key_box.fill(ANALYST_KEY)
        key_box.press("Enter")
        page.get_by_role("link", name="Upload & data").click()
        picker = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        picker.wait_for(state="attached")
        page.wait_for_function(_AT_REST, arg=500, polling=100)
        button, success = "Import 1 file(s)", "These files are imported."
        _watch(page, button)
        picker.set_input_files(str(export))
        page.get_by_role("button", name=button).wait_for(state="visible")
        landed, previewed = page.evaluate("(text) => [window.__marks.landed, window.__texts[text]]", button)
        _watch(page, success)
        page.get_by_role("button", name=button).click()
        page.get_by_text(success).wait_for(state="visible")
        clicked, done = page.evaluate("(text) => [window.__marks.click, window.__texts[text]]", success)
        return (previewed - landed) / 1000, (done - clicked) / 1000
    finally:
        context.close()


def _watch(page, text: str) -> None:
    """Have the page note when `text` first appears in it (it must not be there yet)."""
    if not page.evaluate(
        "(text) => { window.__texts[text] = null; return !document.body.textContent.includes(text); }", text
    ):
        raise RuntimeError(f"{text!r} is on the page before it was watched for")


def _served(visits: list[Visit]) -> float | None:
    """The median time the server's last message arrived (None: no visit recorded one)."""
    times = [v.last_message for v in visits if v.last_message is not None]
    return _median(times) if times else None


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s" if len(values) > 1 else ""


def target_vs_bare(rows: int) -> float | None:
    """The ratio to the bare page a database of `rows` facts is held to (the nearest size at or above)."""
    for size, ratio in VS_BARE:
        if rows <= size:
            return ratio
    return VS_BARE[-1][1]


def _serve(script: Path | None, db: Path, env: dict[str, str] | None = None) -> Server:
    return start_server(db, env, script=script) if script is not None else start_server(db, env)


def measure(
    db: Path,
    rows: int,
    repeat: int,
    emit: Callable[[dict], None],
    with_upload: bool = True,
    only: set[str] | None = None,
    browser=None,
) -> None:
    """Time the bare page and every page of the app on `db`, `repeat` fresh sessions each; `emit` gets one dict per figure."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="vmdash-bench-browser-"))
    bare = work / "bare_app.py"
    bare.write_text(BARE_APP, encoding="utf-8")
    servers: list[Server] = []
    try:
        with ExitStack() as stack:
            if browser is None:
                # A browser of its own, unless the caller (a test's session browser) gives one.
                p = stack.enter_context(sync_playwright())
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                stack.callback(browser.close)
            bare_server = _serve(bare, work / "unused.duckdb")
            servers.append(bare_server)
            visit(browser, bare_server.url)  # the server's own first start, paid once
            # Fresh: every session in a new browser context (a first-ever visit). Returning: new
            # tabs of one context that has opened the same page before (its scripts cached).
            bare_returning = stack.enter_context(closing(probed_context(browser)))
            visit(browser, bare_server.url, context=bare_returning)
            base = {
                "fresh": [visit(browser, bare_server.url) for _ in range(repeat)],
                "returning": [visit(browser, bare_server.url, context=bare_returning) for _ in range(repeat)],
            }
            base_first = {k: _median([v.first_chart or v.at_rest for v in vs]) for k, vs in base.items()}
            base_server = {k: _served(vs) for k, vs in base.items()}
            base_rest = {k: _median([v.at_rest for v in vs]) for k, vs in base.items()}
            for session, visits in base.items():
                emit(
                    {
                        "page": "bare page (baseline)",
                        "session": session,
                        "first": base_first[session],
                        "rest": base_rest[session],
                        "served": base_server[session],
                        "spread": _spread([v.at_rest for v in visits]),
                    }
                )
            app = _serve(None, db)
            servers.append(app)
            app_returning = stack.enter_context(closing(probed_context(browser)))
            limit = target_vs_bare(rows)
            for name, path in pages(db).items():
                if only is not None and name not in only:
                    continue
                url = f"{app.url}/{path}"
                # The first visit pays the page's cold queries; later ones read kept answers.
                fresh = [visit(browser, url) for _ in range(repeat)]
                visit(browser, url, context=app_returning)  # what a returning browser has fetched before
                returning = [visit(browser, url, context=app_returning) for _ in range(repeat)]
                for session, visits in (("fresh", fresh), ("returning", returning)):
                    firsts = [v.first_chart for v in visits if v.first_chart is not None]
                    rests = [v.at_rest for v in visits]
                    emit(
                        {
                            "page": name,
                            "session": session,
                            "cold_first": visits[0].first_chart,
                            "cold_rest": visits[0].at_rest,
                            "first": _median(firsts) if firsts else None,
                            "rest": _median(rests),
                            "served": _served(visits),
                            "spread": _spread(rests),
                            "vs_bare_first": (_median(firsts) / base_first[session]) if firsts else None,
                            "vs_bare_rest": _median(rests) / base_rest[session],
                            "target": limit,
                        }
                    )
            if with_upload:
                emit_upload(browser, db, work, repeat, emit, servers)
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


def emit_upload(
    browser, db: Path, work: Path, repeat: int, emit: Callable[[dict], None], servers: list[Server]
) -> None:
    """Upload a typical export `repeat` times on a copy of `db`, undoing it between tries."""
    import subprocess

    from bench import generate

    copy = work / "upload.duckdb"
    shutil.copy(db, copy)
    export = generate.meta_export(work, UPLOAD_ROWS)
    writer = _serve(None, copy, {"VMDASH_ANALYST_KEY": ANALYST_KEY})
    servers.append(writer)
    visit(browser, writer.url)
    previews, imports = [], []
    for _ in range(repeat):
        preview_s, import_s = upload(browser, writer.url, export)
        previews.append(preview_s)
        imports.append(import_s)
        # Undone, the same file previews as a new export again in the next fresh session.
        newest = (
            subprocess.run(
                [sys.executable, "-m", "vmdash", "imports", "--db", str(copy)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.split()[0]
            .lstrip("#")
        )
        subprocess.run(
            [sys.executable, "-m", "vmdash", "undo", newest, "--db", str(copy)],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
    emit({"upload": "preview", "value": _median(previews), "spread": _spread(previews), "target": PREVIEW_S})
    emit({"upload": "import", "value": _median(imports), "spread": _spread(imports), "target": IMPORT_S})


def bench_browser(report, rows: int, db: Path, repeat: int, only: set[str] | None = None, browser=None) -> None:
    """The browser figures of one database as rows of bench/run.py's table."""
    from bench.run import Row, n_rows, secs, verdict

    size = n_rows(rows)
    baseline: dict[str, dict[str, float]] = {}
    said = {"fresh": "fresh session", "returning": "new session, browser visited before"}

    def emit(figure: dict) -> None:
        report.raw.setdefault("browser", {}).setdefault(size, []).append(figure)
        if "upload" in figure:
            ok = figure["value"] <= figure["target"]
            report.add(
                Row(
                    "5 browser",
                    f"upload page: {figure['upload']} of a {UPLOAD_ROWS // 1000}k-row export (median, {figure['spread']})",
                    size,
                    secs(figure["value"]),
                    "—",
                    "—",
                    f"≤ {secs(figure['target'])}",
                    verdict(ok),
                )
            )
            return
        session = figure["session"]
        if figure["page"].startswith("bare"):
            baseline[session] = {"first": figure["first"], "rest": figure["rest"], "served": figure["served"]}
            return
        for what, key, ratio_key in (("first chart", "first", "vs_bare_first"), ("at rest", "rest", "vs_bare_rest")):
            if figure[key] is None:
                continue
            ratio = figure[ratio_key]
            # A fresh row's first visit is the page's cold one (its queries unanswered yet);
            # a returning row's first tab follows visits that already asked them.
            cold = f"first visit {secs(figure[f'cold_{key}'])}; " if session == "fresh" else ""
            # Beside each figure, when the server's last message came (the rest is the browser's).
            served = _served_words(figure["served"])
            report.add(
                Row(
                    "5 browser",
                    f"{figure['page']}: {what}, {said[session]} (median; {cold}spread {figure['spread']}{served})",
                    size,
                    secs(figure[key]),
                    f"bare page {secs(baseline[session][key])}{_served_words(baseline[session]['served'])}",
                    f"{ratio:.2f}× bare",
                    f"≤ {figure['target']}× bare",
                    verdict(ratio <= figure["target"]),
                )
            )

    measure(db, rows, repeat, emit, only=only, browser=browser)


def _served_words(served: float | None) -> str:
    from bench.run import secs

    return "" if served is None else f"; server's last message {secs(served)}"


def main(argv: list[str] | None = None) -> None:
    """Print the browser figures of each database given."""
    from bench.run import Report

    parser = argparse.ArgumentParser(prog="python bench/browser.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, action="append", required=True, help="a database to open (repeatable)")
    parser.add_argument("--rows", type=int, action="append", help="its fact rows, in the same order (default: counted)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh sessions per page (default: %(default)s)")
    args = parser.parse_args(argv)
    report = Report()
    for i, db in enumerate(args.db):
        rows = args.rows[i] if args.rows and i < len(args.rows) else _count(db)
        bench_browser(report, rows, db, args.repeat)
    print(report.markdown())


def _count(db: Path) -> int:
    from vmdash.store import Store

    s = Store(db, idle_release_s=None)
    try:
        return int(s.scalar("SELECT count(*) FROM active_facts"))
    finally:
        s.close()


if __name__ == "__main__":
    main()
