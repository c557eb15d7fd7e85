"""Full page reruns of the real app (app.py through streamlit.testing.v1.AppTest), and chart payloads.

For each page: the first visit (switch_page + run), reruns back to back (the database
connection still open, DuckDB's buffers warm), and reruns after the app's idle release (the
Store lets go of the file after 1 s idle, as it does between a person's clicks). A separate,
untimed pass records every chart the page sends: rows (`charts.spec_rows`), bytes of the
spec's JSON, and the size of the chart message Streamlit puts on the wire.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = {
    "overview": "pages/overview.py",
    "retention": "pages/retention.py",
    "completion": "pages/completion.py",
    "funnel": "pages/funnel.py",
    "test_learn": "pages/test-learn.py",
}
IDLE_S = 1.3  # just past the app's idle release (vmdash.ui: Store(..., idle_release_s=1.0))


def _elements(node: Any) -> list[Any]:
    out = []
    for child in getattr(node, "children", {}).values():
        out.append(child)
        out.extend(_elements(child))
    return out


def _run(at: Any) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception}")
    return elapsed


def measure(db: Path, repeat: int = 5, idle_repeat: int = 3, pages: tuple[str, ...] = tuple(PAGE_FILES)) -> dict:
    """Rerun times per page (seconds) and the charts each page sends."""
    from streamlit.testing.v1 import AppTest

    import vmdash.ui as ui_package
    from vmdash import charts

    os.environ["VMDASH_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    startup = _run(at)
    results: dict[str, Any] = {"startup_s": startup, "pages": {}}
    for page in pages:
        at.switch_page(PAGE_FILES[page])
        first = _run(at)
        warm = [_run(at) for _ in range(repeat)]
        idle = []
        for _ in range(idle_repeat):
            time.sleep(IDLE_S)
            idle.append(_run(at))
        wire = [
            {"bytes": e.proto.ByteSize(), "datasets": len(e.proto.datasets)}
            for e in _elements(at._tree)
            if getattr(e, "type", "") == "vega_lite_chart"
        ]
        recorded: list[dict[str, Any]] = []
        original = ui_package.chart

        def spy(spec, data, name, *args, _original=original, _recorded=recorded, **kwargs):
            _recorded.append(
                {
                    "chart": name,
                    "rows": charts.spec_rows(spec),
                    "data_rows": len(data),
                    "spec_bytes": len(json.dumps(spec.to_dict(), default=str)),
                }
            )
            return _original(spec, data, name, *args, **kwargs)

        ui_package.chart = spy
        try:
            _run(at)
        finally:
            ui_package.chart = original
        for chart, sent in zip(recorded, wire, strict=False):
            chart["wire_bytes"] = sent["bytes"]
        results["pages"][page] = {
            "first_s": first,
            "warm_s": statistics.median(warm),
            "idle_s": statistics.median(idle) if idle else None,
            "charts": recorded,
        }
    return results
