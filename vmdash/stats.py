"""Honest statistics for Test & learn: intervals, tests and sample sizes for rates.

Built on statsmodels and scipy rather than hand-written formulas: Wilson intervals
for one rate, Newcombe's interval for a difference of two, the score test (or
Fisher's exact test when counts are small) for its p-value, and Poisson rates
for cost per conversion (the exact conditional test when results are few).

Each function imports the scipy and statsmodels modules it uses: together they take some 0.7 s
to load, which a server's first page paid whether it computed a statistic or not (this module is
imported by the query layer). They load on the first statistic instead.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import SupportsFloat

from vmdash.numbers import float_or_none


@dataclass(frozen=True)
class Rate:
    """A share with its confidence interval (None when there is nothing to measure)."""

    successes: float
    trials: float
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Comparison:
    """Variant B against variant A on one rate."""

    a: Rate
    b: Rate
    diff: float | None  # b - a, in share points (0.041 = +4.1 pts)
    low: float | None
    high: float | None
    p_value: float | None
    level: float
    test: str
    mde: float | None  # smallest difference this volume could detect (80 % power)
    needed_per_variant: int | None  # trials per variant to detect the observed difference

    @property
    def significant(self) -> bool:
        """True when the difference's interval excludes zero and the test agrees at the same level.

        At small counts Newcombe's interval can exclude zero while Fisher's exact test does not
        reject (6/7 against 2/7: interval +5.8 to +80.6 pts, p = 0.10); a winner needs both.
        """
        if self.low is None or self.high is None or not (self.low > 0 or self.high < 0):
            return False
        return self.p_value is None or self.p_value < 1 - self.level


def rate(successes: float, trials: float, level: float = 0.95) -> Rate:
    """A share with its Wilson interval, which stays inside 0-1 and honest at small counts."""
    from statsmodels.stats import proportion as smp

    k, n = _counts(successes, trials)
    if n == 0:
        return Rate(k, n, None, None, None)
    low, high = smp.proportion_confint(k, n, alpha=1 - level, method="wilson")
    return Rate(k, n, k / n, float(low), float(high))


def _counts(successes: float, trials: float) -> tuple[int, int]:
    k, n = int(round(successes or 0)), int(round(trials or 0))
    if k < 0 or n < 0:
        raise ValueError("counts cannot be negative")
    if k > n:
        raise ValueError(f"{k} successes out of {n} trials is impossible")
    return k, n


def compare_rates(
    a_successes: float, a_trials: float, b_successes: float, b_trials: float, level: float = 0.95
) -> Comparison:
    """B against A: difference with Newcombe's interval, a p-value, and what the volume can detect."""
    from statsmodels.stats import proportion as smp

    a, b = rate(a_successes, a_trials, level), rate(b_successes, b_trials, level)
    if a.value is None or b.value is None:
        return Comparison(a, b, None, None, None, None, level, "none", None, None)
    ka, na, kb, nb = int(a.successes), int(a.trials), int(b.successes), int(b.trials)
    diff = b.value - a.value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = smp.confint_proportions_2indep(kb, nb, ka, na, method="newcomb", compare="diff", alpha=1 - level)
    p_value, test = _p_value(ka, na, kb, nb)
    pooled = (ka + kb) / (na + nb)
    mde = minimum_detectable_effect(pooled, min(na, nb), level=level)
    # From the lower rate up, so a zero on either side still gives an (approximate) answer.
    needed = sample_size(abs(diff), min(a.value, b.value), level=level) if diff else None
    return Comparison(a, b, diff, float(low), float(high), p_value, level, test, mde, needed)


def _p_value(ka: int, na: int, kb: int, nb: int) -> tuple[float, str]:
    from scipy import stats as sps
    from statsmodels.stats import proportion as smp

    if ka + kb == 0 or ka + kb == na + nb:
        return 1.0, "identical"  # both all-or-nothing: no evidence of any difference
    expected_small = min(na, nb) * min(ka + kb, na + nb - ka - kb) / (na + nb) < 5
    if expected_small:
        return float(sps.fisher_exact([[ka, na - ka], [kb, nb - kb]]).pvalue), "Fisher's exact test"
    with warnings.catch_warnings():
        # statsmodels also computes a ratio and an odds ratio, which divide by zero at 0 % or 100 %.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = smp.test_proportions_2indep(kb, nb, ka, na, method="score", compare="diff", correction=False)
    return float(result.pvalue), "score test"


