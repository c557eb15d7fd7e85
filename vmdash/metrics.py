"""The KPI registry: every KPI defined once, as a ratio of sums.

Labels, formats, tooltips and definitions shown anywhere in vmdash are read
from here. A ratio only sums the rows where both its numerator and its
denominator are reported, so a platform that does not report a measure is left
out (and the coverage says how much was left out) instead of counting as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vmdash import model
from vmdash.errors import InvalidChoice
from vmdash.sql import ident, literal

VIEW_DEFINITIONS = {
    "youtube": "YouTube counts a view after a real play (for ads: 30 s, the whole ad if shorter, or a click); "
    "since 2025 a Shorts view is any play or replay, and its earlier count is YouTube's 'engaged views'",
    "facebook": "Meta has no single view: vmdash uses 3-second plays; ThruPlay = 15 s or the whole video",
    "instagram": "Meta has no single view: vmdash uses 3-second plays; ThruPlay = 15 s or the whole video",
    "meta": "Meta has no single view: vmdash uses 3-second plays; ThruPlay = 15 s or the whole video",
    "tiktok": "TikTok 'video views' are plays of any length; 2-second and 6-second (focused) views are separate",
    "linkedin": "LinkedIn counts a view at 2 seconds with at least 50 % of the player on screen",
    "google_ads": "Google Ads counts a TrueView view at 30 s (or the whole ad, or a click); bumpers have none",
    "vimeo": "Vimeo counts a view when play is pressed and the video plays",
    "wistia": "Wistia counts a play when the play button is pressed",
    "other": "as defined by the source export",
}


@dataclass(frozen=True, kw_only=True)
class Metric:
    """One KPI: sum(numerator) / sum(product of denominator columns) x scale; built with keywords only.

    `numerator_also` adds columns to the numerator (interactions: likes + comments + ...): a row's
    numerator is then the sum of those of its columns it reports, and the row counts when it
    reports at least one of them (and the denominator), so a platform reporting likes only is
    judged on its likes and one reporting none is left out, never counted as 0.
    `numerator_if` (a dimension and its values) counts the numerator on those rows only, and
    the ratio on rows where the dimension is known (views from search per view with a source).
    `min_effect` is the smallest change worth acting on (a test KPI's): share points for a rate
    (0.005 = 0.5 pts), a relative change for a cost (0.05 = 5 %); a smaller difference, however
    certain, is reported as too small to matter, never as a win.
    `not_on` names platforms whose rows never count, because there the two sides measure things
    that do not nest (Google Ads counts quartiles on impressions, not on views): their rows are
    left out like rows that do not report, and the coverage says so.
    """

    name: str
    label: str
    numerator: str
    denominator: tuple[str, ...]
    fmt: str  # pct | money | number | seconds | ratio
    objective: str
    higher_is_better: bool
    definition: str
    caveat: str = ""
    scale: float = 1.0
    numerator_also: tuple[str, ...] = ()
    numerator_if: tuple[str, tuple[str, ...]] | None = None
    not_on: tuple[str, ...] = ()
    min_effect: float | None = None

    @property
    def numerators(self) -> tuple[str, ...]:
        """The columns summed into the numerator."""
        return (self.numerator, *self.numerator_also)

    @property
    def numerator_text(self) -> str:
        """The numerator as people read it in a formula: 'clicks', or 'likes + comments + ...'."""
        if self.numerator_if:
            dimension, values = self.numerator_if
            return f"{self.numerator} where {dimension} in ({', '.join(values)})"
        return " + ".join(self.numerators)

    @property
    def measures(self) -> tuple[str, ...]:
        """Every canonical column the metric reads (a dimension it tests too, for presummed to keep)."""
        tested: tuple[str, ...] = (self.numerator_if[0],) if self.numerator_if else ()
        tested += ("platform",) if self.not_on else ()
        return (*self.numerators, *self.denominator, *tested)

    @property
    def left_out(self) -> str:
        """What the rows outside the ratio lack, as the coverage note says it."""
        if self.numerator_if:
            return f"names no {self.numerator_if[0].replace('_', ' ')}"
        if self.is_cost:
            return f"does not report {' × '.join(self.denominator)} (blank, or masked like '<5')"
        if self.not_on:
            names = " or ".join(model.platform_label(p) for p in self.not_on)
            return f"does not report {self.numerator_text} or comes from {names} (see the definition)"
        return f"does not report {self.numerator_text}"

    @property
    def is_cost(self) -> bool:
        """A cost KPI: spend per unit of something (CPM, CPV, CPC, CPA)."""
        return self.numerator == "spend" and not self.numerator_also

    @property
    def coverage_of(self) -> str:
        """What the coverage is a share of: the spend for a cost KPI, else the denominator."""
        return "spend" if self.is_cost else " × ".join(c.replace("_", " ") for c in self.denominator)

    def coverage_note(self, coverage: float | None) -> str:
        """'Based on 89 % of spend: the rest ...' when some of the base is left out; '' otherwise."""
        if coverage is None or not math.isfinite(coverage) or coverage >= 0.999:
            return ""
        return f"Based on {coverage * 100:.0f} % of {self.coverage_of}: the rest {self.left_out}."

    def numerator_sql(self) -> str:
        """The numerator of one row: its column, or the sum of the columns of it that the row reports."""
        if self.numerator_if:
            dimension, values = self.numerator_if
            chosen = ", ".join(literal(v) for v in values)
            return f"(CASE WHEN {ident(dimension)} IN ({chosen}) THEN {_quote(self.numerator)} ELSE 0 END)"
        if not self.numerator_also:
            return _quote(self.numerator)
        return "(" + " + ".join(f"coalesce({_quote(c)}, 0)" for c in self.numerators) + ")"

    def sql(self) -> str:
        """The metric as a DuckDB aggregate expression over canonical columns."""
        num, den = self._parts()
        both = self._reported()
        scale = f" * {self.scale!r}" if self.scale != 1.0 else ""
        return f"(sum({num}) FILTER (WHERE {both}) / nullif(sum({den}) FILTER (WHERE {both}), 0)){scale}"

    def coverage_sql(self) -> str:
        """Share of the denominator that sits on rows reporting the numerator (0-1).

        A cost KPI's is the share of its spend: the spend of rows whose results are blank or
        masked ('<5') is left out of the cost and must show as uncovered, not vanish.
        """
        num, den = self._parts()
        both = self._reported()
        base = num if self.is_cost else den
        return f"(sum({base}) FILTER (WHERE {both}) / nullif(sum({base}) FILTER (WHERE {base} IS NOT NULL), 0))"

    def zero_sql(self) -> str:
        """True when the rows that count report a denominator summing to 0: the ratio is undefined, not unreported."""
        _, den = self._parts()
        return f"coalesce(sum({den}) FILTER (WHERE {self._reported()}) = 0, false)"

    @property
    def undefined(self) -> str:
        """What a reported zero denominator reads ('no views' for CPV), never 'not reported'."""
        return f"no {_NOUNS.get(self.denominator[0], self.denominator[0].replace('_', ' '))}"

    def _parts(self) -> tuple[str, str]:
        den = " * ".join(_quote(c) for c in self.denominator)
        return self.numerator_sql(), den

    def reported_sql(self) -> str:
        """The condition for a row to count: it reports every column the metric reads."""
        return self._reported()

    def _reported(self) -> str:
        num = " OR ".join(f"{_quote(c)} IS NOT NULL" for c in self.numerators)
        if self.numerator_also:
            num = f"({num})"
        known = [f"{ident(self.numerator_if[0])} IS NOT NULL"] if self.numerator_if else []
        if self.not_on:
            known.append(f"{ident('platform')} NOT IN ({', '.join(literal(p) for p in self.not_on)})")
        return " AND ".join([num, *(f"{_quote(c)} IS NOT NULL" for c in self.denominator), *known])

    def format(self, value: float | None, currency: str | None = None) -> str:
        """Render a value for people; None reads 'not reported'."""
        return format_value(value, self.fmt, currency)

    def help(self) -> str:
        """The definition shown beside the number, with its platform caveat."""
        return f"{self.definition} {self.caveat}".strip()


_COLUMNS = set(model.MEASURE_NAMES) | {"video_duration_s"}


def _quote(column: str) -> str:
    if column not in _COLUMNS:
        raise InvalidChoice("measure", column, sorted(_COLUMNS))
    return ident(column)


# The denominators as a count of them reads: "no views", "no plays started".
_NOUNS = {
    "video_starts": "plays started",
    "views_3s": "short plays",
    "plays_p50": "half-watched plays",
}

VIEW_CAVEAT = (
    "A 'view' is the platform's own: Meta 3-second play, TikTok play, LinkedIn 2-second view, "
    "YouTube/Google view (up to 30 s for ads)."
)

# What each platform's exports give as interactions (vmdash.ingest's per-platform specs).
INTERACTIONS = ("likes", "comments", "shares", "saves")
INTERACTIONS_CAVEAT = (
    "Counts what each platform reports: YouTube likes, comments and shares; Meta reactions, comments, "
    "shares and saves; TikTok likes, comments, shares (and favourites from TikTok Studio); LinkedIn "
    "reactions, comments and shares. Google Ads, Vimeo and Wistia report none (not reported, never 0)."
)

# The traffic sources that are a search (YouTube Studio's spelling, as stored in traffic_source).
SEARCH_SOURCES = ("YouTube search", "Google search")

METRICS: tuple[Metric, ...] = (
    Metric(
        name="view_rate",
        label="View rate",
        numerator="views",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Views per impression.",
        caveat=VIEW_CAVEAT,
    ),
    Metric(
        name="hook_rate",
        label="Hook rate",
        numerator="views_3s",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Short plays (2–3 s) per impression: how often the opening stops the scroll.",
        caveat="Meta and Google: 3 s; TikTok and LinkedIn: 2 s.",
        min_effect=0.005,  # half a point of a rate near 25 %
    ),
    Metric(
        name="hold_rate",
        label="Hold rate",
        numerator="thruplays",
        denominator=("views_3s",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="ThruPlays per 3-second play: of those hooked, how many stayed 15 s or to the end.",
        caveat="Meta only reports ThruPlays.",
    ),
    Metric(
        name="p25_rate",
        label="Reached 25 %",
        numerator="plays_p25",
        denominator=("video_starts",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 25 % of the video, per play started.",
    ),
    Metric(
        name="p50_rate",
        label="Reached 50 %",
        numerator="plays_p50",
        denominator=("video_starts",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached half the video, per play started.",
    ),
    Metric(
        name="p75_rate",
        label="Reached 75 %",
        numerator="plays_p75",
        denominator=("video_starts",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 75 % of the video, per play started.",
    ),
    Metric(
        name="p95_rate",
        label="Reached 95 %",
        numerator="plays_p95",
        denominator=("video_starts",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 95 % of the video, per play started.",
        caveat="Google Ads does not report 95 %.",
    ),
    Metric(
        name="completion_rate",
        label="Completion rate",
        numerator="plays_p100",
        denominator=("video_starts",),
        fmt="pct",
        objective="loyalty",
        higher_is_better=True,
        definition="Share of started plays that were watched to the end.",
        caveat="Meta and Google Ads report no plays started: compare them with completions per impression.",
        min_effect=0.005,  # half a point of a rate near 30 %
    ),
    Metric(
        name="completions_per_impression",
        label="Completions per impression",
        numerator="plays_p100",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays watched to the end per impression; comparable across every ad platform.",
    ),
    Metric(
        name="p25_per_impression",
        label="Reached 25 % per impression",
        numerator="plays_p25",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 25 % per impression; comparable where a platform reports no starts "
        "(Meta, Google Ads).",
    ),
    Metric(
        name="p50_per_impression",
        label="Reached 50 % per impression",
        numerator="plays_p50",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached half the video per impression; comparable where a platform reports no "
        "starts (Meta, Google Ads).",
    ),
    Metric(
        name="p75_per_impression",
        label="Reached 75 % per impression",
        numerator="plays_p75",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 75 % per impression; comparable where a platform reports no starts "
        "(Meta, Google Ads).",
    ),
    Metric(
        name="p95_per_impression",
        label="Reached 95 % per impression",
        numerator="plays_p95",
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Plays that reached 95 % per impression; comparable where a platform reports no starts "
        "(Meta, Google Ads).",
    ),
    Metric(
        name="avg_view_duration",
        label="Average view duration",
        numerator="watch_time_s",
        denominator=("views",),
        fmt="seconds",
        objective="loyalty",
        higher_is_better=True,
        definition="Watch time per view.",
        caveat=VIEW_CAVEAT,
    ),
    Metric(
        name="avg_pct_viewed",
        label="Average % viewed",
        numerator="watch_time_s",
        denominator=("views", "video_duration_s"),
        fmt="pct",
        objective="loyalty",
        higher_is_better=True,
        definition="Watch time as a share of the video's length, per view.",
        caveat="Needs the video's duration (YouTube, Vimeo, Wistia).",
    ),
    Metric(
        name="half_watched_rate",
        label="Half-watched rate",
        numerator="plays_p50",
        denominator=("views",),
        fmt="pct",
        objective="acquisition",
        higher_is_better=True,
        definition="Half-watched plays (plays that reached half the video) per view.",
        caveat="Google Ads is left out: it counts quartiles on impressions and TrueView views only from 30 s, "
        "so its half-watched plays are not a share of its views. Meta views are 3-second plays.",
        not_on=("google_ads",),
    ),
    Metric(
        name="clicks_per_half_watched_play",
        label="Clicks per half-watched play",
        numerator="clicks",
        denominator=("plays_p50",),
        fmt="pct",
        objective="acquisition",
        higher_is_better=True,
        definition="Clicks to the destination per half-watched play (a play that reached half the video).",
    ),
    Metric(
        name="engagement_rate",
        label="Engagement rate",
        numerator="likes",
        numerator_also=INTERACTIONS[1:],
        denominator=("views",),
        fmt="pct",
        objective="loyalty",
        higher_is_better=True,
        definition="Interactions (likes, comments, shares and saves, those the platform reports) per view.",
        caveat=f"{INTERACTIONS_CAVEAT} {VIEW_CAVEAT}",
    ),
    Metric(
        name="engagement_per_impression",
        label="Engagement per impression",
        numerator="likes",
        numerator_also=INTERACTIONS[1:],
        denominator=("impressions",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Interactions (likes, comments, shares and saves, those the platform reports) per impression.",
        caveat=INTERACTIONS_CAVEAT,
    ),
    Metric(
        name="search_share",
        label="Search share",
        numerator="views",
        numerator_if=("traffic_source", SEARCH_SOURCES),
        denominator=("views",),
        fmt="pct",
        objective="awareness",
        higher_is_better=True,
        definition="Views from search (YouTube search, Google search) per view whose traffic source the export "
        "gives ('Direct or unknown' included).",
        caveat="Only YouTube Studio's Traffic source exports give sources; views without a source are left out.",
    ),
    Metric(
        name="ctr",
        label="Click-through rate",
        numerator="clicks",
        denominator=("impressions",),
        fmt="pct",
        objective="acquisition",
        higher_is_better=True,
        definition="Clicks to the destination per impression.",
        caveat="Meta: link clicks; TikTok: destination clicks; LinkedIn and Google: clicks.",
        min_effect=0.0005,  # a twentieth of a point of a rate near 1 %
    ),
    Metric(
        name="conversion_rate",
        label="Conversion rate",
        numerator="conversions",
        denominator=("clicks",),
        fmt="pct",
        objective="conversion",
        higher_is_better=True,
        definition="Conversions per click.",
        caveat="Attribution windows are each platform's own.",
        min_effect=0.002,  # a fifth of a point of a rate near 3 %
    ),
    Metric(
        name="cpm",
        label="CPM",
        numerator="spend",
        denominator=("impressions",),
        fmt="money",
        objective="awareness",
        higher_is_better=False,
        definition="Cost per 1,000 impressions.",
        scale=1000.0,
    ),
    Metric(
        name="cpv",
        label="CPV",
        numerator="spend",
        denominator=("views",),
        fmt="money",
        objective="awareness",
        higher_is_better=False,
        definition="Cost per view.",
        caveat=VIEW_CAVEAT,
    ),
    Metric(
        name="cpc",
        label="CPC",
        numerator="spend",
        denominator=("clicks",),
        fmt="money",
        objective="acquisition",
        higher_is_better=False,
        definition="Cost per click.",
    ),
    Metric(
        name="cpa",
        label="CPA",
        numerator="spend",
        denominator=("conversions",),
        fmt="money",
        objective="conversion",
        higher_is_better=False,
        definition="Cost per conversion.",
        caveat="Attribution windows are each platform's own.",
        min_effect=0.05,  # 5 % of the cost per result
    ),
    Metric(
        name="roas",
        label="ROAS",
        numerator="conversion_value",
        denominator=("spend",),
        fmt="ratio",
        objective="conversion",
        higher_is_better=True,
        definition="Conversion value per unit of spend (2.0 = twice the spend back).",
    ),
)

BY_NAME = {m.name: m for m in METRICS}

# The KPI that ranks videos for each objective (top / bottom lists).
PRIMARY = {
    "awareness": "view_rate",
    "acquisition": "ctr",
    "conversion": "cpa",
    "loyalty": "avg_pct_viewed",
    "unassigned": "view_rate",
}

# KPI cards shown per objective on the Overview, in order.
BY_OBJECTIVE = {
    "awareness": ("view_rate", "hook_rate", "completion_rate", "cpm", "cpv", "engagement_per_impression"),
    "acquisition": ("ctr", "cpc", "avg_view_duration"),
    "conversion": ("conversion_rate", "cpa", "roas"),
    "loyalty": ("avg_pct_viewed", "completion_rate", "avg_view_duration", "engagement_rate"),
    "unassigned": ("view_rate", "ctr", "completion_rate", "engagement_rate"),
}


@dataclass(frozen=True)
class Step:
    """One step of a funnel: the measure counted, its label, and the KPIs that judge it."""

    measure: str
    label: str
    rate: str | None  # the KPI from the previous step to this one
    cost: str | None = None  # the KPI of spend per unit of this step


# The quartile funnel of the Completion page: every step as a share of plays started.
QUARTILE_STEPS: tuple[Step, ...] = (
    Step("video_starts", "Starts", None),
    Step("plays_p25", "25 %", "p25_rate"),
    Step("plays_p50", "50 %", "p50_rate"),
    Step("plays_p75", "75 %", "p75_rate"),
    Step("plays_p95", "95 %", "p95_rate"),
    Step("plays_p100", "100 %", "completion_rate"),
)
# The same funnel as a share of impressions, for platforms that report no starts (Meta, Google Ads).
QUARTILE_STEPS_PER_IMPRESSION: tuple[Step, ...] = (
    Step("impressions", "Impressions", None),
    Step("plays_p25", "25 %", "p25_per_impression"),
    Step("plays_p50", "50 %", "p50_per_impression"),
    Step("plays_p75", "75 %", "p75_per_impression"),
    Step("plays_p95", "95 %", "p95_per_impression"),
    Step("plays_p100", "100 %", "completions_per_impression"),
)

# The marketing funnel of the Funnel impact page; each rate is this step over the previous one.
FUNNEL_STEPS: tuple[Step, ...] = (
    Step("impressions", "Impressions", None, "cpm"),
    Step("views", "Views", "view_rate", "cpv"),
    Step("plays_p50", "Half-watched plays", "half_watched_rate"),
    Step("clicks", "Clicks", "clicks_per_half_watched_play", "cpc"),
    Step("conversions", "Conversions", "conversion_rate", "cpa"),
)


def view_definitions(platforms: list[str] | tuple[str, ...]) -> dict[str, str]:
    """What each of these platforms counts as a view, keyed by platform."""
    return {p: VIEW_DEFINITIONS[p] for p in platforms if p in VIEW_DEFINITIONS}


def mixed_views_note(platforms: list[str] | tuple[str, ...]) -> str:
    """A one-line warning when the platforms shown count a 'view' differently; '' when they agree."""
    defs = view_definitions(sorted(set(platforms)))
    if len(set(defs.values())) <= 1:
        return ""
    names = ", ".join(model.platform_label(p) for p in defs)
    return f"Mixes platforms whose 'view' differs ({names}): see Definitions."


def views_note(metric: Metric, platforms: list[str] | tuple[str, ...]) -> str:
    """The mixed-view warning for a KPI that reads views or short plays; '' for the others."""
    if not {"views", "views_3s"} & set(metric.measures):
        return ""
    return mixed_views_note(platforms)


def get(name: str) -> Metric:
    """The metric called `name`."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidChoice("metric", name, tuple(BY_NAME)) from None


def format_value(value: float | None, fmt: str, currency: str | None = None) -> str:
    """Render a number in one of the registry formats (or 'pts', a change of a share); None or NaN reads
    'not reported', ±inf '∞'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not reported"
    value = float(value)
    if math.isinf(value):
        # A sum past the largest double (imports refuse such values; older databases may hold them).
        return "-∞" if value < 0 else "∞"
    if fmt == "pct":
        return _huge(value * 100, " %") or f"{value * 100:.1f} %"
    if fmt == "pts":
        # A change of a share, in points: whole points from 10 up, one decimal below.
        points = value * 100
        return (_huge(points, "") or (f"{points:+.0f}" if abs(points) >= 10 else f"{points:+.1f}")).replace(
            "-", "−"
        ) + " pts"
    if fmt == "money":
        symbol = model.currency_symbol(currency)
        return (_huge(value, f" {symbol}") or f"{value:,.{_money_digits(value)}f} {symbol}").strip()
    if fmt == "seconds":
        if abs(value) >= HUGE:
            return _huge(value, " s")
        total = int(round(value))
        minutes, seconds = divmod(total, 60)
        return f"{minutes}:{seconds:02d}" if minutes else f"{value:.1f} s"
    if fmt == "ratio":
        return _huge(value, "×") or f"{value:.2f}×"
    return compact_number(value)


def _money_digits(value: float) -> int:
    # Cents, except below 0.10: a CPV of 0.0061 € and one of 0.0149 € both read "0.01 €" with
    # cents, so small amounts keep two significant digits.
    # Past a millionth of a unit no price differs: six decimals at most.
    if value == 0 or abs(value) >= 0.1:
        return 2
    return min(1 - math.floor(math.log10(abs(value))), 6)


# Past a trillion, digits stop meaning anything on a card: scientific notation keeps it short.
HUGE = 1e12


def _huge(value: float, suffix: str) -> str:
    return f"{value:.3g}{suffix}" if abs(value) >= HUGE else ""


def compact_number(value: float) -> str:
    """1234567 -> '1.23 M'; small numbers keep their digits."""
    if not math.isfinite(value):
        return "not reported" if math.isnan(value) else ("-∞" if value < 0 else "∞")
    if abs(value) >= HUGE:
        return f"{value:.3g}"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= threshold:
            return f"{sign}{value / threshold:.2f} {suffix}"
    return f"{sign}{value:,.0f}" if value == int(value) else f"{sign}{value:,.2f}"
