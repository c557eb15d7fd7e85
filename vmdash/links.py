"""Every URL parameter of the app, declared once: the registry behind shared links.

The whole view lives in the query string: every filter and page control is a widget
bound to one of these parameters, and takes its `key=` from here (`links.KPI.key`). The
filter bar's parameters come from filters.FILTERS; the page controls are listed below.
vmdash.share reads this registry to check a link as opened, the Share panel to build the
link to copy, and tests/unit/test_links.py fails when a bound widget is not registered:
a control missing here would silently drop out of shared links.
"""

from __future__ import annotations

from dataclasses import dataclass

from vmdash.filters import FILTERS


@dataclass(frozen=True)
class Param:
    """One URL parameter: the widget key it binds and the words a link note uses for it."""

    key: str  # URL parameter and the key of the widget bound to it
    words: str  # what a note calls it: "The link asks for <words> “x”…"
    page: str | None = None  # the script of the page that draws it; None for the sidebar's filters


# The sidebar's filter bar.
PERIOD = Param("period", "period")
DATES = Param("dates", "dates")
COMPARE = Param("compare", "comparison")
FILTER_PARAMS: tuple[Param, ...] = tuple(Param(f.param, f.label) for f in FILTERS)
# The Video filter's parameter is also the Video page's address: `video?video=<key or label>`.
VIDEO = next(p for p in FILTER_PARAMS if p.key == "video")

# Page controls.
KPI = Param("kpi", "KPI", "pages/overview.py")
SPLIT = Param("split", "split", "pages/overview.py")
RANK_FOR = Param("rank_for", "ranking objective", "pages/overview.py")
CURVES = Param("curves", "retention video", "pages/retention.py")
UNIT = Param("unit", "position unit", "pages/retention.py")
COMPLETION_BY = Param("by", "comparison", "pages/completion.py")
BASE = Param("base", "quartile base", "pages/completion.py")
FUNNEL_BY = Param("funnel_by", "funnel comparison", "pages/funnel.py")
TEST_BY = Param("test_by", "variant kind", "pages/test-learn.py")
TEST_KPI = Param("test_kpi", "test KPI", "pages/test-learn.py")
TEST_VIDEOS = Param("test_videos", "variant video", "pages/test-learn.py")
TEST_CAMPAIGNS = Param("test_campaigns", "variant campaign", "pages/test-learn.py")
TEST_TOKENS = Param("test_tokens", "variant name token", "pages/test-learn.py")
COHORT_MEASURE = Param("cohort_measure", "lifecycle measure", "pages/test-learn.py")

# The variant picker's parameter for each kind of variant (testlearn.VARIANT_KINDS' values).
TEST_VARIANTS: dict[str, Param] = {"video": TEST_VIDEOS, "campaign": TEST_CAMPAIGNS, "token": TEST_TOKENS}

PARAMS: tuple[Param, ...] = (
    PERIOD,
    DATES,
    COMPARE,
    *FILTER_PARAMS,
    KPI,
    SPLIT,
    RANK_FOR,
    CURVES,
    UNIT,
    COMPLETION_BY,
    BASE,
    FUNNEL_BY,
    TEST_BY,
    TEST_KPI,
    *TEST_VARIANTS.values(),
    COHORT_MEASURE,
)
BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}
