"""YouTube Studio exports (table data, chart data, totals, traffic sources, audience retention) and API rows.

Studio exports whatever the screen shows: the Content tab or another tab (traffic source,
geography, ...), and in chart data and totals whichever metric the chart was set to. Every
measure is optional (a file needs its identity, a video or a traffic source, and one
summable metric); metrics that are averages or rates, and tabs vmdash has no dimension
for, are recognised so the refusal can name them. Header spellings in other UI languages
are in languages.HEADERS.
"""

from __future__ import annotations

import re
import unicodedata

from vmdash.ingest import languages
from vmdash.ingest.spec import Field, Format
from vmdash.sql import literal

_CONTENT = Field("video_id", ("Content", "Video"), ("Contenu", "Vidéo"), "text", required=True)
_TITLE = Field("video_title", ("Video title",), ("Titre de la vidéo",), "text")
_PUBLISHED = Field(
    "published_at",
    ("Video publish time",),
    ("Heure de publication de la vidéo", "Date de publication de la vidéo"),
    "date",
)
_DURATION = Field("video_duration_s", ("Duration",), ("Durée",), "duration")
_DATE = Field("date", ("Date",), ("Date",), "date", required=True)
# A traffic source as Studio spells it; the derivation below folds translations to English.
_SOURCE = Field("_source", ("Traffic source",), ("Source de trafic",), "text", required=True)

# Metrics a day's or a video's rows can be summed over, each into its canonical measure.
# `Subscribers` alone is the net figure (gained minus lost, can be negative): never stored
# as subscribers_gained, which only `Subscribers gained` fills.
SUMMABLE: tuple[Field, ...] = (
    Field("views", ("Views",), ("Vues",), "int"),
    Field("engaged_views", ("Engaged views",), ("Vues engagées",), "int"),
    Field("watch_time_s", ("Watch time (hours)",), ("Durée de visionnage (heures)",), "hours"),
    Field("subscribers_gained", ("Subscribers gained",), ("Abonnés obtenus",), "int"),
    Field("impressions", ("Impressions",), ("Impressions",), "int"),
    Field("likes", ("Likes",), ("J'aime", "Mentions J'aime"), "int"),
    Field("comments", ("Comments added",), ("Commentaires ajoutés",), "int"),
    Field("shares", ("Shares",), ("Partages",), "int"),
)
MEASURES: frozenset[str] = frozenset(f.name for f in SUMMABLE)

# Metrics Studio computes per row that cannot be added up across days or videos:
# (English header, French header, what it is, what to export instead).
UNSUMMABLE: tuple[tuple[str, str, str, str], ...] = (
    (
        "Average view duration",
        "Durée moyenne de visionnage",
        "an average, which cannot be added up",
        "Views and Watch time (hours), from which vmdash computes it",
    ),
    (
        "Average percentage viewed (%)",
        "Pourcentage moyen regardé (%)",
        "a rate, which cannot be added up",
        "Views and Watch time (hours) with the table data (it gives each video's duration)",
    ),
    (
        "Impressions click-through rate (%)",
        "Taux de clics des impressions (%)",
        "a rate, which cannot be added up",
        "Impressions and Views",
    ),
    (
        "Average views per viewer",
        "Nombre moyen de vues par spectateur",
        "an average, which cannot be added up",
        "Views",
    ),
    ("Unique viewers", "Spectateurs uniques", "a count of people, which cannot be added up across days", "Views"),
    ("Subscribers", "Abonnés", "the net change (gained minus lost), not subscribers gained", "Subscribers gained"),
    (
        "Estimated revenue ({cur})",
        "Revenus estimés ({cur})",
        "YouTube's revenue, which vmdash does not store",
        "Views or Watch time (hours)",
    ),
    (
        "Your estimated revenue ({cur})",
        "Vos revenus estimés ({cur})",
        "YouTube's revenue, which vmdash does not store",
        "Views or Watch time (hours)",
    ),
    (
        "RPM ({cur})",
        "RPM ({cur})",
        "revenue per 1,000 views, which vmdash does not store",
        "Views or Watch time (hours)",
    ),
    ("CPM ({cur})", "CPM ({cur})", "revenue per 1,000 ad impressions, which vmdash does not store", "Views"),
    (
        "Stayed to watch (%)",
        "Ont continué à regarder (%)",
        "a rate, which cannot be added up",
        "Views and Engaged views",
    ),
)