def minimum_detectable_effect(base: float, per_variant: float, power: float = 0.8, level: float = 0.95) -> float | None:
    """Smallest absolute difference two variants of this size detect with this power."""
    from scipy import stats as sps

    if per_variant <= 0 or not 0 < base < 1:
        return None
    z = sps.norm.ppf(1 - (1 - level) / 2) + sps.norm.ppf(power)
    return float(z * math.sqrt(2 * base * (1 - base) / per_variant))


def sample_size(diff: float, base: float, power: float = 0.8, level: float = 0.95) -> int | None:
    """Trials per variant needed to detect an absolute difference `diff` from a base rate."""
    from statsmodels.stats import proportion as smp

    if diff <= 0 or not 0 <= base < 1 or not 0 < base + diff <= 1:
        return None
    n = smp.samplesize_proportions_2indep_onetail(diff, base, power, ratio=1, alpha=1 - level)
    # The normal approximation behind it needs about 5 expected events (and non-events) per variant.
    pooled = base + diff / 2
    return int(math.ceil(max(n, 5 / min(pooled, 1 - pooled))))


@dataclass(frozen=True)
class CostComparison:
    """Cost per result of B against A (e.g. CPA), from conversions as Poisson counts over spend."""

    a_cost: float | None
    b_cost: float | None
    ratio: float | None  # b_cost / a_cost
    low: float | None
    high: float | None
    p_value: float | None
    level: float
    mde: float | None = None  # smallest relative cost difference this spend could detect (80 % power)
    needed_spend_per_variant: float | None = None  # spend per variant to detect the observed difference
    spent_per_variant: float | None = None  # the smaller variant's spend so far

    @property
    def significant(self) -> bool:
        """True when both costs exist, the ratio's interval excludes 1 and the test agrees."""
        if self.ratio is None or self.low is None or self.high is None or not (self.low > 1 or self.high < 1):
            return False
        return self.p_value is None or self.p_value < 1 - self.level


def compare_costs(
    a_spend: float, a_results: float, b_spend: float, b_results: float, level: float = 0.95, power: bool = True
) -> CostComparison:
    """Cost per result of B against A, with the interval of their ratio.

    Not `power`: without the detectable change and the spend needed (`mde`, `needed_spend_per_variant`
    None), which solve for a power numerically, some 30 ms a comparison, for a caller that only asks
    whether the difference is `significant`.
    """
    from statsmodels.stats import rates as smr

    a_cost = a_spend / a_results if a_results else None
    b_cost = b_spend / b_results if b_results else None
    if not (a_spend > 0 and b_spend > 0) or (a_results or 0) + (b_results or 0) == 0:
        return CostComparison(a_cost, b_cost, None, None, None, None, level)
    ka, kb = int(round(a_results)), int(round(b_results))
    # Results per unit of spend: A over B is the cost ratio B over A.
    # Fewer than 5 results expected on either side under equal costs: too few for the score test.
    p: float | None
    if (ka + kb) * min(a_spend, b_spend) / (a_spend + b_spend) < 5:
        low, high, p = _exact_cost_ratio(ka, a_spend, kb, b_spend, level)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = smr.confint_poisson_2indep(
                ka, a_spend, kb, b_spend, method="score", compare="ratio", alpha=1 - level
            )
            p = float_or_none(smr.test_poisson_2indep(ka, a_spend, kb, b_spend, method="score", compare="ratio").pvalue)
    ratio = (b_cost / a_cost) if a_cost and b_cost else None
    low_f = float_or_none(low)
    # An unbounded upper limit says nothing a reader can use: no upper limit.
    high_f = None if math.isinf(high) else float_or_none(high)
    if ka == 0 or kb == 0:
        # With no result on one side the score interval collapses to a point: there is no cost ratio.
        low_f = high_f = None
    if not power:
        return CostComparison(a_cost, b_cost, ratio, low_f, high_f, p, level, None, None, min(a_spend, b_spend))
    base = (ka + kb) / (a_spend + b_spend)  # results per unit of spend, both variants pooled
    mde = cost_detectable_change(base, min(a_spend, b_spend), level=level)
    needed = None
    if a_cost and b_cost and a_cost != b_cost:
        needed = spend_needed(1 / a_cost, 1 / b_cost, level=level)
    return CostComparison(a_cost, b_cost, ratio, low_f, high_f, p, level, mde, needed, min(a_spend, b_spend))


