"""Meta Ads Manager: 'Export table data' at ad level, with or without the Platform breakdown."""

from vmdash.ingest.spec import Field, Format

ADS_MANAGER = Format(
    name="meta_ads_manager",
    label="Meta Ads Manager",
    platform="meta",
    fields=(
        Field("date", ("Reporting starts", "Day"), ("Début des rapports", "Jour"), "date", required=True),
        Field("date_end", ("Reporting ends",), ("Fin des rapports",), "date"),
        # Ad-level exports often leave the campaign out: the campaign then stays NULL.
        Field("campaign", ("Campaign name",), ("Nom de la campagne",), "text"),
        Field(
            "ad_set", ("Ad set name",), ("Nom de l'ensemble de publicités", "Nom de l’ensemble de publicités"), "text"
        ),
        Field("ad", ("Ad name",), ("Nom de la publicité",), "text"),
        Field("_placement", ("Platform",), ("Plateforme",), "text"),
        Field("_objective", ("Objective",), ("Objectif",), "text"),
        Field(
            "spend",
            ("Amount spent ({cur})", "Amount spent"),
            ("Montant dépensé ({cur})", "Montant dépensé"),
            "number",
            required=True,
        ),
        Field("impressions", ("Impressions",), ("Impressions",), "int"),
        Field("reach", ("Reach",), ("Couverture",), "int"),
        Field("clicks", ("Link clicks",), ("Clics sur un lien",), "int"),
        Field("video_starts", ("Video plays",), ("Lectures de la vidéo",), "int"),
        Field(
            "views_3s",
            ("3-second video plays",),
            ("Lectures de vidéo de 3 secondes", "Lectures de vidéos de 3 secondes"),
            "int",
        ),
        Field("thruplays", ("ThruPlays",), ("ThruPlays",), "int"),
        Field("plays_p25", ("Video plays at 25%",), ("Vidéos lues à 25 %", "Lectures de la vidéo à 25 %"), "int"),
        Field("plays_p50", ("Video plays at 50%",), ("Vidéos lues à 50 %", "Lectures de la vidéo à 50 %"), "int"),
        Field("plays_p75", ("Video plays at 75%",), ("Vidéos lues à 75 %", "Lectures de la vidéo à 75 %"), "int"),
        Field("plays_p95", ("Video plays at 95%",), ("Vidéos lues à 95 %", "Lectures de la vidéo à 95 %"), "int"),
        Field("plays_p100", ("Video plays at 100%",), ("Vidéos lues à 100 %", "Lectures de la vidéo à 100 %"), "int"),
        Field("_avg_play_s", ("Video average play time",), ("Durée moyenne de lecture de la vidéo",), "duration"),
        Field("conversions", ("Purchases",), ("Achats",), "number"),
        Field("_result_type", ("Result type",), ("Type de résultat",), "text"),
        Field("_results", ("Results",), ("Résultats",), "number"),
        Field("conversion_value", ("Purchases conversion value",), ("Valeur de conversion des achats",), "number"),
        Field("likes", ("Post reactions",), ("Réactions à la publication",), "int"),
        Field("comments", ("Post comments",), ("Commentaires sur la publication",), "int"),
        Field("shares", ("Post shares",), ("Partages de la publication",), "int"),
        Field("saves", ("Post saves",), ("Enregistrements de la publication",), "int"),
    ),
    derived={
        # Meta has no single "view"; the 3-second play is the industry's reading of one.
        "views": "views_3s",
        # Each placement keeps its own name ('Audience Network' is one placement, not all of Meta).
        "platform": (
            "CASE WHEN replace(lower(_placement), ' ', '_') IN ('facebook', 'instagram', 'audience_network', "
            "'messenger') THEN replace(lower(_placement), ' ', '_') ELSE 'meta' END"
        ),
        "watch_time_s": "_avg_play_s * video_starts",
        # Without a Purchases column, results that are purchases or leads are the conversions
        # (other result types, such as link clicks or ThruPlays, are not).
        "conversions": (
            "coalesce(conversions, CASE WHEN regexp_matches(lower(coalesce(_result_type, '')), "
            "'purchase|achat|lead|prospect') THEN _results END)"
        ),
        "date_end": "coalesce(date_end, date)",
    },
    objective_field="_objective",
    note="Meta reports no single view: views are 3-second plays.",
)

FORMATS = (ADS_MANAGER,)
