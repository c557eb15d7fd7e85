"""The Test & learn page's `load`: variants compared, their trend, lifecycle cohorts, the loop log, benchmarks.

The queries themselves live in vmdash.testlearn and vmdash.looplog; this module gathers what
one rerun of the page draws. It is not re-exported by the package: vmdash.testlearn reads
through vmdash.queries, so the package does not import it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from vmdash import looplog, testlearn
from vmdash.filters import FilterState
from vmdash.queries.selection import currency, platforms_present
from vmdash.store import Store


@dataclass(frozen=True)
class LearnControls:
    """The Test & learn page's widget values; the defaults are the widgets' own (no variants picked)."""

    kind: str = next(iter(testlearn.VARIANT_KINDS.values()))
    variants: tuple[str, ...] = ()
    # Variant key -> its label in the picker.
    labels: Mapping[str, str] = field(default_factory=dict)
    kpi: str = next(iter(testlearn.kpi_options().values()))
    cohort_measure: str = next(iter(testlearn.cohort_options().values()))


@dataclass(frozen=True)
class LearnData:
    """Everything the Test & learn page draws; `report` and `trend` are None with fewer than two variants."""

    currency: str | None
    platforms: list[str]
    report: testlearn.VariantReport | None
    trend: pd.DataFrame | None
    trend_marks: pd.DataFrame | None
    cohorts: pd.DataFrame
    loop_log: pd.DataFrame
    loop_log_currency: str | None
    benchmarks: pd.DataFrame
    furthest: pd.DataFrame


def load(store: Store, filters: FilterState = FilterState(), controls: LearnControls = LearnControls()) -> LearnData:
    """The Test & learn page's data, in the order the page draws it."""
    money = currency(store, filters)
    platforms = platforms_present(store, filters)
    report = trend = marks = None
    values, labels = list(controls.variants), dict(controls.labels)
    if len(values) >= 2:
        report = testlearn.compare_variants(store, controls.kind, values, controls.kpi, filters, labels, money)
        trend = testlearn.variant_trend(store, controls.kind, values, controls.kpi, filters, labels)
        if not trend.empty:
            marks = looplog.annotations(store, testlearn.variant_scope(filters, controls.kind, values))
    cohorts = testlearn.lifecycle(store, controls.cohort_measure, filters)
    # The loop log judges every entry over all data, in the one currency of all data.
    judged = looplog.before_after(store)
    bench = testlearn.benchmarks(store, filters)
    return LearnData(
        money,
        platforms,
        report,
        trend,
        marks,
        cohorts,
        judged,
        currency(store),
        bench,
        testlearn.furthest_from_typical(bench, 30),
    )


# What the page's widgets offer and how it lays out a table: no data read, so the page may call them.
kpi_options = testlearn.kpi_options
cohort_options = testlearn.cohort_options
benchmark_table = testlearn.benchmark_table
