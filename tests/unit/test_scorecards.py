"""Scorecard verdicts against hand-computed cases."""

from __future__ import annotations

import datetime as dt

import pytest

from vmdash import scorecards


@pytest.mark.parametrize(
    ("kpi", "target", "num", "den", "verdict"),
    [
        # Wilson 95 % of 400 / 1000 is 37.0 % to 43.1 %: wholly above 30 %.
        ("view_rate", 0.30, 400, 1000, "met"),
        # 200 / 1000: 17.6 % to 22.6 %, wholly below.
        ("view_rate", 0.30, 200, 1000, "missed"),
        # 31 / 100: 22.8 % to 40.6 % straddles 30 %; the value 31 % meets it.
        ("view_rate", 0.30, 31, 100, "on track"),
        ("view_rate", 0.30, 29, 100, "at risk"),
        # 40 impressions say nothing.
        ("view_rate", 0.30, 30, 40, "too early"),
        ("view_rate", 0.30, None, None, "no data"),
        # 20 conversions for 100 spent: exact Poisson 12.2 to 30.9 results, so CPA 3.24 to 8.18 <= 12.
        ("cpa", 12.0, 100.0, 20, "met"),
        # No conversion for 500 spent: CPA at least 500 / 3.69 = 135.5 > 12.
        ("cpa", 12.0, 500.0, 0, "missed"),
        # No conversion for 20 spent: at least 5.42, which could still be <= 12.
        ("cpa", 12.0, 20.0, 0, "too early"),
        # 9,500 s over 100 views = 95 s: within 10 % of 90 s, above it.
        ("avg_view_duration", 90.0, 9500.0, 100, "on track"),
        ("avg_view_duration", 90.0, 8500.0, 100, "at risk"),
        ("avg_view_duration", 90.0, 12000.0, 100, "met"),
        ("avg_view_duration", 90.0, 5000.0, 100, "missed"),
        ("avg_view_duration", 90.0, 5000.0, 50, "too early"),
    ],
)
def test_verdicts(kpi, target, num, den, verdict):
    assert scorecards.judge(kpi, target, num, den).verdict == verdict


def test_interval_values_and_launch():
    v = scorecards.judge("view_rate", 0.30, 400, 1000)
    assert v.value == pytest.approx(0.4)
    assert v.low == pytest.approx(0.3701, abs=1e-4) and v.high == pytest.approx(0.4307, abs=1e-4)
    cpa = scorecards.judge("cpa", 12.0, 100.0, 20)
    assert cpa.value == pytest.approx(5.0)
    assert cpa.low == pytest.approx(100 / 30.89, rel=1e-3) and cpa.high == pytest.approx(100 / 12.22, rel=1e-3)
    later = scorecards.judge("view_rate", 0.30, 400, 1000, launch_on=dt.date(2026, 5, 1), as_of=dt.date(2026, 4, 30))
    assert later.verdict == "too early" and "2026-05-01" in later.reason