def _exact_cost_ratio(ka: int, a_spend: float, kb: int, b_spend: float, level: float) -> tuple[float, float, float]:
    """The exact conditional test and interval for A's results per spend over B's.

    Given ka + kb results, A's share of them is binomial with A's share of the spend when both
    cost the same: the test is the binomial test of that share, and the Clopper-Pearson interval
    of the share, turned into odds and scaled by the spends, bounds the ratio. The score test's
    normal approximation calls 7 results against 1 on equal spend a win (p = 0.034); this test
    does not (p = 0.070), as the rates' fall back to Fisher's exact test at small counts.
    """
    from scipy import stats as sps

    share = a_spend / (a_spend + b_spend)
    test = sps.binomtest(ka, ka + kb, share)
    ci = test.proportion_ci(confidence_level=level, method="exact")

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else (p / (1 - p)) * (b_spend / a_spend)

    return ratio(float(ci.low)), ratio(float(ci.high)), float(test.pvalue)


def cost_per_result(spend: float, results: float, level: float = 0.95) -> Rate:
    """Cost per result with an exact Poisson interval on the results (`trials` holds the spend)."""
    from statsmodels.stats import rates as smr

    k = int(round(results or 0))
    if k < 0 or (spend or 0) < 0:
        raise ValueError("spend and results cannot be negative")
    if k == 0 or not spend:
        return Rate(k, spend or 0, None, None, None)
    low, high = smr.confint_poisson(k, spend, method="exact-c", alpha=1 - level)
    # Fewer results per unit of spend is a higher cost: the bounds swap.
    return Rate(k, spend, spend / k, 1 / float(high), 1 / float(low))


def _poisson_power(rate_a: float, rate_b: float, spend: float, level: float) -> float:
    from statsmodels.stats import rates as smr

    # value=1 is the null ratio; statsmodels' default (0) is not a ratio.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(
            smr.power_poisson_ratio_2indep(
                rate_b, rate_a, spend, value=1, alpha=1 - level, alternative="two-sided", return_results=False
            )
        )


def spend_needed(rate_a: float, rate_b: float, power: float = 0.8, level: float = 0.95) -> float | None:
    """Spend per variant needed to tell two results-per-spend rates apart (Poisson, two-sided)."""
    from scipy import optimize as spo

    if not (rate_a > 0 and rate_b > 0) or rate_a == rate_b:
        return None
    high = 1.0
    while _poisson_power(rate_a, rate_b, high, level) < power:
        high *= 10
        if high > 1e15:
            return None
    return float(spo.brentq(lambda n: _poisson_power(rate_a, rate_b, n, level) - power, 1e-9, high))


def cost_detectable_change(base_rate: float, spend: float, power: float = 0.8, level: float = 0.95) -> float | None:
    """Smallest relative change in cost per result (0.2 = 20 %) this spend per variant detects."""
    from scipy import optimize as spo

    if not (base_rate > 0 and spend > 0):
        return None

    def gap(ratio: float) -> float:
        return _poisson_power(base_rate, base_rate * ratio, spend, level) - power

    if gap(1e6) < 0:
        return None
    ratio = float(spo.brentq(gap, 1 + 1e-9, 1e6))
    return 1 - 1 / ratio  # results per spend up by `ratio` = cost per result down by this share


def typical_index(value: SupportsFloat | None, median: SupportsFloat | None, higher_is_better: bool) -> float | None:
    """A value against the typical (median) one: 100 = typical; above 100 = better (for a cost: cheaper)."""
    value, median = float_or_none(value), float_or_none(median)
    if not value or not median:
        return None
    return 100 * (value / median if higher_is_better else median / value)


def about(value: float) -> float:
    """A volume rounded to two significant figures, for "needs about N more"."""
    if value <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(value)))
    return float(round(value, digits))


def _p_text(p: float | None) -> str:
    if p is None:
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _level_text(level: float) -> str:
    return f"{level * 100:.3g} % CI"


def decimals(*values: float, least: int = 1) -> int:
    """Decimals that show these figures (points or %) apart: `least`, more while one reads as 0 or two as one."""
    shown = [v for v in values if math.isfinite(v)]
    digits = least
    while digits < 4 and (
        any(v != 0 and round(v, digits) == 0 for v in shown) or len({round(v, digits) for v in shown}) < len(set(shown))
    ):
        digits += 1
    return digits


def matters(effect: float | None, min_effect: float | None) -> bool:
    """Whether an effect is at least the smallest one worth acting on (always, when none is set)."""
    return effect is not None and (min_effect is None or abs(effect) >= min_effect)


