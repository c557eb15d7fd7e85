"""TikTok Studio and TikTok Business analytics (organic): account overview, per-video totals, viewers.

Dates in the overview often lack their year ('February 28', '8 de marzo'): the year comes
from the export's period or name, or from the one chosen at import (see period.context).
A video's id is the number in its link.
"""

from vmdash.ingest.spec import Field, Format

_DATE = Field("date", ("Date",), (), "date", required=True)

BUSINESS_OVERVIEW = Format(
    name="tiktok_business_overview",
    label="TikTok Business analytics (account overview)",
    platform="tiktok",
    channel="social",
    fields=(
        _DATE,
        Field("views", ("Video views",), (), "int", required=True),
        Field("reach", ("Reached audience",), (), "int", required=True),
        Field("_profile_views", ("Profile views",), (), "int"),
        Field("likes", ("Likes",), (), "int"),
        Field("comments", ("Comments",), (), "int"),
        Field("shares", ("Shares",), (), "int"),
    ),
    derived={"video_starts": "views", "date_end": "date"},
    account=True,
    note="The account's daily totals; TikTok counts a video view at the first frame.",
)

STUDIO_OVERVIEW = Format(
    name="tiktok_studio_overview",
    label="TikTok Studio (Overview.csv)",
    platform="tiktok",
    channel="social",
    fields=(
        _DATE,
        Field("views", ("Video Views",), (), "int", required=True),
        Field("_profile_views", ("Profile Views",), (), "int", required=True),
        Field("likes", ("Likes",), (), "int"),
        Field("comments", ("Comments",), (), "int"),
        Field("shares", ("Shares",), (), "int"),
    ),
    derived={"video_starts": "views", "date_end": "date"},
    account=True,
    note="The account's daily totals (daily comment counts can be negative: deleted comments).",
)

VIDEOS = Format(
    name="tiktok_studio_content",
    label="TikTok Studio / Business (per video)",
    platform="tiktok",
    channel="social",
    fields=(
        Field("_time", ("Time",), (), "text"),
        Field("_link", ("Video link",), (), "text", required=True),
        Field("video_title", ("Video title",), (), "text"),
        Field("published_at", ("Post time",), (), "date"),
        Field("views", ("Total views", "Video views"), (), "int", required=True),
        Field("likes", ("Total likes", "Likes"), (), "int"),
        Field("comments", ("Total comments", "Comments"), (), "int"),
        Field("shares", ("Total shares", "Shares"), (), "int"),
        Field("saves", ("Add to Favorites",), (), "int"),
    ),
    derived={
        "video_id": "coalesce(nullif(regexp_extract(_link, '/video/(\\d+)', 1), ''), _link)",
        "video_starts": "views",
        # Studio's 'Time' is the export's period: '2026-02-26 ~ 2026-03-27'.
        "date": "TRY_CAST(trim(split_part(_time, '~', 1)) AS DATE)",
        "date_end": "TRY_CAST(trim(split_part(_time, '~', 2)) AS DATE)",
    },
    note="Totals per video for the export's period (Studio's 'Time' column).",
)

VIEWERS = Format(
    name="tiktok_studio_viewers",
    label="TikTok Studio (Viewers.csv)",
    platform="tiktok",
    target="skip",
    fields=(
        Field("_total", ("Total Viewers",), (), "int", required=True),
        Field("_new", ("New Viewers",), (), "int", required=True),
        Field("_returning", ("Returning Viewers",), (), "int"),
    ),
    note="Viewers are people, not plays: vmdash has no measure for them (Overview.csv and Content.csv are loaded).",
)

FORMATS = (BUSINESS_OVERVIEW, STUDIO_OVERVIEW, VIDEOS, VIEWERS)
