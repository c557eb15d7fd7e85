"""Statistics against published worked examples and independent computations."""

from __future__ import annotations

import pytest
from scipy.stats import chi2_contingency, fisher_exact

from vmdash import stats


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, Wilson score method.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(k, n, low, high):
    r = stats.rate(k, n)
    assert r.low == pytest.approx(low, abs=1e-4)
    assert r.high == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, method 10: 56/70 vs 48/80 and 9/10 vs 3/10.
        ((48, 80), (56, 70), 0.0524, 0.3339),
        ((3, 10), (9, 10), 0.1705, 0.8090),
    ],
)
def test_difference_interval_matches_newcombe(a, b, low, high):
    c = stats.compare_rates(*a, *b)
    assert c.low == pytest.approx(low, abs=1e-4)
    assert c.high == pytest.approx(high, abs=1e-4)


def test_p_value_equals_an_independent_chi_square():
    c = stats.compare_rates(48, 80, 56, 70)
    expected = chi2_contingency([[56, 14], [48, 32]], correction=False).pvalue
    assert c.test == "score test"
    assert c.p_value == pytest.approx(expected, rel=1e-9)


def test_small_counts_use_fishers_exact_test():
    c = stats.compare_rates(1, 12, 6, 11)
    assert c.test == "Fisher's exact test"
    assert c.p_value == pytest.approx(fisher_exact([[1, 11], [6, 5]]).pvalue)


def test_identical_variants_are_not_different():
    c = stats.compare_rates(120, 1000, 120, 1000)
    assert c.diff == 0 and not c.significant
    assert c.low < 0 < c.high
    assert c.p_value == pytest.approx(1.0)
    assert c.needed_per_variant is None
    assert stats.verdict("CTR", c).startswith("No clear winner on CTR yet: B vs A +0.0 pts")


@pytest.mark.parametrize(("ka", "kb"), [(0, 0), (50, 50)])
def test_all_or_nothing_variants(ka, kb):
    c = stats.compare_rates(ka, 50, kb, 50)
    assert c.p_value == 1.0 and not c.significant


def test_zero_trials_has_no_verdict():
    c = stats.compare_rates(0, 0, 5, 100)
    assert c.diff is None
    assert stats.verdict("completion rate", c, unit="starts") == "A has no starts yet: nothing to compare."


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="impossible"):
        stats.rate(11, 10)


def test_clear_winner_verdict_reads_plainly():
    c = stats.compare_rates(400, 10_000, 520, 10_000)
    text = stats.verdict("completion rate", c)
    assert text.startswith("B beats A on completion rate: +1.2 pts, 95 % CI +")
    assert c.significant and c.p_value < 0.001


def test_inconclusive_verdict_says_how_much_more_volume_is_needed():
    c = stats.compare_rates(40, 1000, 48, 1000)
    assert not c.significant
    text = stats.verdict("CTR", c, unit="impressions")
    assert "needs about" in text and "more impressions per variant" in text
    # Independently: two-sided 5 %, 80 % power, p1 = 0.04, p2 = 0.048 needs ~10,600 per group.
    assert 9_500 < c.needed_per_variant < 11_500


def test_minimum_detectable_effect_shrinks_with_volume():
    small = stats.minimum_detectable_effect(0.1, 1_000)
    large = stats.minimum_detectable_effect(0.1, 100_000)
    assert small == pytest.approx(10 * large)
    # 2.8 * sqrt(2 * 0.09 / 1000) = 0.03757
    assert small == pytest.approx(0.03757, abs=2e-4)


def test_cost_per_result_comparison():
    c = stats.compare_costs(1000.0, 50, 1000.0, 100)
    assert c.a_cost == 20 and c.b_cost == 10
    assert c.ratio == pytest.approx(0.5)
    assert c.high < 1 and c.p_value < 0.001
    assert stats.compare_costs(0, 0, 10, 1).ratio is None
