"""The columns each schema version added to the stored tables, frozen, and their SQL types.

A migration must build what its version had, never what the model holds today (a database of
the first release migrates through every step), so the lists here are never edited: the next
migration freezes the model's new columns in a list of its own. Both the schema (`schema.py`)
and the rollup (`rollup.py`) build their tables from them.
"""

from __future__ import annotations

from vmdash import model

# The fact columns of migration 1.
V1_DIMENSIONS: tuple[str, ...] = (
    "date",
    "date_end",
    "platform",
    "channel",
    "objective",
    "campaign",
    "ad_set",
    "ad",
    "video_id",
    "video_title",
    "video_duration_s",
    "published_at",
    "currency",
    "import_id",
)
V1_MEASURES: tuple[str, ...] = (
    "impressions",
    "reach",
    "video_starts",
    "views",
    "views_3s",
    "plays_p25",
    "plays_p50",
    "plays_p75",
    "plays_p95",
    "plays_p100",
    "thruplays",
    "watch_time_s",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
    "likes",
    "comments",
    "shares",
    "saves",
    "subscribers_gained",
)
# 5: traffic sources (YouTube Studio's Traffic source tab) and YouTube's engaged views.
V5_DIMENSIONS: tuple[str, ...] = (*V1_DIMENSIONS, "traffic_source")
V5_MEASURES: tuple[str, ...] = (*V1_MEASURES, "engaged_views")
V5_TYPES: dict[str, str] = {"traffic_source": "VARCHAR", "engaged_views": "BIGINT"}
# 6: what the import derived for a row's objective and channel, kept while a plan overrides
# them (NULL when no plan applies), so removing a plan restores exactly what the rules gave.
V6_FACT_EXTRAS: tuple[tuple[str, str], ...] = (("rule_objective", "VARCHAR"), ("rule_channel", "VARCHAR"))
# The schema the last migration leaves: the model must declare exactly these columns (the
# V6 extras are bookkeeping of plans, not facts: no KPI or filter reads them).
LATEST_DIMENSIONS, LATEST_MEASURES = V5_DIMENSIONS, V5_MEASURES


def sql_type(name: str) -> str:
    # Types never change once released; columns the model no longer holds keep their frozen type.
    return V5_TYPES.get(name) or {c.name: c.sql_type for c in model.FACT_COLUMNS}[name]


# The retention columns of migration 1, frozen like the facts' (name, type).
V1_RETENTION: tuple[tuple[str, str], ...] = (
    ("video_id", "VARCHAR"),
    ("platform", "VARCHAR"),
    ("position_pct", "DOUBLE"),
    ("audience_ratio", "DOUBLE"),
    ("relative_ratio", "DOUBLE"),
    ("video_title", "VARCHAR"),
    ("import_id", "INTEGER"),
)

# The rollup's dimensions as migrations 4 and 5 built them: every fact dimension but the dates
# (a grain's own) and import_id (always the second column).
V4_ROLLUP_DIMENSIONS = tuple(c for c in V1_DIMENSIONS if c not in ("date", "date_end", "import_id"))
V5_ROLLUP_DIMENSIONS = tuple(c for c in V5_DIMENSIONS if c not in ("date", "date_end", "import_id"))

# The per-video summary as migration 7 built it (rollup.VIDEO_DIMENSIONS): what a video's own
# queries filter and group by, without the ad-set names that multiply its rows.
V7_VIDEO_DIMENSIONS: tuple[str, ...] = (
    "platform",
    "channel",
    "objective",
    "campaign",
    "video_id",
    "ad",
    "video_title",
    "video_duration_s",
    "published_at",
    "currency",
    "traffic_source",
)
