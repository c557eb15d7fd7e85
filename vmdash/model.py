"""The canonical vocabulary of vmdash: the one place names are defined.

SQL columns, CLI flags and JSON keys are all read from here, so a name that is
not in this module cannot reach a query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PLATFORMS: tuple[str, ...] = (
    "youtube",
    "facebook",
    "instagram",
    "meta",
    "audience_network",
    "messenger",
    "tiktok",
    "linkedin",
    "google_ads",
    "vimeo",
    "wistia",
    "other",
)
CHANNELS: tuple[str, ...] = ("social", "ads", "website", "sales", "seo", "email", "other")
OBJECTIVES: tuple[str, ...] = ("awareness", "acquisition", "conversion", "loyalty", "unassigned")

# How a channel reads next to a platform's name ("Facebook organic", "Facebook paid").
CHANNEL_LABELS = {
    "social": "organic",
    "ads": "paid",
    "website": "website",
    "sales": "sales",
    "seo": "search",
    "email": "email",
    "other": "other channel",
}

# Each channel as the Overview's coverage names it, and the exports that feed it (what to
# import when a channel shows no data). Any export imported with a channel chosen
# (`--channel`, or Channel on Upload & data) feeds that channel.
CHANNEL_TITLES = {
    "social": "Social (organic)",
    "ads": "Ads (paid)",
    "website": "Website",
    "sales": "Sales",
    "seo": "SEO (search)",
    "email": "Email",
    "other": "Other",
}
CHANNEL_FED_BY = {
    "social": "YouTube Studio, Meta Business Suite or TikTok Studio exports",
    "ads": "Meta Ads Manager, TikTok Ads Manager, LinkedIn Campaign Manager or Google Ads exports",
    "website": "Vimeo or Wistia exports",
    "sales": "any export imported with the channel “sales” (`--channel sales`, or Channel on Upload & data)",
    "seo": "YouTube Studio traffic-source exports (the Traffic source tab), or any export imported with "
    "`--channel seo`",
    "email": "any export imported with the channel “email” (`--channel email`, or Channel on Upload & data)",
    "other": "any export imported with the channel “other”",
}
# The channels the Overview always lists, with or without data; others appear when they hold some.
BRIEF_CHANNELS: tuple[str, ...] = ("social", "ads", "website", "sales", "seo")

PLATFORM_LABELS = {
    "youtube": "YouTube",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "meta": "Meta (all placements)",
    "audience_network": "Meta Audience Network",
    "messenger": "Messenger",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
    "google_ads": "Google Ads",
    "vimeo": "Vimeo",
    "wistia": "Wistia",
    "other": "Other",
}

# Money is shown with the symbol of its currency; a code without one here is shown as the code.
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def platform_label(platform: str) -> str:
    """How a platform reads to people ("google_ads" -> "Google Ads"); an unknown name reads as itself."""
    return PLATFORM_LABELS.get(platform, platform)


def currency_symbol(currency: str | None) -> str:
    """The symbol money in this currency is shown with ("EUR" -> "€"); '' for no currency."""
    return CURRENCY_SYMBOLS.get(currency or "", currency or "")


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, DuckDB type and a one-line meaning."""

    name: str
    sql_type: str
    description: str


DIMENSIONS: tuple[Column, ...] = (
    Column("date", "DATE", "first day the row covers"),
    Column("date_end", "DATE", "last day the row covers (equal to date for daily rows)"),
    Column("platform", "VARCHAR", "where the video ran"),
    Column("channel", "VARCHAR", "marketing channel the video serves"),
    Column("objective", "VARCHAR", "business objective the video serves"),
    Column("campaign", "VARCHAR", "campaign name"),
    Column("ad_set", "VARCHAR", "ad set / ad group name"),
    Column("ad", "VARCHAR", "ad name"),
    Column("video_id", "VARCHAR", "the platform's video id"),
    Column("video_title", "VARCHAR", "video title"),
    Column("video_duration_s", "DOUBLE", "video length in seconds"),
    Column("published_at", "DATE", "publish date"),
    Column("currency", "VARCHAR", "ISO currency of money measures"),
    Column("import_id", "INTEGER", "the import that loaded the row"),
    Column("traffic_source", "VARCHAR", "where views came from, when an export breaks them down by source"),
)

MEASURES: tuple[Column, ...] = (
    Column("impressions", "BIGINT", "times the video or ad was shown"),
    Column("reach", "BIGINT", "people who saw it at least once"),
    Column("video_starts", "BIGINT", "plays started"),
    Column("views", "BIGINT", "the platform's own 'view'"),
    Column("views_3s", "BIGINT", "2- or 3-second plays"),
    Column("plays_p25", "BIGINT", "plays reaching 25 % of the video"),
    Column("plays_p50", "BIGINT", "plays reaching 50 %"),
    Column("plays_p75", "BIGINT", "plays reaching 75 %"),
    Column("plays_p95", "BIGINT", "plays reaching 95 %"),
    Column("plays_p100", "BIGINT", "plays reaching the end"),
    Column("thruplays", "BIGINT", "Meta ThruPlays (15 s or completion)"),
    Column("watch_time_s", "DOUBLE", "total time watched, seconds"),
    Column("clicks", "BIGINT", "clicks to the destination"),
    Column("conversions", "DOUBLE", "conversions (can be fractional with attribution)"),
    Column("conversion_value", "DOUBLE", "value of the conversions"),
    Column("spend", "DOUBLE", "money spent"),
    Column("likes", "BIGINT", "likes / reactions"),
    Column("comments", "BIGINT", "comments"),
    Column("shares", "BIGINT", "shares"),
    Column("saves", "BIGINT", "saves"),
    Column("subscribers_gained", "BIGINT", "subscribers or followers gained (never the net figure)"),
    Column("engaged_views", "BIGINT", "YouTube's engaged views (its view count for Shorts since 2025)"),
)

