"""Test & learn: variant comparisons, lifecycle cohorts and benchmarks.

What lives where:
- `choices`  what a reader can pick: the test KPIs, kinds of variant, lifecycle windows and measures,
             and the filters narrowed to the chosen variants;
- `data`     every query, aggregated in DuckDB with bound parameters: naming tokens, per-variant sums,
             the variant trend, lifecycle cohorts, benchmarks;
- `compare`  the statistics: each variant against the baseline (`compare_variants`), the videos
             furthest from typical;
- `wording`  the sentences: caveats of a comparison, what its volume can detect, KPI names in prose;
- `tables`   the lifecycle and benchmark frames formatted for people.

Callers use the names re-exported here.
"""

from vmdash.testlearn.choices import (
    COHORT_COUNTS,
    COHORT_KPIS,
    LEVEL,
    MAX_VARIANTS,
    MIN_PEERS,
    TEST_KPIS,
    UNITS,
    VARIANT_KINDS,
    WINDOWS,
    cohort_options,
    kpi_options,
    variant_scope,
)
from vmdash.testlearn.compare import Finding, VariantReport, compare_variants, furthest_from_typical
from vmdash.testlearn.data import TOKEN_SEPARATORS, benchmarks, lifecycle, name_tokens, variant_totals, variant_trend
from vmdash.testlearn.tables import benchmark_table, lifecycle_table
from vmdash.testlearn.wording import in_sentence

__all__ = [
    "COHORT_COUNTS",
    "COHORT_KPIS",
    "LEVEL",
    "MAX_VARIANTS",
    "MIN_PEERS",
    "TEST_KPIS",
    "TOKEN_SEPARATORS",
    "UNITS",
    "VARIANT_KINDS",
    "WINDOWS",
    "Finding",
    "VariantReport",
    "benchmark_table",
    "benchmarks",
    "cohort_options",
    "compare_variants",
    "furthest_from_typical",
    "in_sentence",
    "kpi_options",
    "lifecycle",
    "lifecycle_table",
    "name_tokens",
    "variant_scope",
    "variant_totals",
    "variant_trend",
]
