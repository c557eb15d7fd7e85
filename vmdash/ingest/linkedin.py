"""LinkedIn Campaign Manager: campaign performance export (daily), with its preamble lines."""

from vmdash.ingest.spec import Field, Format

CAMPAIGN_PERFORMANCE = Format(
    name="linkedin_campaign_manager",
    label="LinkedIn Campaign Manager",
    platform="linkedin",
    fields=(
        Field(
            "date",
            ("Start Date (in UTC)", "Start Date"),
            ("Date de début (UTC)", "Date de début (en UTC)", "Date de début"),
            "date",
            required=True,
        ),
        Field("_group", ("Campaign Group Name",), ("Nom du groupe de campagnes",), "text"),
        Field("campaign", ("Campaign Name",), ("Nom de la campagne",), "text", required=True),
        Field("_objective", ("Campaign Objective",), ("Objectif de la campagne",), "text"),
        Field("currency", ("Currency",), ("Devise",), "text"),
        Field("spend", ("Total Spent",), ("Total dépensé", "Montant total dépensé"), "number", required=True),
        Field("impressions", ("Impressions",), ("Impressions",), "int", required=True),
        Field("clicks", ("Clicks",), ("Clics",), "int"),
        Field("likes", ("Reactions",), ("Réactions",), "int"),
        Field("comments", ("Comments",), ("Commentaires",), "int"),
        Field("shares", ("Shares",), ("Partages",), "int"),
        Field("subscribers_gained", ("Follows",), ("Abonnements",), "int"),
        Field("video_starts", ("Video Starts",), ("Lancements de la vidéo", "Démarrages de vidéo"), "int"),
        Field("views", ("Video Views",), ("Vues de la vidéo", "Vues de vidéo"), "int"),
        Field("plays_p25", ("Video Views at 25%",), ("Vues de la vidéo à 25 %", "Vues de vidéo à 25 %"), "int"),
        Field("plays_p50", ("Video Views at 50%",), ("Vues de la vidéo à 50 %", "Vues de vidéo à 50 %"), "int"),
        Field("plays_p75", ("Video Views at 75%",), ("Vues de la vidéo à 75 %", "Vues de vidéo à 75 %"), "int"),
        Field("plays_p100", ("Video Completions",), ("Vidéos terminées", "Vidéos vues en entier"), "int"),
        Field("conversions", ("Conversions",), ("Conversions",), "number"),
    ),
    derived={
        # LinkedIn's view is itself a 2-second play.
        "views_3s": "views",
        "ad_set": "_group",
        "date_end": "date",
    },
    objective_field="_objective",
    note="LinkedIn counts a view at 2 seconds with half the player on screen.",
)

FORMATS = (CAMPAIGN_PERFORMANCE,)
