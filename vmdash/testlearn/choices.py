"""What a Test & learn reader can choose: the test KPIs, kinds of variant, lifecycle windows and measures."""

from __future__ import annotations

from vmdash import metrics
from vmdash.filters import FilterState

# The KPIs a test is judged on, one or two per objective, offered in this order.
TEST_KPIS: tuple[str, ...] = ("hook_rate", "completion_rate", "ctr", "conversion_rate", "cpa")
# What the denominator of each test KPI counts, for "needs about N more <unit>".
UNITS = {"impressions": "impressions", "video_starts": "starts", "clicks": "clicks", "conversions": "conversions"}
VARIANT_KINDS = {"videos / ads": "video", "campaigns": "campaign", "name tokens": "token"}
MAX_VARIANTS = 6
LEVEL = 0.95

WINDOWS: tuple[int, ...] = (1, 7, 28)
# Counts judged over a video's first days; the test KPIs and view rate come on top.
COHORT_COUNTS = {"Views": "views", "Impressions": "impressions", "Watch time (hours)": "watch_time_s"}
COHORT_KPIS: tuple[str, ...] = ("view_rate", "avg_view_duration", *TEST_KPIS)

# A benchmark group with fewer videos than this has no typical video to compare with.
MIN_PEERS = 3


def kpi_options() -> dict[str, str]:
    """Readable option -> metric name for the test KPIs, each with the objective it serves."""
    return {f"{metrics.get(n).label} ({metrics.get(n).objective})": n for n in TEST_KPIS}


def cohort_options() -> dict[str, str]:
    """Readable option -> a measure name (summed) or a KPI name, for the lifecycle table."""
    return {**COHORT_COUNTS, **{metrics.get(n).label: n for n in COHORT_KPIS}}


def variant_scope(filters: FilterState, kind: str, values: tuple[str, ...] | list[str]) -> FilterState:
    """The filters narrowed to the chosen videos or campaigns (name tokens leave them as they are)."""
    if kind == "video":
        return filters.narrowed(videos=tuple(values))
    if kind == "campaign":
        return filters.narrowed(campaigns=tuple(values))
    return filters
