"""TikTok Ads Manager: custom report export (ad level, by day)."""

from vmdash.ingest.spec import Field, Format

ADS_MANAGER = Format(
    name="tiktok_ads",
    label="TikTok Ads Manager",
    platform="tiktok",
    fields=(
        Field("date", ("By Day", "Date", "Stat time day"), ("Par jour", "Date"), "date", required=True),
        Field("campaign", ("Campaign name",), ("Nom de la campagne",), "text", required=True),
        Field("ad_set", ("Ad group name",), ("Nom du groupe d'annonces", "Nom du groupe de publicités"), "text"),
        Field("ad", ("Ad name",), ("Nom de l'annonce", "Nom de la publicité"), "text"),
        Field("currency", ("Currency",), ("Devise",), "text"),
        Field(
            "spend",
            ("Cost", "Total cost", "Cost ({cur})", "Total cost ({cur})"),
            ("Coût", "Coût total"),
            "number",
            required=True,
        ),
        Field("impressions", ("Impressions",), ("Impressions",), "int"),
        Field("reach", ("Reach",), ("Couverture", "Portée"), "int"),
        Field("clicks", ("Clicks (destination)", "Clicks"), ("Clics (destination)", "Clics"), "int"),
        Field("video_starts", ("Video views",), ("Vues de vidéo",), "int", required=True),
        Field("views_3s", ("2-second video views",), ("Vues de vidéo de 2 secondes",), "int"),
        Field("plays_p25", ("Video views at 25%",), ("Vues de vidéo à 25 %",), "int"),
        Field("plays_p50", ("Video views at 50%",), ("Vues de vidéo à 50 %",), "int"),
        Field("plays_p75", ("Video views at 75%",), ("Vues de vidéo à 75 %",), "int"),
        Field("plays_p100", ("Video views at 100%",), ("Vues de vidéo à 100 %",), "int"),
        Field(
            "_avg_play_s",
            ("Average play time per video view",),
            ("Durée de lecture moyenne par vue de vidéo",),
            "number",
        ),
        Field("conversions", ("Conversions",), ("Conversions",), "number"),
        Field("likes", ("Likes", "Paid likes"), ("J'aime",), "int"),
        Field("comments", ("Comments", "Paid comments"), ("Commentaires",), "int"),
        Field("shares", ("Shares", "Paid shares"), ("Partages",), "int"),
    ),
    derived={
        # TikTok's "video views" are plays of any length: they are starts and the platform's view.
        "views": "video_starts",
        "watch_time_s": "_avg_play_s * video_starts",
        "date_end": "date",
    },
    note="TikTok 'video views' are plays of any length; 2-second views are stored as views_3s.",
)

FORMATS = (ADS_MANAGER,)
