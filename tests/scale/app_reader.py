"""One app process for the scale tests: runs every page of the real app.py (AppTest) on the lake.

Usage: python app_reader.py STOP_FILE. Prints `ready` after its first full round of pages,
then keeps going round by round until STOP_FILE exists (at most MAX_ROUNDS), and exits 1
if any page raised or showed an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/overview.py", "pages/retention.py", "pages/completion.py", "pages/funnel.py"]
MAX_ROUNDS = 4


def one_round() -> list[str]:
    problems = []
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if page != PAGES[0]:
            at.switch_page(page)
        at.run()
        problems += [f"{page}: {e.message}" for e in at.exception]
        problems += [f"{page}: {e.value}" for e in at.error]
    return problems


def main(stop: Path) -> int:
    for n in range(MAX_ROUNDS):
        problems = one_round()
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        if n == 0:
            print("ready", flush=True)
        if stop.exists():
            break
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
