"""Google Ads: the video campaign report by day, and the UI's default campaign report for a period."""

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
        # Google reports no plays started (its quartiles are rates of impressions): video_starts stays
        # NULL, never impressions, so no rate claims these counts as a share of starts.
        "plays_p25": "CAST(round(_p25 * impressions) AS BIGINT)",
        "plays_p50": "CAST(round(_p50 * impressions) AS BIGINT)",
        "plays_p75": "CAST(round(_p75 * impressions) AS BIGINT)",
        "plays_p100": "CAST(round(_p100 * impressions) AS BIGINT)",
        "date_end": "date",
    },
    note="Quartiles are rates of impressions, turned into counts; no plays started; bumpers have no views.",
)

# The UI's default download ('Campaign report', 'Relatório de campanha'): one row per campaign of
# every type for the period its preamble names, no Day column, no quartiles, several 'Total: ...' rows.
CAMPAIGN_REPORT = Format(
    name="google_ads_campaign_report",
    label="Google Ads (campaign report)",
    platform="google_ads",
    fields=(
        Field("campaign", ("Campaign",), ("Campagne",), "text", required=True),
        Field("_campaign_type", ("Campaign type",), ("Type de campagne",), "text", required=True),
        Field("currency", ("Currency code",), ("Code de la devise",), "text"),
        Field("impressions", ("Impr.", "Impressions"), ("Impr.", "Impressions"), "int", required=True),
        Field("_interactions", ("Interactions",), ("Interactions",), "int"),
        Field("clicks", ("Clicks",), ("Clics",), "int"),
        Field("views", ("Views", "TrueView views"), ("Vues",), "int"),
        Field("spend", ("Cost",), ("Coût",), "number", required=True),
        Field("conversions", ("Conversions",), ("Conversions",), "number"),
        Field("conversion_value", ("Conv. value", "All conv. value"), ("Valeur de conv.",), "number"),
    ),
    derived={
        # A video campaign's interactions are views and engagements, not clicks; elsewhere
        # (Search, Performance Max, Demand Gen) they are the clicks when no Clicks column is given.
        "clicks": (
            "coalesce(clicks, CASE WHEN NOT regexp_matches(lower(coalesce(_campaign_type, '')), '^v[ií]deo') "
            "THEN _interactions END)"
        ),
        "views": "CASE WHEN regexp_matches(lower(coalesce(_campaign_type, '')), '^v[ií]deo') THEN views END",
    },
    note="A period per campaign from the preamble's date range; video measures only for video campaigns.",
)

FORMATS = (VIDEO_CAMPAIGNS, CAMPAIGN_REPORT)
