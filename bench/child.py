"""One measurement in its own process, so that its peak memory (RSS) is its own.

    python bench/child.py import KIND FILE DB     # KIND: vmdash | duckdb | pandas
    python bench/child.py apptest DB [REPEAT]

Prints one JSON object on its last line of stdout. The time measured starts after the
interpreter and the libraries are loaded: it is the work, not Python's start-up.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    """Run the measurement named by argv and print its JSON result."""
    what = argv[0]
    if what == "import":
        import duckdb  # noqa: F401  (loaded before the clock starts, as for every kind)
        import pandas  # noqa: F401

        from bench import importers
        from vmdash import cli  # noqa: F401  (vmdash's own modules, likewise)

        kind, path, db = argv[1], Path(argv[2]), Path(argv[3])
        start = time.perf_counter()
        rows = importers.run(kind, path, db)
        result = {"seconds": time.perf_counter() - start, "rows": rows}
    elif what == "apptest":
        from bench import apptest

        repeat = int(argv[2]) if len(argv) > 2 else 5
        idle = int(argv[3]) if len(argv) > 3 else 3
        result = apptest.measure(Path(argv[1]), repeat=repeat, idle_repeat=idle)
    else:
        raise SystemExit(f"unknown measurement {what!r}; use import or apptest")
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
