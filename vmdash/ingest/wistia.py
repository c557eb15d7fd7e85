"""Wistia: per-media stats and the per-second engagement graph."""

from vmdash.ingest.spec import Field, Format

MEDIA_STATS = Format(
    name="wistia_media_stats",
    label="Wistia media stats",
    platform="wistia",
    fields=(
        Field("video_id", ("Media ID", "media_id"), ("ID du média",), "text", required=True),
        Field("video_title", ("Media name", "media_name"), ("Nom du média",), "text"),
        Field("video_duration_s", ("Duration (seconds)", "Duration"), ("Durée (secondes)", "Durée"), "duration"),
        Field("impressions", ("Loads", "load_count"), ("Chargements",), "int", required=True),
        Field("views", ("Plays", "play_count"), ("Lectures",), "int", required=True),
        Field(
            "watch_time_s", ("Hours watched", "hours_watched"), ("Heures regardées", "Heures de visionnage"), "hours"
        ),
        Field("reach", ("Visitors", "visitors"), ("Visiteurs",), "int"),
    ),
    derived={"video_starts": "views"},
    note="Wistia loads are counted as impressions and plays as views.",
)

ENGAGEMENT = Format(
    name="wistia_engagement",
    label="Wistia engagement graph",
    platform="wistia",
    target="retention",
    fields=(
        Field("video_id", ("media_id", "Media ID"), ("ID du média",), "text", required=True),
        Field("video_title", ("media_name", "Media name"), ("Nom du média",), "text"),
        Field("_second", ("second", "Second"), ("seconde", "Seconde"), "number", required=True),
        Field(
            "_watching",
            ("percent_watching", "Percent watching"),
            ("pourcentage_regardant", "Pourcentage regardant"),
            "pct",
            required=True,
        ),
    ),
    derived={
        # One point per second: position is the second over the video's length in seconds.
        "position_pct": "_second * 100.0 / (max(_second) OVER (PARTITION BY video_id) + 1)",
        "audience_ratio": "_watching",
    },
)

FORMATS = (MEDIA_STATS, ENGAGEMENT)
