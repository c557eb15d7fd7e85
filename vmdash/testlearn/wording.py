"""Test & learn sentences: the caveats of a comparison, what its volume can detect, and KPI names in prose.

The verdicts themselves ("A beats B on click-through rate …") are written by `vmdash.stats`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from vmdash import metrics, model, stats


def in_sentence(label: str) -> str:
    """A KPI label inside a sentence: "Hook rate" reads "hook rate", "CPA" stays "CPA"."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def money_format(currency: str | None) -> str:
    """A format string for amounts in this currency ("{:,.2f} €"); plain digits when it is unknown or mixed."""
    symbol = model.currency_symbol(currency)
    return ("{:,.2f} " + symbol).strip() if symbol else "{:,.2f}"


def rate_detectable(c: stats.Comparison, unit: str) -> str:
    """What a rate test at this volume can detect, at 80 % power; '' when there is no estimate."""
    if c.mde is None:
        return ""
    volume = f"At this volume ({int(min(c.a.trials, c.b.trials)):,} {unit} in the smaller variant)"
    if c.mde >= 1:
        # A share cannot move by more than 100 pts: no difference is detectable yet.
        return f"{volume} the test cannot reliably detect any difference yet (80 % power)."
    return f"{volume} the test detects differences of about {_points(c.mde)} pts or more (80 % power)."


def cost_detectable(c: stats.CostComparison, metric: metrics.Metric, money: str) -> str:
    """What a cost test at this spend can detect, at 80 % power; '' when there is no estimate."""
    if c.mde is None:
        return ""
    return (
        f"At this spend ({money.format(c.spent_per_variant)} in the smaller variant) the test detects "
        f"{metric.label} differences of about {c.mde * 100:.0f} % or more (80 % power)."
    )


def overflowed(label: str, metric: metrics.Metric) -> str:
    """Why a variant whose sums overflowed is left out of the comparison."""
    return (
        f"{label}'s totals are too large to compare (a sum of {metric.numerator} or "
        f"{metric.denominator[0]} overflowed); check its imports."
    )


def not_a_share(label: str, metric: metrics.Metric) -> str:
    """Why a variant reporting more successes than trials is left out of a rate comparison."""
    return (
        f"{label} reports more {metric.numerator} than {metric.denominator[0]} "
        f"(view-through results count too), so {metric.label} is not a share here: compare CPA instead."
    )


def bonferroni(comparisons: int, baseline: str, level: float) -> str:
    """Why each of several comparisons uses a wider interval."""
    return (
        f"{comparisons} comparisons against {baseline}: each uses a {level * 100:.3g} % interval "
        "(Bonferroni) so that one chance winner among several is not called a win."
    )


def caveats(totals: pd.DataFrame, metric: metrics.Metric, kind: str) -> Iterator[str]:
    """What makes this comparison less than like for like, one sentence each."""
    for rec in totals.itertuples():
        if not rec.reported_rows:
            yield f"{rec.label} has no rows reporting {metric.label} under these filters."
    reported = totals[totals["reported_rows"] > 0]
    platform_sets = {str(p) for p in reported["platforms"]}
    if len(platform_sets) > 1:
        sides = "; ".join(f"{r.label}: {_platform_names(r.platforms)}" for r in reported.itertuples())
        text = f"The variants ran on different platforms ({sides})."
        everyone = sorted({p for s in platform_sets for p in s.split(",")})
        defs = list(dict.fromkeys(metrics.view_definitions(everyone).values()))
        if metric.caveat:
            text += f" {metric.caveat}"
        elif {"views", "views_3s"} & set(metric.measures) and len(defs) > 1:
            text += " Their platforms count plays differently: " + "; ".join(defs) + "."
        yield text + " Part of any difference may be the platform, not the creative."
    spans = {(r.first_date, r.last_date) for r in reported.itertuples() if pd.notna(r.first_date)}
    if len(spans) > 1:
        sides = "; ".join(
            f"{r.label}: {_day(r.first_date)} to {_day(r.last_date)}"
            for r in reported.itertuples()
            if pd.notna(r.first_date)
        )
        yield (
            f"The variants ran over different dates ({sides}): seasons, auctions and audience fatigue differ; "
            "narrow the dates in the sidebar to the period they share."
        )
    undated = reported[reported["undated_rows"] > 0]
    if not undated.empty:
        yield (
            f"{', '.join(str(x) for x in undated['label'])}: lifetime totals without dates are included, "
            "so their period is not known."
        )
    several = (totals["currencies"] > 1).any() or reported["currency"].dropna().nunique() > 1
    if several and metric.fmt == "money":
        yield "The variants spend in different currencies: their costs cannot be compared."
    shared = int(totals["shared_rows"].sum())
    if shared and kind == "token":
        yield (
            f"{shared:,} rows carry more than one of the chosen tokens; each counts for the first token listed only."
        )


def _platform_names(platforms: object) -> str:
    if not isinstance(platforms, str) or not platforms:
        return "no platform"
    return ", ".join(model.platform_label(p) for p in platforms.split(","))


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat() if pd.notna(value) else "?"


def _points(share: float) -> str:
    points = share * 100
    return f"{points:.1f}" if points >= 0.1 else f"{points:.2g}"
