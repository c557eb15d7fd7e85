"""TikTok Studio and TikTok Business analytics (organic): account overview, per-video totals, viewers.

Dates in the overview often lack their year ('February 28', '8 de marzo'): the year comes
from the export's period or name, or from the one chosen at import (see period.context).
A video's id is the number in its link.
"""

from vmdash.ingest.spec import Field, Format

_DATE = Field("date", ("Date",), ("Date",), "date", required=True)

BUSINESS_OVERVIEW = Format(
    name="tiktok_business_overview",
    label="TikTok Business analytics (account overview)",
    platform="tiktok",
    channel="social",
    fields=(
        _DATE,
        Field("views", ("Video views",), ("Vues de vidéo",), "int", required=True),
        Field("reach", ("Reached audience",), ("Audience atteinte",), "int", required=True),
        Field("_profile_views", ("Profile views",), ("Vues du profil",), "int"),
        Field("likes", ("Likes",), ("J'aime",), "int"),
        Field("comments", ("Comments",), ("Commentaires",), "int"),
        Field("shares", ("Shares",), ("Partages",), "int"),
    ),
    derived={"video_starts": "views", "date_end": "date"},
    note="The account's daily totals; TikTok counts a video view at the first frame.",
)

STUDIO_OVERVIEW = Format(
    name="tiktok_studio_overview",
    label="TikTok Studio (Overview.csv)",
    platform="tiktok",
    channel="social",
    fields=(
        _DATE,
        Field("views", ("Video Views",), ("Vues de vidéo",), "int", required=True),
        Field("_profile_views", ("Profile Views",), ("Vues du profil",), "int", required=True),
        Field("likes", ("Likes",), ("J'aime",), "int"),
        Field("comments", ("Comments",), ("Commentaires",), "int"),
        Field("shares", ("Shares",), ("Partages",), "int"),
    ),
    derived={"video_starts": "views", "date_end": "date"},
    note="The account's daily totals (daily comment counts can be negative: deleted comments).",
)

VIDEOS = Format(
    name="tiktok_studio_content",
    label="TikTok Studio / Business (per video)",
    platform="tiktok",
    channel="social",
    fields=(
        Field("_time", ("Time",), ("Période",), "text"),
        Field("_link", ("Video link",), ("Lien de la vidéo",), "text", required=True),
        Field("video_title", ("Video title",), ("Titre de la vidéo",), "text"),
        Field("published_at", ("Post time",), ("Heure de publication",), "date"),
        Field("views", ("Total views", "Video views"), ("Vues totales", "Vues de vidéo"), "int", required=True),
        Field("likes", ("Total likes", "Likes"), ("J'aime au total", "J'aime"), "int"),
        Field("comments", ("Total comments", "Comments"), ("Commentaires au total", "Commentaires"), "int"),
        Field("shares", ("Total shares", "Shares"), ("Partages au total", "Partages"), "int"),
        Field("saves", ("Add to Favorites",), ("Ajouts aux favoris",), "int"),
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
