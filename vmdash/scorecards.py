"""Scorecards: each planned video judged by its own target, with the uncertainty said honestly.

A scorecard holds the plan's primary KPI, its value over the selected filters and period, the
typical value of videos of the same platform, objective and length bucket (the median, as the
Test & learn benchmarks read "typical"; none under `testlearn.MIN_PEERS` videos) and a verdict.

The verdict rule (VERDICT_RULE says it on the page):

- **no data**: no row in the selection reports the KPI (both its numerator and denominator);
- **too early**: the video is not launched by the end of the period, or the KPI's volume is
  below MIN_VOLUME (fewer than 100 impressions, starts, views or clicks behind a rate; 40
  impressions say nothing), or for a cost, no result yet and too little spend to tell;
- with an interval (95 %): rates whose numerator counts a subset of their denominator get
  Wilson's interval from their counts (`stats.rate`); costs get the exact Poisson interval of
  their results (`stats.cost_per_result`; with no result yet, the cost is at least the spend
  over 3.69, the 95 % bound for zero events). **met**: the whole interval is on the good side
  of the target; **missed**: the whole interval is on the bad side; otherwise **on track** when
  the value itself meets the target, **at risk** when it does not;
- other KPIs (average view duration, % viewed, ROAS): no interval is honest for a ratio of
  sums, so past MIN_VOLUME a value within MARGIN (10 %) of the target is **on track** or **at
  risk** (by its side), beyond it **met** or **missed**.

The good side is the KPI's `higher_is_better`: at least the target, else at most.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from vmdash import metrics, stats

VERDICTS: tuple[str, ...] = ("met", "on track", "at risk", "missed", "too early", "no data")
MIN_VOLUME = 100.0
MARGIN = 0.10
LEVEL = 0.95
# With no result in a Poisson count, the rate's exact 95 % upper bound is -ln(0.025) per unit.
_ZERO_EVENTS_UPPER = -math.log((1 - LEVEL) / 2)
_COST_FMT = "money"
# Costs per exposure (CPM, CPV, CPC) need MIN_VOLUME exposures; a cost per conversion has its interval.
_EXPOSURES = ("impressions", "views", "clicks")

VERDICT_RULE = (
    "Verdicts: **met** or **missed** when the whole 95 % interval is on one side of the target; **on track** or "
    "**at risk** when the interval straddles it (by which side the value is on); **too early** before launch, "
    f"under {MIN_VOLUME:.0f} impressions, starts, views or clicks behind the KPI, or for a cost with no result "
    "and too little spend to tell; **no data** when nothing in the selection reports the KPI. Rates get Wilson's "
    "interval from their counts, costs the exact Poisson interval of their results; KPIs without an honest "
    f"interval (average view duration, % viewed, ROAS) count as met or missed only beyond {MARGIN:.0%} of the target."
)


@dataclass(frozen=True)
class Verdict:
    """One KPI against its target: the verdict, the value and its interval (KPI scale), and why."""

    verdict: str
    value: float | None
    low: float | None
    high: float | None
    reason: str


def _is_rate(m: metrics.Metric) -> bool:
    return m.fmt == "pct" and len(m.denominator) == 1 and m.scale == 1.0


def judge(
    kpi: str,
    target: float,
    numerator: float | None,
    denominator: float | None,
    launch_on: dt.date | None = None,
    as_of: dt.date | None = None,
) -> Verdict:
    """The verdict of a KPI whose summed numerator and denominator (over reporting rows) are given.

    `target` is on the KPI's own scale (0.35 for 35 %, see plans.target_value); `as_of` is the
    last day the selection covers (a launch after it is "too early").
    """
    m = metrics.get(kpi)
    if launch_on is not None and as_of is not None and launch_on > as_of:
        return Verdict("too early", None, None, None, f"launches on {launch_on.isoformat()}")
    num, den = _number(numerator), _number(denominator)
    if num is None or den is None or (den == 0 and num == 0):
        return Verdict("no data", None, None, None, "nothing in the selection reports it")

    def good(v: float) -> bool:
        return v >= target if m.higher_is_better else v <= target

    if m.fmt == _COST_FMT:
        return _judge_cost(m, target, num, den, good)
    value = num / den * m.scale if den else None
    if value is None:
        return Verdict("no data", None, None, None, "nothing in the selection reports it")
    if den < MIN_VOLUME:
        return Verdict("too early", value, None, None, f"only {den:,.0f} {_unit(m)} so far (needs {MIN_VOLUME:.0f})")
    if _is_rate(m) and num <= den:
        interval = stats.rate(num, den, LEVEL)
        assert interval.low is not None and interval.high is not None  # den > 0
        return _by_interval(value, interval.low, interval.high, good)
    # No interval: a margin around the target instead.
    near = abs(value - target) <= MARGIN * abs(target) if target else value == target
    if near:
        return Verdict("on track" if good(value) else "at risk", value, None, None, f"within {MARGIN:.0%} of target")
    return Verdict("met" if good(value) else "missed", value, None, None, f"beyond {MARGIN:.0%} of target")


def _judge_cost(
    m: metrics.Metric, target: float, spend: float, results: float, good: Callable[[float], bool]
) -> Verdict:
    # Cost per unit of the denominator (x scale: CPM is per 1,000 impressions).
    if m.denominator[0] in _EXPOSURES and results < MIN_VOLUME:
        return Verdict("too early", None, None, None, f"only {results:,.0f} {_unit(m)} so far (needs {MIN_VOLUME:.0f})")
    if results < 0.5:
        if spend <= 0:
            return Verdict("no data", None, None, None, "no spend and no result")
        floor = spend / _ZERO_EVENTS_UPPER * m.scale
        if not good(floor):
            return Verdict("missed", None, floor, None, f"no {_unit(m)} for {spend:,.2f} spent")
        return Verdict("too early", None, floor, None, f"no {_unit(m)} yet")
    interval = stats.cost_per_result(spend, results, LEVEL)
    assert interval.value is not None and interval.low is not None and interval.high is not None
    return _by_interval(interval.value * m.scale, interval.low * m.scale, interval.high * m.scale, good)


def _by_interval(value: float, low: float, high: float, good: Callable[[float], bool]) -> Verdict:
    if good(low) and good(high):
        return Verdict("met", value, low, high, "the whole interval meets the target")
    if not good(low) and not good(high):
        return Verdict("missed", value, low, high, "the whole interval misses the target")
    return Verdict("on track" if good(value) else "at risk", value, low, high, "the interval straddles the target")


def _unit(m: metrics.Metric) -> str:
    return m.denominator[0].replace("_", " ").replace("video starts", "starts")


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number
