"""A server's first page loads no statistics library unless it computes a statistic.

scipy and statsmodels took some 0.7 s to import, and the query layer imported them for every
page: the first visit after a server started (a shared link opened after a deploy) waited for
them on the Overview, which computes none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.apps import ROOT

# Left out of the fast loop: each case runs the app in a fresh interpreter.
pytestmark = pytest.mark.slow

_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("app.py", default_timeout=120)
for key, values in json.loads(sys.argv[2]).items():
    app.query_params[key] = values
if sys.argv[1]:
    app.switch_page(sys.argv[1])
app.run()
assert not app.exception, [e.value for e in app.exception]
print(",".join(sorted(m for m in ("scipy", "statsmodels") if m in sys.modules)) or "-")
"""


def _loaded(db, page: str, params: dict[str, list[str]] | None = None) -> str:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, page, json.dumps(params or {})],
        cwd=ROOT,
        env={**os.environ, "VMDASH_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.split()[-1]


@pytest.mark.parametrize("page", ["", "pages/retention.py", "pages/completion.py", "pages/funnel.py"])
def test_a_page_without_statistics_does_not_load_them(app_db, page):
    assert _loaded(app_db, page) == "-"


def test_test_and_learn_loads_them_when_it_compares(app_db):
    # The other side: the probe sees them once a page computes a statistic (two campaigns compared).
    campaigns = ["FR_2026Q1_ACQ_Prospection-Lookalike", "FR_2026Q1_AWA_Lancement-Serum"]
    params = {"test_by": ["campaigns"], "test_campaigns": campaigns}
    assert _loaded(app_db, "pages/test-learn.py", params) == "scipy,statsmodels"
