"""Vimeo Analytics: Videos report export."""

from vmdash.ingest.spec import Field, Format

VIDEOS = Format(
    name="vimeo_videos",
    label="Vimeo Analytics (videos)",
    platform="vimeo",
    fields=(
        Field("video_id", ("Video ID",), ("ID de la vidéo", "Identifiant de la vidéo"), "text", required=True),
        Field("video_title", ("Title",), ("Titre",), "text"),
        Field("video_duration_s", ("Duration",), ("Durée",), "duration"),
        Field("impressions", ("Impressions",), ("Impressions",), "int"),
        Field("reach", ("Unique impressions",), ("Impressions uniques",), "int"),
        Field("views", ("Views",), ("Vues",), "int", required=True),
        Field("plays_p100", ("Finishes",), ("Lectures terminées", "Fins"), "int", required=True),
        Field("watch_time_s", ("Total time watched",), ("Durée totale de visionnage",), "duration"),
    ),
    derived={"video_starts": "views"},
)

FORMATS = (VIDEOS,)
