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


@dataclass(frozen=True)
class Metric:
    """One KPI: sum(numerator) / sum(product of denominator columns) x scale."""

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

    @property
    def measures(self) -> tuple[str, ...]:
        """Every canonical column the metric reads."""
        return (self.numerator, *self.denominator)

    def sql(self) -> str:
        """The metric as a DuckDB aggregate expression over canonical columns."""
        num, den = self._parts()
        both = self._reported()
        scale = f" * {self.scale!r}" if self.scale != 1.0 else ""
        return f"(sum({num}) FILTER (WHERE {both}) / nullif(sum({den}) FILTER (WHERE {both}), 0)){scale}"

    def coverage_sql(self) -> str:
        """Share of the denominator that sits on rows reporting the numerator (0-1)."""
        num, den = self._parts()
        both = self._reported()
        return f"(sum({den}) FILTER (WHERE {both}) / nullif(sum({den}) FILTER (WHERE {den} IS NOT NULL), 0))"

    def _parts(self) -> tuple[str, str]:
        num = _quote(self.numerator)
        den = " * ".join(_quote(c) for c in self.denominator)
        return num, den

    def reported_sql(self) -> str:
        """The condition for a row to count: it reports every column the metric reads."""
        return self._reported()

    def _reported(self) -> str:
        return " AND ".join(f"{_quote(c)} IS NOT NULL" for c in self.measures)

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
    return f'"{column}"'


VIEW_CAVEAT = (
    "A 'view' is the platform's own: Meta 3-second play, TikTok play, LinkedIn 2-second view, "
    "YouTube/Google view (up to 30 s for ads)."
)

