"""Statistics against published worked examples and independent computations."""

from __future__ import annotations

import pytest
from scipy.stats import chi2_contingency, fisher_exact

from vmdash import metrics, stats
from vmdash.testlearn import TEST_KPIS


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


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10, examples (d)-(h):
        # zero counts and all-success variants, where the Wald interval fails.
        ((0, 29), (5, 56), -0.0381, 0.1926),
        ((0, 20), (0, 10), -0.1611, 0.2775),
        ((0, 10), (0, 10), -0.2775, 0.2775),
        ((0, 20), (10, 10), 0.6791, 1.0000),
        ((0, 10), (10, 10), 0.6075, 1.0000),
    ],
)
def test_difference_interval_with_zero_counts_matches_newcombe(a, b, low, high):
    c = stats.compare_rates(*a, *b)
    assert c.low == pytest.approx(low, abs=1e-4)
    assert c.high == pytest.approx(high, abs=1e-4)


def test_two_proportion_z_test_matches_a_hand_computed_value():
    # 40/200 against 60/200: pooled p = 0.25, SE = sqrt(0.25 * 0.75 * (1/200 + 1/200)) = 0.0433013,
    # z = 0.10 / 0.0433013 = 2.3094, two-sided p = 2 * (1 - Phi(2.3094)) = 0.02092.
    c = stats.compare_rates(40, 200, 60, 200)
    assert c.test == "score test"
    assert c.p_value == pytest.approx(0.02092, abs=1e-5)
    assert c.significant


def test_fishers_tea_tasting_example():
    # Fisher (1935), The Design of Experiments: 3 of 4 against 1 of 4, two-sided exact p = 34/70 = 0.4857.
    c = stats.compare_rates(1, 4, 3, 4)
    assert c.test == "Fisher's exact test"
    assert c.p_value == pytest.approx(34 / 70)
    assert not c.significant


def test_one_trial_each_is_no_verdict_and_wilson_stays_inside_zero_one():
    # Wilson for 0/1: upper bound z^2 / (1 + z^2) = 3.8415 / 4.8415 = 0.7935; for 1/1 the mirror image.
    c = stats.compare_rates(0, 1, 1, 1)
    assert (c.a.low, c.b.high) == (pytest.approx(0.0, abs=1e-12), pytest.approx(1.0))
    assert c.a.high == pytest.approx(0.7935, abs=1e-4)
    assert c.b.low == pytest.approx(1 - 0.7935, abs=1e-4)
    assert c.p_value == pytest.approx(1.0) and not c.significant
    assert c.mde > 1  # one trial per variant cannot detect even a 100-pt difference
    assert stats.verdict("CTR", c).startswith("No clear winner on CTR yet: B vs A +100.0 pts")


def test_no_winner_when_the_interval_and_the_exact_test_disagree():
    # 6/7 against 2/7: Newcombe's interval (+0.058 to +0.806) excludes zero, but Fisher's exact test
    # gives p = 0.103 (independent: scipy on the 2x2 table). A winner needs both.
    c = stats.compare_rates(2, 7, 6, 7)
    assert c.low > 0
    assert c.p_value == pytest.approx(fisher_exact([[6, 1], [2, 5]]).pvalue)
    assert c.p_value > 0.05
    assert not c.significant
    text = stats.verdict("completion rate", c)
    assert text.startswith("No clear winner on completion rate yet")
    assert "Fisher's exact test does not confirm it" in text


def test_identical_tiny_variants():
    c = stats.compare_rates(1, 3, 1, 3)
    assert c.diff == 0 and c.p_value == pytest.approx(1.0) and not c.significant
    assert c.low == pytest.approx(-c.high)  # symmetric around no difference


def test_exact_poisson_interval_of_a_cost_per_result():
    # Garwood (1936) exact 95 % interval for 10 events: 4.7954 to 18.3904.
    # 1,000 spent for 10 results: cost 100, interval 1000 / 18.3904 to 1000 / 4.7954.
    r = stats.cost_per_result(1000.0, 10)
    assert r.value == 100
    assert r.low == pytest.approx(1000 / 18.3904, rel=1e-4)
    assert r.high == pytest.approx(1000 / 4.7954, rel=1e-4)
    assert stats.cost_per_result(1000.0, 0).value is None


def test_a_variant_without_results_is_never_a_cost_winner():
    c = stats.compare_costs(1000.0, 0, 1000.0, 10)
    assert c.a_cost is None and c.b_cost == 100
    assert (c.low, c.high) == (None, None)
    assert not c.significant
    assert stats.cost_verdict("CPA", c) == "A has no results (or no spend) yet: nothing to compare on CPA."


def test_identical_costs_are_not_different():
    c = stats.compare_costs(500.0, 25, 500.0, 25)
    assert c.ratio == pytest.approx(1.0) and c.p_value == pytest.approx(1.0)
    assert c.low < 1 < c.high and not c.significant
    assert c.needed_spend_per_variant is None


def test_volume_needed_is_the_same_whichever_variant_is_ahead():
    assert stats.compare_rates(48, 1000, 40, 1000).needed_per_variant == (
        stats.compare_rates(40, 1000, 48, 1000).needed_per_variant
    )


def test_volume_needed_when_the_baseline_has_zero_successes():
    # 0/200 against 3/200. By hand (two-sided 5 %, 80 % power, p1 = 0, p2 = 0.015, mean 0.0075):
    # n = (1.96 * sqrt(2 * 0.0075 * 0.9925) + 0.8416 * sqrt(0.015 * 0.985))^2 / 0.015^2 = 518.2,
    # but 5 expected events at 0.75 % take 667 per variant, and the normal approximation needs them.
    c = stats.compare_rates(0, 200, 3, 200)
    assert not c.significant
    assert c.needed_per_variant == 667
    assert stats.verdict("CTR", c, unit="impressions").endswith(
        "; needs about 470 more impressions per variant to tell a 1.5-pt difference."
    )
    assert stats.sample_size(0.015, 0.0) == 667


