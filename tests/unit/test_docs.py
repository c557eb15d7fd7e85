"""The README stays true: its commands, its KPI list and its vocabulary match the code."""

from __future__ import annotations

from pathlib import Path

from vmdash import metrics, model

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CI = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")


def test_every_kpi_is_listed_with_its_formula():
    for m in metrics.METRICS:
        den = " × ".join(m.denominator)
        scale = " × 1,000" if m.scale != 1 else ""
        assert f"| `{m.name}` | {m.label} | sum({m.numerator_text}) / sum({den}){scale} | {m.objective} |" in README


def test_every_canonical_name_is_documented():
    for name in (*model.DIMENSION_NAMES, *model.MEASURE_NAMES, *model.PLATFORMS, *model.CHANNELS, *model.OBJECTIVES):
        assert f"`{name}`" in README or f" {name}," in README or f"({name}," in README or f" {name})" in README, name


def test_ci_runs_the_readme_test_command():
    command = "pip install -r requirements-dev.txt && python -m pytest"
    assert command in README
    assert command.replace("pip install", "pip install -q") in CI
    assert "pip install -r requirements.txt && streamlit run app.py" in README
