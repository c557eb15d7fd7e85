"""Test & learn statistics: each variant against the baseline, and the videos furthest from typical.

`compare_variants` reads the per-variant sums from `data`, runs the tests of `vmdash.stats`
and words the result with `wording`; it holds no SQL and writes no sentence itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, SupportsFloat

import pandas as pd

from vmdash import cache, metrics, stats
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState
from vmdash.numbers import float_or_none
from vmdash.store import Store
from vmdash.testlearn import wording
from vmdash.testlearn.choices import LEVEL, MAX_VARIANTS, TEST_KPIS, UNITS
from vmdash.testlearn.data import variant_totals

# Past this, counts and spend are no real campaign's (and statistics on them lose all precision).
_MAX_TOTAL = 1e15


@dataclass(frozen=True)
class Finding:
    """One variant against the baseline (the first variant)."""

    baseline: str
    variant: str
    verdict: str
    significant: bool
    diff: float | None  # rates: share points; costs: relative change of the cost
    low: float | None
    high: float | None
    p_value: float | None
    detectable: str  # what this volume can detect, in words


@dataclass(frozen=True)
class VariantReport:
    """A comparison of variants on one KPI: per-variant rates, findings against the baseline, warnings."""

    metric: metrics.Metric
    unit: str
    level: float
    table: pd.DataFrame  # variant, label, platforms, first_date, last_date, rows, successes, trials, value, low, high
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]


@cache.cached
def compare_variants(
    store: Store,
    kind: str,
    values: tuple[str, ...] | list[str],
    metric_name: str,
    filters: FilterState = FilterState(),
    labels: dict[str, str] | None = None,
    currency: str | None = None,
) -> VariantReport:
    """Each variant against the first on a test KPI: rates with intervals, verdicts, sizes, warnings.

    With more than two variants every comparison is against the first, at a Bonferroni-adjusted
    level, so that testing several at once does not make a chance winner likelier.
    """
    values = tuple(dict.fromkeys(values))[:MAX_VARIANTS]
    metric = metrics.get(metric_name)
    if metric_name not in TEST_KPIS:
        raise InvalidChoice("test KPI", metric_name, TEST_KPIS)
    labels = {v: (labels or {}).get(v, v) for v in values}
    totals = variant_totals(store, kind, values, metric_name, filters)
    totals["label"] = [labels[v] for v in totals["variant"]]
    comparisons = max(len(values) - 1, 1)
    level = 1 - (1 - LEVEL) / comparisons
    is_cost = metric.fmt == "money"
    unit = "spend" if is_cost else UNITS.get(metric.denominator[0], metric.denominator[0])
    warnings = list(wording.caveats(totals, metric, kind))

    # Per-variant value and interval, at the plain 95 % level (the intervals describe each variant).
    values_ci: list[tuple[float | None, float | None, float | None]] = []
    impossible = set()
    overflowed = set()
    for rec in totals.itertuples():
        k, n = _sum(rec.successes), _sum(rec.trials)
        if not (abs(k) < _MAX_TOTAL and abs(n) < _MAX_TOTAL):
            # A sum that overflowed (or nearly): no interval or test means anything on it.
            impossible.add(rec.variant)
            overflowed.add(rec.variant)
            values_ci.append((None, None, None))
            warnings.append(wording.overflowed(labels[rec.variant], metric))
            continue
        if is_cost:
            r = stats.cost_per_result(k, n, LEVEL)  # numerator is spend, denominator conversions
        elif k > n:
            impossible.add(rec.variant)
            r = stats.Rate(k, n, k / n if n else None, None, None)
        else:
            r = stats.rate(k, n, LEVEL)
        values_ci.append((r.value, r.low, r.high))
    totals[["value", "low", "high"]] = pd.DataFrame(values_ci, index=totals.index, columns=["value", "low", "high"])
    for variant in impossible - overflowed:
        warnings.append(wording.not_a_share(labels[variant], metric))

    money = wording.money_format(currency if totals["currencies"].max() <= 1 else None)
    findings = []
    base = totals.iloc[0]
    for rec in totals.iloc[1:].itertuples():
        names = (str(base["label"]), str(rec.label))
        if base["variant"] in impossible or rec.variant in impossible:
            continue
        if is_cost:
            findings.append(_cost_finding(base, rec, metric, names, level, money))
        else:
            findings.append(_rate_finding(base, rec, metric, names, level, unit))
    if len(values) > 2:
        warnings.append(wording.bonferroni(len(values) - 1, labels[values[0]], level))
    return VariantReport(metric, unit, level, totals, tuple(findings), tuple(warnings))


def _rate_finding(
    base: pd.Series, rec: Any, metric: metrics.Metric, names: tuple[str, str], level: float, unit: str
) -> Finding:
    c = stats.compare_rates(_sum(base["successes"]), _sum(base["trials"]), _sum(rec.successes), _sum(rec.trials), level)
    return Finding(
        baseline=names[0],
        variant=names[1],
        verdict=stats.verdict(wording.in_sentence(metric.label), c, names, unit=unit, min_effect=metric.min_effect),
        # A win too small to act on is not shown as one.
        significant=c.significant and stats.matters(c.diff, metric.min_effect),
        diff=c.diff,
        low=c.low,
        high=c.high,
        p_value=c.p_value,
        detectable=wording.rate_detectable(c, unit),
    )


def _cost_finding(
    base: pd.Series, rec: Any, metric: metrics.Metric, names: tuple[str, str], level: float, money: str
) -> Finding:
    # For a cost, the metric's numerator is the spend and its denominator the results.
    c = stats.compare_costs(_sum(base["successes"]), _sum(base["trials"]), _sum(rec.successes), _sum(rec.trials), level)
    return Finding(
        baseline=names[0],
        variant=names[1],
        verdict=stats.cost_verdict(
            wording.in_sentence(metric.label), c, names, money=money, min_effect=metric.min_effect
        ),
        significant=c.significant and stats.matters(None if c.ratio is None else c.ratio - 1, metric.min_effect),
        diff=(c.ratio - 1) if c.ratio is not None else None,
        low=(c.low - 1) if c.low is not None else None,
        high=(c.high - 1) if c.high is not None else None,
        p_value=c.p_value,
        detectable=wording.cost_detectable(c, metric, money),
    )


def _sum(value: SupportsFloat | None) -> float:
    # A variant with no reporting row sums to NULL: it has counted nothing.
    return float_or_none(value) or 0.0


def furthest_from_typical(frame: pd.DataFrame, n: int = 30) -> pd.DataFrame:
    """The `n` videos whose index is furthest from 100 either way (half as good counts as twice as good)."""
    ranked = frame.dropna(subset=["index"])
    distance = (ranked["index"].astype(float) / 100).map(lambda r: abs(math.log(r)) if r > 0 else math.inf)
    return ranked.assign(distance=distance).sort_values("distance", ascending=False).head(n).drop(columns="distance")