def test_volume_needed_never_promises_a_verdict_from_a_handful_of_trials():
    # 0/1 against 1/1: the formula alone says 2 per variant, where even 2/2 against 0/2 gives Fisher p = 0.33.
    assert stats.compare_rates(0, 1, 1, 1).needed_per_variant == 10
    assert fisher_exact([[10, 0], [0, 10]]).pvalue < 0.05


def test_few_results_get_the_exact_conditional_test():
    # 7 conversions against 1 on equal spend. Given 8, A's count is Binomial(8, 1/2) when costs are
    # equal: p = P(X >= 7) + P(X <= 1) = 2 * (1 + 8) / 256 = 0.0703. Clopper-Pearson for 7/8 is
    # 0.4735 to 0.9968, so the cost ratio B/A (= A's results per spend over B's) runs from
    # 0.4735 / 0.5265 = 0.899 to 0.9968 / 0.0032 = 315.6: it includes 1.
    c = stats.compare_costs(100.0, 7, 100.0, 1)
    assert c.p_value == pytest.approx(18 / 256)
    assert c.low == pytest.approx(0.8993, abs=1e-3)
    assert c.high == pytest.approx(315.6, rel=1e-2)
    assert not c.significant
    assert stats.cost_verdict("CPA", c).startswith("No clear winner on CPA yet")


def test_exact_cost_test_scales_the_interval_by_the_spends():
    # Same counts, B spent twice A's spend: under equal costs A would hold 1/3 of the results.
    c = stats.compare_costs(100.0, 3, 200.0, 1)
    # P(X = k) for X ~ Binomial(4, 1/3), k = 0..4: 16, 32, 24, 8, 1 (/81). Two-sided, the outcomes
    # no more likely than the 3 seen are 3 and 4: p = (8 + 1) / 81.
    assert c.p_value == pytest.approx(9 / 81)
    assert c.ratio == pytest.approx((200 / 1) / (100 / 3))


def test_many_results_keep_the_score_test():
    # 50 against 100 on equal spend: 25 expected on the smaller side, the score test answers.
    c = stats.compare_costs(1000.0, 50, 1000.0, 100)
    assert c.p_value < 1e-4 and c.significant


def test_a_winner_never_reads_as_a_zero_effect():
    # 1.000 % against 1.070 % of 100 M impressions: +0.07 pts, certain; at one decimal the lead
    # and its interval all read "+0.1" (and 0.03 pts read "+0.0 pts").
    c = stats.compare_rates(1_000_000, 100_000_000, 1_070_000, 100_000_000)
    assert c.significant
    assert stats.verdict("click-through rate", c).startswith(
        "B beats A on click-through rate: +0.070 pts, 95 % CI +0.067 to +0.073 (p < 0.001)"
    )


def test_a_certain_difference_under_the_minimum_effect_is_too_small_to_matter():
    # +0.03 pts of CTR: certain at 100 M impressions, under the 0.05 pts worth acting on.
    c = stats.compare_rates(1_000_000, 100_000_000, 1_030_000, 100_000_000)
    assert c.significant and c.diff == pytest.approx(0.0003)
    text = stats.verdict("click-through rate", c, min_effect=0.0005)
    assert text.startswith("No winner worth acting on for click-through rate: B leads A by +0.030 pts, 95 % CI +0.027")
    assert text.endswith("under the 0.05 pts that matter.")
    assert not stats.matters(c.diff, 0.0005) and stats.matters(c.diff, None)


def test_a_cost_winner_never_reads_as_a_zero_change():
    # 1 M € for 100,000 against 101,000 results: CPA 10.00 € against 9.90 €, -0.99 %.
    c = stats.compare_costs(1_000_000, 100_000, 1_000_000, 101_000)
    assert c.significant
    text = stats.cost_verdict("CPA", c, money="{:,.2f} €")
    assert "(B vs A -1.0 %, 95 % CI -1.9 % to -0.1 %, p = 0.026)" in text and "-0 %" not in text
    small = stats.cost_verdict("CPA", c, money="{:,.2f} €", min_effect=0.05)
    assert small.startswith("No winner worth acting on for CPA: B costs less, 9.90 € against 10.00 €")
    assert small.endswith("under the 5 % that matters.")


@pytest.mark.parametrize("name", TEST_KPIS)
def test_every_test_kpi_sets_the_smallest_effect_worth_acting_on(name):
    assert 0 < metrics.get(name).min_effect < 0.1


@pytest.mark.parametrize(
    "a_spend, a_results, b_spend, b_results",
    [(1000.0, 50, 1000.0, 100), (100.0, 7, 100.0, 1), (500.0, 25, 500.0, 25), (1000.0, 0, 1000.0, 10)],
)
def test_a_cost_comparison_without_power_judges_the_same(a_spend, a_results, b_spend, b_results):
    # The loop log asks only whether a change is beyond chance: the same verdict, no power solved for.
    full = stats.compare_costs(a_spend, a_results, b_spend, b_results)
    judged = stats.compare_costs(a_spend, a_results, b_spend, b_results, power=False)
    assert (judged.ratio, judged.low, judged.high, judged.p_value) == (full.ratio, full.low, full.high, full.p_value)
    assert judged.significant == full.significant
    assert judged.mde is None and judged.needed_spend_per_variant is None
