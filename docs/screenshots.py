"""Take the README's screenshots: the app on the sample data, at 1440 px and at 390 px (a phone).

    python docs/screenshots.py "" plans "video?video=Ve9KPGbf_5O"     # "" is the Overview, at the root

Each page named is saved as docs/<name>.png (1440 px) and docs/<name>-phone.png (390 px),
`--height` pixels high. The sample data is loaded into a fresh database in a temporary
directory, then the plans of docs/sample_plans.csv (`--plans`); the app runs as in tests/browser
(Debian's Chromium through Playwright).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402
from vmdash import demo  # noqa: E402
from vmdash.store import Store  # noqa: E402
from vmdash.ui.navigation import LOADING  # noqa: E402

WIDTHS = {"": 1440, "-phone": 390}


def _name(target: str) -> str:
    path = target.split("?")[0] or "overview"
    return re.sub(r"[^a-z0-9-]+", "-", path.lower()).strip("-")


def _settle(page, wait_s: float) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=120_000)
    page.wait_for_function(
        # The first visit's progress line (ui.opening) stands until the page has drawn its numbers.
        "(loading) => (document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning') && document.querySelector('h1')"
        " && !document.body.innerText.includes(loading)",
        arg=LOADING,
        timeout=120_000,
    )
    # Charts draw after the script ends.
    page.wait_for_timeout(int(wait_s * 1000))


def main() -> None:
    """Start the app on the samples and save one screenshot per page and width."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "targets", nargs="+", help="page paths with their query string, e.g. 'plans' or 'video?video=x'"
    )
    parser.add_argument("--height", type=int, default=2400, help="height of each screenshot in pixels")
    parser.add_argument("--wait", type=float, default=4.0, help="seconds to let charts draw")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument(
        "--plans", type=Path, default=ROOT / "docs" / "sample_plans.csv", help="a plan file to import after the samples"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "vmdash.duckdb"
        store = Store(db, idle_release_s=None)
        demo.load_samples(store)
        store.close()
        if args.plans:
            # Through the command line, as an analyst would: the samples hold no plan of their own.
            subprocess.run(
                [sys.executable, "-m", "vmdash", "plan", "import", str(args.plans), "--db", str(db)], check=True
            )
        server = start_server(db)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for suffix, width in WIDTHS.items():
                    # Streamlit scrolls inside its own container: a full-page shot is one viewport high,
                    # so the viewport is as tall as the picture wanted.
                    page = browser.new_page(viewport={"width": width, "height": args.height})
                    for target in args.targets:
                        page.goto(f"{server.url}/{target}")
                        _settle(page, args.wait)
                        path = args.out / f"{_name(target)}{suffix}.png"
                        page.screenshot(path=str(path))
                        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                    page.close()
                browser.close()
        finally:
            server.process.terminate()
            server.process.wait(timeout=20)


if __name__ == "__main__":
    main()
