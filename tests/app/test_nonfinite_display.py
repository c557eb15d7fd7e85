"""Sums that overflow to inf, NaN and huge values never break a page: every formatter survives them.

Imports refuse such values now, but a database written before may hold them, and a
sum of finite values can still overflow (two watch times of 1e308 sum to inf).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from tests.support.choices import CTR_OPTION
from vmdash import charts, metrics, model
from vmdash.store import Store, refresh_rollup

# Left out of the fast loop: every page through AppTest, once per kind of non-finite sum.
pytestmark = pytest.mark.slow

# Both among the first 400 rows, which the poisons overwrite.
POISONED_CAMPAIGNS = ("FR_2026Q1_AWA_TikTok-TopView-Serum", "FR_2026Q1_CONV_TikTok-Shop-Retargeting")
KPI_OPTIONS = ("CPA (conversion)", "Conversion rate (conversion)", "Completion rate (loyalty)", "Hook rate (awareness)")
PAGES = [None, "pages/retention.py", "pages/completion.py", "pages/funnel.py", "pages/test-learn.py", "pages/data.py"]
VALUES = [math.inf, -math.inf, math.nan, 1e308, -1e308, 1e300, 5e18, 1e-300, 0.0, -0.0]


@pytest.mark.parametrize(
    "fmt", sorted({m.fmt for m in metrics.METRICS} | {"number", "pct", "money", "seconds", "ratio"})
)
@pytest.mark.parametrize("value", VALUES, ids=str)
def test_every_format_survives(fmt, value):
    text = metrics.format_value(value, fmt, "EUR")
    assert isinstance(text, str) and text and len(text) < 40, text
    if math.isnan(value):
        assert text == "not reported"


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_compact_number_and_metric_format_survive(value):
    assert len(metrics.compact_number(value)) < 40
    for m in metrics.METRICS:
        assert m.format(value, "USD")


def _poison(path: Path, sets: str) -> None:
    s = Store(path, idle_release_s=None)
    with s.transaction() as con:
        con.execute(f"UPDATE facts SET {sets} WHERE rowid IN (SELECT rowid FROM facts ORDER BY rowid LIMIT 400)")
        refresh_rollup(con, [r[0] for r in con.execute("SELECT import_id FROM imports").fetchall()])
    s.close()


POISONS = {
    "overflowing_sums": "watch_time_s = 1e308, spend = 1e308, conversion_value = 1e308, impressions = 1e15, views = 1e15",
    "infinite": "watch_time_s = 'inf'::DOUBLE, spend = 'inf'::DOUBLE, conversion_value = '-inf'::DOUBLE",
    "nan": "watch_time_s = 'nan'::DOUBLE, spend = 'nan'::DOUBLE, conversion_value = 'nan'::DOUBLE",
}


@pytest.fixture(scope="module", params=sorted(POISONS))
def poisoned_db(request, tmp_path_factory, sample_db_file) -> Path:
    path = tmp_path_factory.mktemp("nonfinite") / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    _poison(path, POISONS[request.param])
    return path


@pytest.mark.parametrize("page", PAGES, ids=["overview", "retention", "completion", "funnel", "test_learn", "data"])
def test_pages_open_on_non_finite_sums(poisoned_db, monkeypatch, page):
    monkeypatch.setenv("VMDASH_DB", str(poisoned_db))
    monkeypatch.setenv("VMDASH_ANALYST_KEY", "k")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page == "pages/test-learn.py":
        app.query_params["test_by"] = "campaigns"
        app.query_params["test_kpi"] = CTR_OPTION
        app.query_params["test_campaigns"] = list(POISONED_CAMPAIGNS)
    app.session_state["_vmdash_role"] = "analyst"
    if page:
        app.switch_page(page)
    app.run()
    assert not app.exception, [e.value[:500] for e in app.exception]
    if page == "pages/test-learn.py":
        assert len(app.multiselect(key="test_campaigns").value) == 2
        for option in KPI_OPTIONS:
            app.selectbox(key="test_kpi").set_value(option).run()
            assert not app.exception, [e.value[:500] for e in app.exception]
    if page is None:
        for kpi in ("avg_view_duration", "cpm", "roas"):
            if kpi in {m.name for m in metrics.METRICS}:
                app.selectbox(key="kpi").set_value(metrics.get(kpi).label).run()
                assert not app.exception, [e.value[:500] for e in app.exception]


def test_axis_titles_and_labels_survive():
    for m in metrics.METRICS:
        assert charts.metric_axis_title(m, "EUR")
    assert model.MEASURE_NAMES


def _cards_script() -> None:
    import dataclasses
    import math

    from vmdash import metrics
    from vmdash.queries import KpiValue
    from vmdash.ui.common import kpi_cards

    names = [f.name for f in dataclasses.fields(KpiValue)]
    values = {}
    for i, v in enumerate([math.inf, math.nan, -math.inf, 1e308]):
        kw = dict.fromkeys(names)
        kw.update(metric=metrics.METRICS[i], value=v, previous=1.0 if i % 2 else v, coverage=v)
        values[str(i)] = KpiValue(**kw)
    kpi_cards(values, "EUR", columns=4)


def test_kpi_cards_survive_non_finite_values_changes_and_coverage():
    app = AppTest.from_function(_cards_script, default_timeout=60).run()
    assert not app.exception, [e.value[:500] for e in app.exception]
    shown = [m.value for m in app.metric]
    assert len(shown) == 4 and "not reported" in shown and "∞" in shown