# Studio tabs broken down by a dimension vmdash does not have: (English header, French header).
OTHER_TABS: tuple[tuple[str, str], ...] = (
    ("Geography", "Zone géographique"),
    ("City", "Ville"),
    ("Device type", "Type d'appareil"),
    ("Operating system", "Système d'exploitation"),
    ("Subscription status", "État de l'abonnement"),
    ("Viewer age", "Âge des spectateurs"),
    ("Viewer gender", "Genre des spectateurs"),
    ("Playback location", "Emplacement de lecture"),
    ("Subtitles and CC", "Sous-titres"),
    ("Sharing service", "Service de partage"),
    ("Content type", "Type de contenu"),
    ("New and returning viewers", "Nouveaux spectateurs et spectateurs connus"),
    ("YouTube product", "Produit YouTube"),
)


def _summary_pattern() -> str:
    """The first cell of Studio's total row and of its 'top 500' trailers, in every language."""
    soft = r"[\x{00ad}\x{200b}]?"  # German Studio hyphenates even its total label: 'Ge­samt'
    labels = sorted({label.lower() for labels in languages.YOUTUBE_TOTAL_LABELS.values() for label in labels})
    totals = "|".join(soft.join(re.escape(ch) for ch in label) for label in labels)
    trailers = "|".join(p for patterns in languages.YOUTUBE_TRAILERS.values() for p in patterns)
    return rf"^(({totals})($|[\s:])|{trailers})"


SUMMARY_ROW = _summary_pattern()
# The same trailers as footers, so the report counts them as trailers rather than totals.
TRAILER_ROW = "|".join(
    (Format.trailer_row, *(rf"^{p}" for patterns in languages.YOUTUBE_TRAILERS.values() for p in patterns))
)


def _source_sql() -> str:
    """`_source` in English Studio spelling when it is a known translation, else as given."""
    cases = " ".join(
        f"WHEN {literal(local.lower())} THEN {literal(english)}"
        for english, locals_ in languages.YOUTUBE_TRAFFIC_SOURCES.items()
        for local in locals_
    )
    return f"CASE lower(_source) {cases} ELSE _source END"


def _facts(name: str, label: str, identity: tuple[Field, ...], note: str, dated: bool) -> Format:
    derived = {"date_end": "date"} if dated else {}
    if any(f.name == "_source" for f in identity):
        derived["traffic_source"] = _source_sql()
    return Format(
        name=name,
        label=label,
        platform="youtube",
        fields=(*identity, *SUMMABLE),
        derived=derived,
        summary_row=SUMMARY_ROW,
        trailer_row=TRAILER_ROW,
        note=note,
    )


_VIDEO = (_CONTENT, _TITLE, _PUBLISHED, _DURATION)
_OPTIONAL_VIDEO = tuple(Field(f.name, f.en, f.fr, f.kind) for f in _VIDEO)
_OPTIONAL_SOURCE = Field(_SOURCE.name, _SOURCE.en, _SOURCE.fr, _SOURCE.kind)
_OPTIONAL_DATE = Field(_DATE.name, _DATE.en, _DATE.fr, _DATE.kind)

TABLE_DATA = _facts(
    "youtube_table_data",
    "YouTube Studio (table data)",
    (*_VIDEO, _OPTIONAL_SOURCE),
    "A period total per video; the first data row is the Total and is skipped.",
    dated=False,
)
CHART_DATA = _facts(
    "youtube_chart_data",
    "YouTube Studio (chart data)",
    (_DATE, *_VIDEO, _OPTIONAL_SOURCE),
    "A daily series per video of the metric the chart showed.",
    dated=True,
)
TRAFFIC_TABLE = _facts(
    "youtube_traffic_source_table",
    "YouTube Studio (traffic source, table data)",
    (_SOURCE, *_OPTIONAL_VIDEO),
    "A period total per traffic source; the first data row is the Total and is skipped.",
    dated=False,
)
TRAFFIC_CHART = _facts(
    "youtube_traffic_source_chart",
    "YouTube Studio (traffic source, chart data)",
    (_DATE, _SOURCE, *_OPTIONAL_VIDEO),
    "A daily series per traffic source.",
    dated=True,
)
FACTS_FORMATS = (TABLE_DATA, CHART_DATA, TRAFFIC_TABLE, TRAFFIC_CHART)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower().replace("({cur})", "")).strip("_")