RETENTION_COLUMNS: tuple[Column, ...] = (
    Column("video_id", "VARCHAR", "the platform's video id"),
    Column("platform", "VARCHAR", "where the video ran"),
    Column("position_pct", "DOUBLE", "position in the video, 0-100 % of its length"),
    Column("audience_ratio", "DOUBLE", "share of starting viewers still watching (can exceed 1)"),
    Column("relative_ratio", "DOUBLE", "the platform's relative retention, when given"),
    Column("video_title", "VARCHAR", "video title"),
    Column("import_id", "INTEGER", "the import that loaded the point"),
)

DIMENSION_NAMES: tuple[str, ...] = tuple(c.name for c in DIMENSIONS)
MEASURE_NAMES: tuple[str, ...] = tuple(c.name for c in MEASURES)
FACT_COLUMNS: tuple[Column, ...] = DIMENSIONS + MEASURES

# Columns that say which real-world thing a row describes: two rows with equal
# keys and overlapping dates are the same facts, so the later import replaces
# the earlier one instead of doubling it.
# Rows of one video by traffic source are different facts, so the source is part of the key.
NATURAL_KEY: tuple[str, ...] = ("platform", "campaign", "ad_set", "ad", "video_id", "traffic_source")

# Dates a fact may carry. Online video marketing has no data before 1990, and a date
# outside this span is a broken cell (or a hostile one: Python cannot hold year 0 or 99999).
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)

# Groupings offered by `summary --by` and the filter bar.
GROUPINGS: tuple[str, ...] = ("platform", "channel", "objective", "campaign", "import")

# Where a source does not say, the channel a platform usually serves.
DEFAULT_CHANNEL = {
    "youtube": "social",
    "facebook": "ads",
    "instagram": "ads",
    "meta": "ads",
    "audience_network": "ads",
    "messenger": "ads",
    "tiktok": "ads",
    "linkedin": "ads",
    "google_ads": "ads",
    "vimeo": "website",
    "wistia": "website",
    "other": "other",
}

# Campaign-name tokens that reveal the objective; the first match wins. Teams
# edit these in the database (table objective_rules); these seed it.
DEFAULT_OBJECTIVE_RULES: tuple[tuple[str, str], ...] = (
    ("_AWA_", "awareness"),
    ("_ACQ_", "acquisition"),
    ("_CONV_", "conversion"),
    ("_FID_", "loyalty"),
    ("awareness", "awareness"),
    ("notoriété", "awareness"),
    ("consideration", "acquisition"),
    ("acquisition", "acquisition"),
    ("traffic", "acquisition"),
    ("conversion", "conversion"),
    ("sales", "conversion"),
    ("ventes", "conversion"),
    ("loyalty", "loyalty"),
    ("fidélisation", "loyalty"),
    ("retention", "loyalty"),
)

# What a platform's own objective column says, mapped to ours.
PLATFORM_OBJECTIVES = {
    "awareness": "awareness",
    "brand awareness": "awareness",
    "reach": "awareness",
    "video views": "awareness",
    "notoriété": "awareness",
    "notoriété de la marque": "awareness",
    "vues de vidéo": "awareness",
    "traffic": "acquisition",
    "website visits": "acquisition",
    "engagement": "acquisition",
    # Both LinkedIn and Meta group lead generation with conversions.
    "lead generation": "conversion",
    "leads": "conversion",
    "outcome leads": "conversion",
    "outcome_leads": "conversion",
    "app promotion": "acquisition",
    "trafic": "acquisition",
    "visites du site web": "acquisition",
    "génération de prospects": "conversion",
    "prospects": "conversion",
    "sales": "conversion",
    "outcome sales": "conversion",
    "outcome_sales": "conversion",
    "outcome awareness": "awareness",
    "outcome_awareness": "awareness",
    "outcome traffic": "acquisition",
    "outcome_traffic": "acquisition",
    "outcome engagement": "acquisition",
    "outcome_engagement": "acquisition",
    "conversions": "conversion",
    "website conversions": "conversion",
    "ventes": "conversion",
    "conversions sur le site web": "conversion",
}


def is_platform(value: str) -> bool:
    """True when value is a canonical platform name."""
    return value in PLATFORMS


def length_bucket(duration_s: float | None) -> str:
    """The length bucket a video of this many seconds falls in."""
    if duration_s is None:
        return "unknown"
    for upper, label in LENGTH_BUCKETS:
        if duration_s <= upper:
            return label
    return LENGTH_BUCKETS[-1][1]


LENGTH_BUCKETS: tuple[tuple[float, str], ...] = (
    (15, "≤ 15 s"),
    (60, "15–60 s"),
    (180, "1–3 min"),
    (600, "3–10 min"),
    (float("inf"), "> 10 min"),
)
