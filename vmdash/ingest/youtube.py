"""YouTube Studio exports (table data, chart data, audience retention) and Analytics API rows."""

from vmdash.ingest.spec import Field, Format

_CONTENT = Field("video_id", ("Content", "Video"), ("Contenu", "Vidéo"), "text", required=True)
_TITLE = Field("video_title", ("Video title",), ("Titre de la vidéo",), "text")
_PUBLISHED = Field(
    "published_at",
    ("Video publish time",),
    ("Heure de publication de la vidéo", "Date de publication de la vidéo"),
    "date",
)
_DURATION = Field("video_duration_s", ("Duration",), ("Durée",), "duration")
_VIEWS = Field("views", ("Views",), ("Vues",), "int", required=True)

TABLE_DATA = Format(
    name="youtube_table_data",
    label="YouTube Studio (table data)",
    platform="youtube",
    fields=(
        _CONTENT,
        _TITLE,
        _PUBLISHED,
        _DURATION,
        _VIEWS,
        Field("watch_time_s", ("Watch time (hours)",), ("Durée de visionnage (heures)",), "hours", required=True),
        Field("subscribers_gained", ("Subscribers", "Subscribers gained"), ("Abonnés", "Abonnés obtenus"), "int"),
        Field("impressions", ("Impressions",), ("Impressions",), "int"),
        Field("likes", ("Likes",), ("J'aime", "Mentions J'aime"), "int"),
        Field("comments", ("Comments added",), ("Commentaires ajoutés",), "int"),
        Field("shares", ("Shares",), ("Partages",), "int"),
    ),
    note="A period total per video; the first data row is the Total and is skipped.",
)

CHART_DATA = Format(
    name="youtube_chart_data",
    label="YouTube Studio (chart data)",
    platform="youtube",
    fields=(
        Field("date", ("Date",), ("Date",), "date", required=True),
        _CONTENT,
        _TITLE,
        _PUBLISHED,
        _DURATION,
        _VIEWS,
    ),
    derived={"date_end": "date"},
    note="A daily series of views per video.",
)

STUDIO_RETENTION = Format(
    name="youtube_audience_retention",
    label="YouTube Studio (audience retention)",
    platform="youtube",
    target="retention",
    fields=(
        Field("position_pct", ("Video position (%)",), ("Position dans la vidéo (%)",), "number", required=True),
        Field(
            "audience_ratio",
            ("Absolute audience retention (%)", "Audience retention (%)"),
            ("Fidélisation absolue de l'audience (%)", "Fidélisation de l'audience (%)"),
            "pct",
            required=True,
        ),
        Field(
            "relative_ratio", ("Relative audience retention (%)",), ("Fidélisation relative de l'audience (%)",), "pct"
        ),
    ),
    note="One video per file: the title comes from the ZIP's or the file's name.",
)

API_RETENTION = Format(
    name="youtube_api_audience_retention",
    label="YouTube Analytics API (audience retention)",
    platform="youtube",
    target="retention",
    fields=(
        Field("video_id", ("video",), (), "text", required=True),
        Field("_ratio", ("elapsedVideoTimeRatio",), (), "number", required=True),
        Field("audience_ratio", ("audienceWatchRatio",), (), "number", required=True),
        Field("relative_ratio", ("relativeRetentionPerformance",), (), "number"),
    ),
    derived={"position_pct": "_ratio * 100.0"},
)

TOTALS = Format(
    name="youtube_totals",
    label="YouTube Studio (totals)",
    platform="youtube",
    target="skip",
    fields=(
        Field("date", ("Date",), ("Date",), "date", required=True),
        Field("views", ("Views",), ("Vues",), "int", required=True),
    ),
    exact=True,
    note="The channel's daily views, which the table and chart data already give per video.",
)

FORMATS = (TABLE_DATA, CHART_DATA, STUDIO_RETENTION, API_RETENTION, TOTALS)