def verdict(
    label: str,
    comparison: Comparison,
    names: tuple[str, str] = ("A", "B"),
    unit: str = "trials",
    min_effect: float | None = None,
) -> str:
    """One plain sentence: who wins on what, by how much, with the interval; or why nobody does yet.

    A difference the test confirms but smaller than `min_effect` (share points) is said to be
    too small to matter instead of winning; every figure keeps enough digits to differ from 0.
    """
    a, b = names
    c = comparison
    if c.diff is None:
        missing = a if c.a.value is None else b
        return f"{missing} has no {unit} yet: nothing to compare."
    assert c.low is not None and c.high is not None  # compare_rates gives a difference only with its interval
    d = decimals(c.diff * 100, c.low * 100, c.high * 100)
    if c.significant:
        # Say the winner's lead and its interval the same way round (a lead is positive).
        winner, loser, low, high = (b, a, c.low, c.high) if c.diff > 0 else (a, b, -c.high, -c.low)
        span = f"{_level_text(c.level)} {low * 100:+.{d}f} to {high * 100:+.{d}f}"
        lead = f"{abs(c.diff) * 100:+.{d}f} pts, {span} ({_p_text(c.p_value)})"
        if not matters(c.diff, min_effect):
            assert min_effect is not None
            return (
                f"No winner worth acting on for {label}: {winner} leads {loser} by {lead}, under the "
                f"{min_effect * 100:g} pts that matter."
            )
        return f"{winner} beats {loser} on {label}: {lead}."
    span = f"{_level_text(c.level)} {c.low * 100:+.{d}f} to {c.high * 100:+.{d}f}"
    more = ""
    if c.low > 0 or c.high < 0:
        more = f"; the interval excludes 0 but {c.test} does not confirm it"
    if c.needed_per_variant:
        extra = max(c.needed_per_variant - int(min(c.a.trials, c.b.trials)), 0)
        if extra:
            more += f"; needs about {about(extra):,.0f} more {unit} per variant to tell a {abs(c.diff) * 100:.{d}f}-pt difference"
    return f"No clear winner on {label} yet: {b} vs {a} {c.diff * 100:+.{d}f} pts, {span} ({_p_text(c.p_value)}){more}."


def cost_verdict(
    label: str,
    comparison: CostComparison,
    names: tuple[str, str] = ("A", "B"),
    money: str = "{:,.2f}",
    min_effect: float | None = None,
) -> str:
    """The same plain sentence for a cost per result (lower wins), the change given in % of A's cost.

    A confirmed change smaller than `min_effect` (a share of A's cost) is too small to matter.
    """
    a, b = names
    c = comparison
    if c.a_cost is None or c.b_cost is None or c.ratio is None:
        missing = a if c.a_cost is None else b
        return f"{missing} has no results (or no spend) yet: nothing to compare on {label}."
    change = (c.ratio - 1) * 100
    bounds = [(x - 1) * 100 for x in (c.low, c.high) if x is not None]
    d = decimals(change, *bounds, least=0)
    if c.low is None or c.high is None:
        return f"No clear winner on {label} yet: {b} vs {a} {change:+.{d}f} %; too few results for an interval."
    span = f"{_level_text(c.level)} {(c.low - 1) * 100:+.{d}f} % to {(c.high - 1) * 100:+.{d}f} %"
    if c.significant:
        (winner, won), (loser, lost) = sorted(((a, c.a_cost), (b, c.b_cost)), key=lambda x: x[1])
        costs = f"{money.format(won)} against {money.format(lost)}"
        detail = f"{costs} ({b} vs {a} {change:+.{d}f} %, {span}, {_p_text(c.p_value)})"
        if not matters(c.ratio - 1, min_effect):
            assert min_effect is not None
            return (
                f"No winner worth acting on for {label}: {winner} costs less, {detail}, under the "
                f"{min_effect * 100:g} % that matters."
            )
        return f"{winner} beats {loser} on {label}: {detail}."
    more = ""
    if c.needed_spend_per_variant and c.spent_per_variant is not None:
        extra = c.needed_spend_per_variant - c.spent_per_variant
        if extra > 0:
            more = f"; needs about {money.format(about(extra))} more spend per variant to tell a {abs(change):.{d}f} % difference"
    costs = f"{money.format(c.b_cost)} against {money.format(c.a_cost)}"
    return (
        f"No clear winner on {label} yet: {b} vs {a} {change:+.{d}f} % ({costs}), {span} ({_p_text(c.p_value)}){more}."
    )