def _refusals() -> tuple[Format, ...]:
    """Recognised shapes that are not loaded, each with a note naming what it holds and what to export.

    Each declares the fields of the format it would otherwise be mistaken for plus its own
    column, so it wins detection exactly when the file holds no summable metric.
    """
    out = []
    for en, fr, what, instead in UNSUMMABLE:
        metric = Field("_metric", (en,), (fr,), "text", required=True)
        shown = en.replace(" ({cur})", "")
        note = f"'{shown}' is {what}; export the chart or table with {instead}"
        for suffix, identity, kind in (
            ("table", (*_VIDEO, _OPTIONAL_SOURCE), "table data"),
            ("chart", (_DATE, *_VIDEO, _OPTIONAL_SOURCE), "chart data"),
            ("traffic_table", (_SOURCE, *_OPTIONAL_VIDEO), "traffic source"),
            ("traffic_chart", (_DATE, _SOURCE, *_OPTIONAL_VIDEO), "traffic source"),
        ):
            out.append(
                Format(
                    name=f"youtube_{suffix}_{_slug(en)}",
                    label=f"YouTube Studio ({kind} of {shown})",
                    platform="youtube",
                    target="skip",
                    fields=(*identity, metric),
                    note=note,
                )
            )
        out.append(
            Format(
                name=f"youtube_totals_{_slug(en)}",
                label=f"YouTube Studio (totals of {shown})",
                platform="youtube",
                target="skip",
                fields=(_DATE, metric),
                exact=True,
                note=note,
            )
        )
    for en, fr in OTHER_TABS:
        tab = Field("_tab", (en,), (fr,), "text", required=True)
        out.append(
            Format(
                name=f"youtube_{_slug(en)}",
                label=f"YouTube Studio ({en} tab)",
                platform="youtube",
                target="skip",
                fields=(tab, _OPTIONAL_DATE, *_OPTIONAL_VIDEO, *SUMMABLE),
                note=f"Views by {en.lower()}, a breakdown vmdash does not store; "
                "export the Content or Traffic source tab instead",
            )
        )
    return tuple(out)


# Member names of Studio ZIPs that say nothing about the video, folded (see fold_title).
GENERIC_MEMBER_NAMES: frozenset[str] = frozenset(
    {
        "organic",
        "tabledata",
        "chartdata",
        "totals",
        "audienceretention",
        "fidélisationdelaudience",
        "detailedactivity",
        "organique",
        "donneesdutableau",
        "donnéesdutableau",
        "donneesdugraphique",
        "donnéesdugraphique",
        "totaux",
        "tabellendaten",
        "diagrammdaten",
        "gesamtwerte",
        "dadosdatabela",
        "dadosdográfico",
        "total",
        "datosdelatabla",
        "datosdelgráfico",
        "totales",
    }
)
# What a retention ZIP's name starts with before its dates and title, per UI language.
RETENTION_PREFIX = (
    r"^(audience retention|fidélisation de l['’]audience|zuschauerbindung|retenção de público|"
    r"retención de la audiencia|retención de audiencia)\s*"
)


def fold_title(title: str) -> str:
    """A title as letters and digits only, lower case: how a file system's copy of it still compares."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", title).lower() if ch.isalnum())


# The same folding in SQL, over a stored title (RE2 classes: any letter or digit is kept).
FOLD_TITLE_SQL = r"regexp_replace(lower(nfc_normalize(video_title)), '[^\p{L}\p{N}]', '', 'g')"


def measureless(headers: tuple[str, ...], matched: set[str]) -> str | None:
    """Why a Studio table or chart cannot be loaded when it holds no summable metric, else None."""
    if matched & MEASURES:
        return None
    shown = ", ".join(f"'{h.strip()}'" for h in headers[-3:] if h.strip()) or "none"
    return (
        f"it holds no metric vmdash can add up (last columns: {shown}); export the table or chart "
        "with Views, Engaged views or Watch time (hours)"
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

# The second file of a retention ZIP: viewers starting, stopping and rewatching at each moment.
# No page shows these counts (the curve already gives who is still watching), so it is skipped.
DETAILED_ACTIVITY = Format(
    name="youtube_retention_detailed_activity",
    label="YouTube Studio (audience retention, detailed activity)",
    platform="youtube",
    target="skip",
    fields=(
        Field("position_pct", ("Video position (%)",), ("Position dans la vidéo (%)",), "number", required=True),
        Field("_started", ("Started watching",), ("Ont commencé à regarder",), "int", required=True),
        Field("_stopped", ("Stopped watching",), ("Ont arrêté de regarder",), "int"),
        Field(
            "_rewatched",
            ("Number of times each moment was watched",),
            ("Nombre de fois où chaque moment a été regardé",),
            "int",
        ),
    ),
    note="Viewers who started, stopped and rewatched at each moment, which no page shows; "
    "the retention curve beside it is loaded",
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

# Studio's totals: the channel's daily sum of the chart's metric, which the chart data already
# gives per video (loading both would count it twice).
TOTALS = Format(
    name="youtube_totals",
    label="YouTube Studio (totals)",
    platform="youtube",
    target="skip",
    fields=(_DATE, *SUMMABLE),
    exact=True,
    note="The channel's daily total of the chart's metric, which the table and chart data already give per video.",
)

# Order matters on a tie of matched headers: the loadable formats come first.
FORMATS = (*FACTS_FORMATS, STUDIO_RETENTION, DETAILED_ACTIVITY, API_RETENTION, TOTALS, *_refusals())
