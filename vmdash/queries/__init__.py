"""Named queries behind the CLI and the pages: SQL from the registries, values bound.

Only canonical names from `model`, metric expressions from `metrics` and the WHERE fragment
from `filters` enter SQL text here. What lives where:

- The filtered facts as subqueries (`fact_rows`, `presummed`) come from the rollup's read side,
  `vmdash.store.rollup`, next to the fill side they must agree with; every module here builds on
  them (re-exported here).
- `kpis`: totals (`summary`), KPI values with coverage and the previous period (`KpiValue`).
- `selection`: what the filtered data holds, for the filter bar and page header (date span,
  choices, video pickers and how a video is named, currency, undated rows, platforms present).
- `import_history`: import metadata (history, data version, latest import, active hashes).
- `coverage`: each channel of the brief with the platforms and import formats feeding it (the Overview's).
- `names`: dimensions from name tokens (format, length, NAME_KEYS) and the order of a split's groups.
- `overview`, `completion`, `funnel_impact`, `retention`, `video`: each page's queries and its
  `load(store, filters, controls)`, which returns everything the page draws as one frozen
  dataclass; the page, the benchmark (bench/workload.py) and the tests call it. `options`, where
  a page has it, is what a widget offers before its value can be read.
- `test_learn`: the Test & learn page's load over vmdash.testlearn and vmdash.looplog (not
  imported here: those modules read through this package).

Callers use the names re-exported here (`queries.trend`, ...) and a page's module for its
load (`from vmdash.queries import overview`; `overview.load(...)`).
"""

from vmdash.filters import VIDEO_KEY_SQL
from vmdash.queries.completion import QUARTILE_BASES, completion_by_length, quartile_funnel
from vmdash.queries.funnel_impact import (
    _FUNNEL_KPIS,
    FUNNEL_SPLITS,
    funnel,
    funnel_costs,
    funnel_steps,
    funnel_table,
    unpriced_groups,
)
from vmdash.queries.import_history import active_hashes, data_version, imports, is_empty, latest_import
from vmdash.queries.kpis import KpiValue, kpis, objective_kpis, summary
from vmdash.queries.names import (
    COMPLETION_SPLITS,
    DURATION_TOKEN,
    FORMAT_PATTERNS,
    FORMATS,
    LENGTH_LABELS,
    NAME_KEYS,
    duration_sql,
    format_sql,
    length_bucket_sql,
)
from vmdash.queries.overview import (
    ACCOUNT_ROW_SQL,
    MAX_CHART_POINTS,
    SIDE_BY_SIDE_KPIS,
    SIDE_BY_SIDE_TOTALS,
    TREND_SPLITS,
    account_totals_beside_videos,
    by_objective,
    channels_side_by_side,
    pick_grain,
    ranked_videos,
    trend,
)
from vmdash.queries.retention import (
    BAND_STEP_PCT,
    CURVE_STEP_PCT,
    MAX_OVERLAY,
    MIN_BAND_VIDEOS,
    RetentionView,
    band_for,
    retention_curves,
    retention_videos,
    retention_view,
    typical_band,
)
from vmdash.queries.selection import (
    choices,
    currency,
    date_span,
    platforms_present,
    undated_rows,
    video_choices,
    video_label,
    videos,
)
from vmdash.store.rollup import fact_rows, presummed

__all__ = [
    "ACCOUNT_ROW_SQL",
    "BAND_STEP_PCT",
    "COMPLETION_SPLITS",
    "CURVE_STEP_PCT",
    "DURATION_TOKEN",
    "FORMATS",
    "FORMAT_PATTERNS",
    "FUNNEL_SPLITS",
    "LENGTH_LABELS",
    "MAX_CHART_POINTS",
    "MAX_OVERLAY",
    "MIN_BAND_VIDEOS",
    "NAME_KEYS",
    "QUARTILE_BASES",
    "SIDE_BY_SIDE_KPIS",
    "SIDE_BY_SIDE_TOTALS",
    "TREND_SPLITS",
    "VIDEO_KEY_SQL",
    "_FUNNEL_KPIS",
    "KpiValue",
    "RetentionView",
    "account_totals_beside_videos",
    "active_hashes",
    "band_for",
    "by_objective",
    "channels_side_by_side",
    "choices",
    "completion_by_length",
    "currency",
    "data_version",
    "date_span",
    "duration_sql",
    "fact_rows",
    "format_sql",
    "funnel",
    "funnel_costs",
    "funnel_steps",
    "funnel_table",
    "imports",
    "is_empty",
    "kpis",
    "latest_import",
    "length_bucket_sql",
    "objective_kpis",
    "pick_grain",
    "platforms_present",
    "presummed",
    "quartile_funnel",
    "ranked_videos",
    "retention_curves",
    "retention_videos",
    "retention_view",
    "summary",
    "trend",
    "typical_band",
    "undated_rows",
    "unpriced_groups",
    "video_choices",
    "video_label",
    "videos",
]