METRICS: tuple[Metric, ...] = (
    Metric(
        "view_rate",
        "View rate",
        "views",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Views per impression.",
        VIEW_CAVEAT,
    ),
    Metric(
        "hook_rate",
        "Hook rate",
        "views_3s",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Short plays (2–3 s) per impression: how often the opening stops the scroll.",
        "Meta and Google: 3 s; TikTok and LinkedIn: 2 s.",
    ),
    Metric(
        "hold_rate",
        "Hold rate",
        "thruplays",
        ("views_3s",),
        "pct",
        "awareness",
        True,
        "ThruPlays per 3-second play: of those hooked, how many stayed 15 s or to the end.",
        "Meta only reports ThruPlays.",
    ),
    Metric(
        "p25_rate",
        "Reached 25 %",
        "plays_p25",
        ("video_starts",),
        "pct",
        "awareness",
        True,
        "Plays that reached 25 % of the video, per play started.",
    ),
    Metric(
        "p50_rate",
        "Reached 50 %",
        "plays_p50",
        ("video_starts",),
        "pct",
        "awareness",
        True,
        "Plays that reached half the video, per play started.",
    ),
    Metric(
        "p75_rate",
        "Reached 75 %",
        "plays_p75",
        ("video_starts",),
        "pct",
        "awareness",
        True,
        "Plays that reached 75 % of the video, per play started.",
    ),
    Metric(
        "p95_rate",
        "Reached 95 %",
        "plays_p95",
        ("video_starts",),
        "pct",
        "awareness",
        True,
        "Plays that reached 95 % of the video, per play started.",
        "Google Ads does not report 95 %.",
    ),
    Metric(
        "completion_rate",
        "Completion rate",
        "plays_p100",
        ("video_starts",),
        "pct",
        "loyalty",
        True,
        "Share of started plays that were watched to the end.",
        "Google Ads counts an impression of an in-stream ad as a start.",
    ),
    Metric(
        "completions_per_impression",
        "Completions per impression",
        "plays_p100",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Plays watched to the end per impression; comparable across every ad platform.",
    ),
    Metric(
        "p25_per_impression",
        "Reached 25 % per impression",
        "plays_p25",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Plays that reached 25 % per impression; comparable where a platform reports no starts (Meta).",
    ),
    Metric(
        "p50_per_impression",
        "Reached 50 % per impression",
        "plays_p50",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Plays that reached half the video per impression; comparable where a platform reports no starts (Meta).",
    ),
    Metric(
        "p75_per_impression",
        "Reached 75 % per impression",
        "plays_p75",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Plays that reached 75 % per impression; comparable where a platform reports no starts (Meta).",
    ),
    Metric(
        "p95_per_impression",
        "Reached 95 % per impression",
        "plays_p95",
        ("impressions",),
        "pct",
        "awareness",
        True,
        "Plays that reached 95 % per impression; comparable where a platform reports no starts (Meta).",
    ),
    Metric(
        "avg_view_duration",
        "Average view duration",
        "watch_time_s",
        ("views",),
        "seconds",
        "loyalty",
        True,
        "Watch time per view.",
        VIEW_CAVEAT,
    ),
    Metric(
        "avg_pct_viewed",
        "Average % viewed",
        "watch_time_s",
        ("views", "video_duration_s"),
        "pct",
        "loyalty",
        True,
        "Watch time as a share of the video's length, per view.",
        "Needs the video's duration (YouTube, Vimeo, Wistia).",
    ),
    Metric(
        "engaged_view_rate",
        "Engaged-view rate",
        "plays_p50",
        ("views",),
        "pct",
        "acquisition",
        True,
        "Plays that reached half the video (engaged views) per view.",
        "Google Ads counts quartiles on impressions and TrueView views only from 30 s, so it can exceed 100 %; "
        "Meta views are 3-second plays. Not YouTube's own 'engaged views' (the engaged_views measure).",
    ),
    Metric(
        "clicks_per_engaged_view",
        "Clicks per engaged view",
        "clicks",
        ("plays_p50",),
        "pct",
        "acquisition",
        True,
        "Clicks to the destination per engaged view (a play that reached half the video).",
    ),
    Metric(
        "ctr",
        "Click-through rate",
        "clicks",
        ("impressions",),
        "pct",
        "acquisition",
        True,
        "Clicks to the destination per impression.",
        "Meta: link clicks; TikTok: destination clicks; LinkedIn and Google: clicks.",
    ),
    Metric(
        "conversion_rate",
        "Conversion rate",
        "conversions",
        ("clicks",),
        "pct",
        "conversion",
        True,
        "Conversions per click.",
        "Attribution windows are each platform's own.",
    ),
    Metric(
        "cpm",
        "CPM",
        "spend",
        ("impressions",),
        "money",
        "awareness",
        False,
        "Cost per 1,000 impressions.",
        scale=1000.0,
    ),
    Metric("cpv", "CPV", "spend", ("views",), "money", "awareness", False, "Cost per view.", VIEW_CAVEAT),
    Metric("cpc", "CPC", "spend", ("clicks",), "money", "acquisition", False, "Cost per click."),
    Metric(
        "cpa",
        "CPA",
        "spend",
        ("conversions",),
        "money",
        "conversion",
        False,
        "Cost per conversion.",
        "Attribution windows are each platform's own.",
    ),
    Metric(
        "roas",
        "ROAS",
        "conversion_value",
        ("spend",),
        "ratio",
        "conversion",
        True,
        "Conversion value per unit of spend (2.0 = twice the spend back).",
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
    "awareness": ("view_rate", "hook_rate", "completion_rate", "cpm", "cpv"),
    "acquisition": ("ctr", "cpc", "avg_view_duration"),
    "conversion": ("conversion_rate", "cpa", "roas"),
    "loyalty": ("avg_pct_viewed", "completion_rate", "avg_view_duration"),
    "unassigned": ("view_rate", "ctr", "completion_rate"),
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
# The same funnel as a share of impressions, for platforms that report no starts (Meta).
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
    Step("plays_p50", "Engaged views (≥ 50 %)", "engaged_view_rate"),
    Step("clicks", "Clicks", "clicks_per_engaged_view", "cpc"),
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
    names = ", ".join(model.PLATFORM_LABELS.get(p, p) for p in defs)
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
    """Render a number in one of the registry formats; None or NaN reads 'not reported', ±inf '∞'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not reported"
    value = float(value)
    if math.isinf(value):
        # A sum past the largest double (imports refuse such values; older databases may hold them).
        return "-∞" if value < 0 else "∞"
    if fmt == "pct":
        return _huge(value * 100, " %") or f"{value * 100:.1f} %"
    if fmt == "money":
        symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency or "", currency or "")
        return (_huge(value, f" {symbol}") or f"{value:,.2f} {symbol}").strip()
    if fmt == "seconds":
        if abs(value) >= _HUGE:
            return _huge(value, " s")
        total = int(round(value))
        minutes, seconds = divmod(total, 60)
        return f"{minutes}:{seconds:02d}" if minutes else f"{value:.1f} s"
    if fmt == "ratio":
        return _huge(value, "×") or f"{value:.2f}×"
    return compact_number(value)


# Past a trillion, digits stop meaning anything on a card: scientific notation keeps it short.
_HUGE = 1e12


def _huge(value: float, suffix: str) -> str:
    return f"{value:.3g}{suffix}" if abs(value) >= _HUGE else ""


def compact_number(value: float) -> str:
    """1234567 -> '1.23 M'; small numbers keep their digits."""
    if not math.isfinite(value):
        return "not reported" if math.isnan(value) else ("-∞" if value < 0 else "∞")
    if abs(value) >= _HUGE:
        return f"{value:.3g}"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= threshold:
            return f"{sign}{value / threshold:.2f} {suffix}"
    return f"{sign}{value:,.0f}" if value == int(value) else f"{sign}{value:,.2f}"
