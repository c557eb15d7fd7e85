"""Each page fetches its data through its own `load` and nothing else; the benchmark calls the same loads."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from bench import workload
from vmdash.filters import FilterState
from vmdash.queries import completion, discovery, funnel_impact, overview, retention, scorecards, test_learn, video

ROOT = Path(__file__).resolve().parents[2]
# Page file -> the vmdash.queries module holding its load, and what else it may call there:
# `options` is what a widget offers before its value can be read; its `...Controls` are plain values.
PAGES = {
    "overview": (overview, {"load", "options"}),
    "retention": (retention, {"load", "options"}),
    "completion": (completion, {"load"}),
    "funnel": (funnel_impact, {"load"}),
    "discovery": (discovery, {"load"}),
    "test-learn": (test_learn, {"load", "kpi_options", "cohort_options", "benchmark_table"}),
    "video": (video, {"load"}),
    "plans": (scorecards, {"load"}),
}
# Modules whose functions read data: a page calls them only through its load.
DATA_MODULES = {"queries", "looplog", "testlearn"}


def fetch_problems(source: str, module_name: str, allowed: set[str]) -> list[str]:
    """What in a page's source breaks 'one load, then draw': a missing or second load, any other data call."""
    tree = ast.parse(source)
    aliases = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "vmdash.queries"
        for a in node.names
        if a.name == module_name
    }
    problems, loads = [], 0
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not isinstance(owner, ast.Name):
            continue
        if owner.id in aliases:
            if node.func.attr == "load":
                loads += 1
            elif node.func.attr not in allowed and not node.func.attr.endswith("Controls"):
                problems.append(f"calls {owner.id}.{node.func.attr}() besides its load")
        elif owner.id in DATA_MODULES:
            problems.append(f"calls {owner.id}.{node.func.attr}() instead of reading it from its load")
    if loads != 1:
        problems.append(f"calls vmdash.queries.{module_name}.load {loads} times, not once")
    return problems


@pytest.mark.parametrize("page", list(PAGES))
def test_page_fetches_through_its_load_alone(page):
    module, allowed = PAGES[page]
    source = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    assert fetch_problems(source, module.__name__.rsplit(".", 1)[1], allowed) == []


def test_the_check_sees_a_page_that_stops_using_its_load():
    source = (ROOT / "pages" / "funnel.py").read_text(encoding="utf-8")
    bypassed = source.replace("funnel_impact.load(", "queries.funnel(")
    assert bypassed != source
    problems = fetch_problems(bypassed, "funnel_impact", {"load"})
    assert "calls queries.funnel() instead of reading it from its load" in problems
    assert "calls vmdash.queries.funnel_impact.load 0 times, not once" in problems
    twice = source + "\nfunnel_impact.load(store, filters)\nfunnel_impact.funnel_steps(frame)\n"
    assert fetch_problems(twice, "funnel_impact", {"load"}) == [
        "calls funnel_impact.funnel_steps() besides its load",
        "calls vmdash.queries.funnel_impact.load 2 times, not once",
    ]


def test_every_load_returns_a_frozen_dataclass_and_has_default_controls(sample_store):
    for page, module in {p: m for p, (m, _) in PAGES.items()}.items():
        data = module.load(sample_store, FilterState())
        assert dataclasses.is_dataclass(data) and type(data).__dataclass_params__.frozen, page
        with pytest.raises(dataclasses.FrozenInstanceError):
            data.currency = None  # type: ignore[misc]
        controls = [v for k, v in vars(module).items() if k.endswith("Controls") and isinstance(v, type)]
        assert len(controls) == 1 and controls[0]() == module.load.__defaults__[-1], page


def test_the_benchmark_measures_the_pages_loads_with_the_widgets_defaults(sample_store, monkeypatch):
    # The bench names Test & learn as a Python name; the page file has a hyphen.
    wanted = {p.replace("-", "_"): m for p, (m, _) in PAGES.items()}
    assert wanted == workload.PAGE_MODULES
    assert set(workload.PAGE_MODULES) == set(workload.PAGES)
    for page, module in workload.PAGE_MODULES.items():
        calls = []
        original = module.load
        default = original.__defaults__[-1]

        def spy(store, filters, controls=default, _calls=calls, _original=original):
            _calls.append(controls)
            return _original(store, filters, controls)

        monkeypatch.setattr(module, "load", spy)
        answers = workload.vmdash_page(sample_store, page, FilterState())
        assert len(calls) == 1, page
        if page == "test_learn":
            # The campaign's two busiest ads picked and judged on CTR: the rest as the widgets start.
            assert calls[0].variants == tuple(answers["variants"]["variant"].iloc[:2])
            assert calls[0].kpi == "ctr"
            assert dataclasses.replace(calls[0], variants=(), kpi=default.kpi) == default
        else:
            assert calls == [default], page
