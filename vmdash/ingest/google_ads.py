"""Google Ads: video campaign report segmented by day, with its title and date-range preamble."""

from vmdash.ingest.spec import Field, Format

VIDEO_CAMPAIGNS = Format(
    name="google_ads_video",
    label="Google Ads (video campaigns)",
    platform="google_ads",
    fields=(
        Field("date", ("Day", "Date"), ("Jour", "Date"), "date", required=True),
        Field("campaign", ("Campaign",), ("Campagne",), "text", required=True),
        Field("ad_set", ("Ad group",), ("Groupe d'annonces",), "text"),
        Field("currency", ("Currency code", "Currency"), ("Code de la devise", "Devise"), "text"),
        Field("impressions", ("Impr.", "Impressions"), ("Impr.", "Impressions"), "int", required=True),
        Field("views", ("TrueView views", "Views"), ("Vues TrueView", "Vues"), "int"),
        Field("clicks", ("Clicks",), ("Clics",), "int"),
        Field("spend", ("Cost",), ("Coût",), "number", required=True),
        # Google gives quartiles as RATES of impressions, not counts.
        Field(
            "_p25", ("Video played to 25%",), ("Vidéo lue jusqu'à 25 %", "Vidéo visionnée à 25 %"), "pct", required=True
        ),
        Field("_p50", ("Video played to 50%",), ("Vidéo lue jusqu'à 50 %", "Vidéo visionnée à 50 %"), "pct"),
        Field("_p75", ("Video played to 75%",), ("Vidéo lue jusqu'à 75 %", "Vidéo visionnée à 75 %"), "pct"),
        Field("_p100", ("Video played to 100%",), ("Vidéo lue jusqu'à 100 %", "Vidéo visionnée à 100 %"), "pct"),
        Field("conversions", ("Conversions",), ("Conversions",), "number"),
        Field("conversion_value", ("Conv. value", "All conv. value"), ("Valeur de conv.",), "number"),
    ),
    derived={
        # In-stream ads start playing on impression, so impressions are the plays started.
        "video_starts": "impressions",
        "plays_p25": "CAST(round(_p25 * impressions) AS BIGINT)",
        "plays_p50": "CAST(round(_p50 * impressions) AS BIGINT)",
        "plays_p75": "CAST(round(_p75 * impressions) AS BIGINT)",
        "plays_p100": "CAST(round(_p100 * impressions) AS BIGINT)",
        "date_end": "date",
    },
    note="Quartiles are rates of impressions, turned into counts; bumpers have no views.",
)

FORMATS = (VIDEO_CAMPAIGNS,)
