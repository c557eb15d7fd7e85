"""Test & learn: variant comparisons, lifecycle cohorts and benchmarks, aggregated in DuckDB.

A variant is a set of rows: one video (or ad), one campaign, or every row whose names
carry a naming token ("Hook-Test_A_9x16" carries "A"). Each variant's KPI is a ratio of
sums over the rows that report both sides; the statistics come from `vmdash.stats`.
Only registry names, metric expressions and the filters' WHERE fragment enter SQL text;
every chosen value is a bound parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from vmdash import cache, metrics, model, queries, stats
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.store import Store

# The KPIs a test is judged on, one or two per objective, offered in this order.
TEST_KPIS: tuple[str, ...] = ("hook_rate", "completion_rate", "ctr", "conversion_rate", "cpa")
# What the denominator of each test KPI counts, for "needs about N more <unit>".
UNITS = {"impressions": "impressions", "video_starts": "starts", "clicks": "clicks", "conversions": "conversions"}
VARIANT_KINDS = {"videos / ads": "video", "campaigns": "campaign", "name tokens": "token"}
MAX_VARIANTS = 6
LEVEL = 0.95
# Names are cut into tokens at underscores, pipes, en dashes and spaced hyphens ("Hook-Test" stays whole).
TOKEN_SEPARATORS = r"\s*[_|–]\s*|\s+-\s+"
# Naming conventions live in ad, ad set and campaign names; video titles are free text.
_NAMES_SQL = """concat_ws(' | ', "ad", "ad_set", "campaign")"""
_TOKENS_SQL = f"string_split_regex({_NAMES_SQL}, $tok_sep)"


def kpi_options() -> dict[str, str]:
    """Readable option -> metric name for the test KPIs, each with the objective it serves."""
    return {f"{metrics.get(n).label} ({metrics.get(n).objective})": n for n in TEST_KPIS}


@cache.cached
def name_tokens(store: Store, filters: FilterState = FilterState(), limit: int = 2000) -> list[str]:
    """Every naming token in the filtered rows' ad, ad set and campaign names, A to Z."""
    where, params = filters.where()
    params.update({"tok_sep": TOKEN_SEPARATORS, "limit": int(limit)})
    rows = store.rows(
        f"""SELECT token FROM (
                SELECT trim(t) AS token, count(*) AS n
                FROM (SELECT unnest({_TOKENS_SQL}) AS t FROM active_facts WHERE {where}) GROUP BY 1
            ) WHERE token <> '' ORDER BY n DESC, token LIMIT $limit""",
        params,
    )
    return sorted((r[0] for r in rows), key=lambda t: (t.lower(), t))


def _condition(kind: str, i: int, value: str, params: dict[str, object]) -> str:
    params[f"var{i}"] = value
    if kind == "video":
        return f"{VIDEO_KEY_SQL} = $var{i}"
    if kind == "campaign":
        return f'"campaign" = $var{i}'
    if kind == "token":
        params["tok_sep"] = TOKEN_SEPARATORS
        return f"list_contains(list_transform({_TOKENS_SQL}, lambda t: trim(t)), $var{i})"
    raise InvalidChoice("variant kind", kind, tuple(VARIANT_KINDS.values()))


def _variant_sql(kind: str, values: tuple[str, ...], params: dict[str, object]) -> tuple[str, str, str]:
    """A CASE giving each row the index of the first variant it belongs to, how many it matches,
    and a condition keeping only rows of some variant.

    The condition is one lookup for videos and campaigns, so the CASE and the count only run
    on the variants' rows, not on every fact.
    """
    conditions = [_condition(kind, i, v, params) for i, v in enumerate(values)]
    case = "CASE " + " ".join(f"WHEN {c} THEN {i}" for i, c in enumerate(conditions)) + " END"
    matches = " + ".join(f"({c})::INTEGER" for c in conditions)
    looked_up = {"video": VIDEO_KEY_SQL, "campaign": '"campaign"'}.get(kind)
    if looked_up is None:
        return case, matches, "(" + " OR ".join(conditions) + ")"
    params["variants"] = list(values)
    return case, matches, f"list_contains($variants, {looked_up})"


@dataclass(frozen=True)
class Finding:
    """One variant against the baseline (the first variant)."""

    baseline: str
    variant: str
    verdict: str
    significant: bool
    diff: float | None  # rates: share points; costs: relative change of the cost
    low: float | None
    high: float | None
    p_value: float | None
    detectable: str  # what this volume can detect, in words


@dataclass(frozen=True)
class VariantReport:
    """A comparison of variants on one KPI: per-variant rates, findings against the baseline, warnings."""

    metric: metrics.Metric
    unit: str
    level: float
    table: pd.DataFrame  # variant, label, platforms, first_date, last_date, rows, successes, trials, value, low, high
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]


@cache.cached
def variant_totals(
    store: Store, kind: str, values: tuple[str, ...], metric_name: str, filters: FilterState = FilterState()
) -> pd.DataFrame:
    """Per variant: the KPI's summed numerator and denominator over reporting rows, platforms and dates."""
    metric = metrics.get(metric_name)
    if len(metric.denominator) != 1:
        raise InvalidChoice("test KPI", metric_name, TEST_KPIS)
    where, params = filters.where()
    case, matches, any_variant = _variant_sql(kind, tuple(values), params)
    num, den = f'"{metric.numerator}"', f'"{metric.denominator[0]}"'
    reported = metric.reported_sql()
    frame = store.df(
        f"""WITH v AS (
                SELECT *, {case} AS variant, {matches} AS matches FROM active_facts WHERE {where} AND {any_variant}
            )
            SELECT variant, count(*) AS rows,
                   string_agg(DISTINCT "platform", ',' ORDER BY "platform") AS platforms,
                   min("date") AS first_date, max(coalesce("date_end", "date")) AS last_date,
                   count(*) FILTER (WHERE "date" IS NULL) AS undated_rows,
                   count(*) FILTER (WHERE {reported}) AS reported_rows,
                   sum({num}) FILTER (WHERE {reported}) AS successes,
                   sum({den}) FILTER (WHERE {reported}) AS trials,
                   count(DISTINCT "currency") AS currencies, any_value("currency") AS currency,
                   count(*) FILTER (WHERE matches > 1) AS shared_rows
            FROM v WHERE variant IS NOT NULL GROUP BY variant ORDER BY variant""",
        params,
    )
    # Every variant gets a row, also one that no row matches (it says so instead of vanishing).
    out = frame.set_index("variant").reindex(range(len(values))).reset_index(drop=True)
    out.insert(0, "variant", list(values))
    for column in ("rows", "reported_rows", "undated_rows", "shared_rows", "currencies"):
        out[column] = out[column].fillna(0).astype(int)
    return out


@cache.cached
def compare_variants(
    store: Store,
    kind: str,
    values: tuple[str, ...] | list[str],
    metric_name: str,
    filters: FilterState = FilterState(),
    labels: dict[str, str] | None = None,
    currency: str | None = None,
) -> VariantReport:
    """Each variant against the first on a test KPI: rates with intervals, verdicts, sizes, warnings.

    With more than two variants every comparison is against the first, at a Bonferroni-adjusted
    level, so that testing several at once does not make a chance winner likelier.
    """
    values = tuple(dict.fromkeys(values))[:MAX_VARIANTS]
    metric = metrics.get(metric_name)
    if metric_name not in TEST_KPIS:
        raise InvalidChoice("test KPI", metric_name, TEST_KPIS)
    labels = {v: (labels or {}).get(v, v) for v in values}
    totals = variant_totals(store, kind, values, metric_name, filters)
    totals["label"] = [labels[v] for v in totals["variant"]]
    comparisons = max(len(values) - 1, 1)
    level = 1 - (1 - LEVEL) / comparisons
    is_cost = metric.fmt == "money"
    unit = "spend" if is_cost else UNITS.get(metric.denominator[0], metric.denominator[0])
    warnings = list(_warnings(totals, metric, kind))

    # Per-variant value and interval, at the plain 95 % level (the intervals describe each variant).
    values_ci = []
    impossible = set()
    overflowed = set()
    for rec in totals.itertuples():
        k, n = _num(rec.successes), _num(rec.trials)
        if not (abs(k) < _MAX_TOTAL and abs(n) < _MAX_TOTAL):
            # A sum that overflowed (or nearly): no interval or test means anything on it.
            impossible.add(rec.variant)
            overflowed.add(rec.variant)
            values_ci.append((None, None, None))
            warnings.append(
                f"{labels[rec.variant]}'s totals are too large to compare (a sum of {metric.numerator} or "
                f"{metric.denominator[0]} overflowed); check its imports."
            )
            continue
        if is_cost:
            r = stats.cost_per_result(k, n, LEVEL)  # numerator is spend, denominator conversions
        elif k > n:
            impossible.add(rec.variant)
            r = stats.Rate(k, n, k / n if n else None, None, None)
        else:
            r = stats.rate(k, n, LEVEL)
        values_ci.append((r.value, r.low, r.high))
    totals[["value", "low", "high"]] = pd.DataFrame(values_ci, index=totals.index, columns=["value", "low", "high"])
    for variant in impossible - overflowed:
        warnings.append(
            f"{labels[variant]} reports more {metric.numerator} than {metric.denominator[0]} "
            f"(view-through results count too), so {metric.label} is not a share here: compare CPA instead."
        )

    money = _money_format(currency if totals["currencies"].max() <= 1 else None)
    findings = []
    base = totals.iloc[0]
    for rec in totals.iloc[1:].itertuples():
        names = (str(base["label"]), str(rec.label))
        if base["variant"] in impossible or rec.variant in impossible:
            continue
        if is_cost:
            findings.append(_cost_finding(base, rec, metric, names, level, money))
        else:
            findings.append(_rate_finding(base, rec, metric, names, level, unit))
    if len(values) > 2:
        warnings.append(
            f"{len(values) - 1} comparisons against {labels[values[0]]}: each uses a {level * 100:.3g} % interval "
            "(Bonferroni) so that one chance winner among several is not called a win."
        )
    return VariantReport(metric, unit, level, totals, tuple(findings), tuple(warnings))


# Past this, counts and spend are no real campaign's (and statistics on them lose all precision).
_MAX_TOTAL = 1e15


def _money_format(currency: str | None) -> str:
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency or "", currency or "")
    return ("{:,.2f} " + symbol).strip() if symbol else "{:,.2f}"


def _rate_finding(
    base: pd.Series, rec: object, metric: metrics.Metric, names: tuple[str, str], level: float, unit: str
):
    c = stats.compare_rates(_num(base["successes"]), _num(base["trials"]), _num(rec.successes), _num(rec.trials), level)
    detectable = ""
    if c.mde is not None:
        volume = f"At this volume ({int(min(c.a.trials, c.b.trials)):,} {unit} in the smaller variant)"
        if c.mde >= 1:
            # A share cannot move by more than 100 pts: no difference is detectable yet.
            detectable = f"{volume} the test cannot reliably detect any difference yet (80 % power)."
        else:
            detectable = f"{volume} the test detects differences of about {_pts(c.mde)} pts or more (80 % power)."
    return Finding(
        names[0],
        names[1],
        stats.verdict(in_sentence(metric.label), c, names, unit=unit),
        c.significant,
        c.diff,
        c.low,
        c.high,
        c.p_value,
        detectable,
    )


def _cost_finding(base: pd.Series, rec: object, metric: metrics.Metric, names: tuple[str, str], level: float, money):
    # For a cost, the metric's numerator is the spend and its denominator the results.
    c = stats.compare_costs(_num(base["successes"]), _num(base["trials"]), _num(rec.successes), _num(rec.trials), level)
    detectable = ""
    if c.mde is not None:
        detectable = (
            f"At this spend ({money.format(c.spent_per_variant)} in the smaller variant) the test detects "
            f"{metric.label} differences of about {c.mde * 100:.0f} % or more (80 % power)."
        )
    diff = (c.ratio - 1) if c.ratio is not None else None
    low = (c.low - 1) if c.low is not None else None
    high = (c.high - 1) if c.high is not None else None
    return Finding(
        names[0],
        names[1],
        stats.cost_verdict(in_sentence(metric.label), c, names, money=money),
        c.significant,
        diff,
        low,
        high,
        c.p_value,
        detectable,
    )


def _platform_names(platforms: object) -> str:
    if not isinstance(platforms, str) or not platforms:
        return "no platform"
    return ", ".join(model.platform_label(p) for p in platforms.split(","))


def _warnings(totals: pd.DataFrame, metric: metrics.Metric, kind: str):
    """What makes this comparison less than like for like, one sentence each."""
    for rec in totals.itertuples():
        if not rec.reported_rows:
            yield f"{rec.label} has no rows reporting {metric.label} under these filters."
    reported = totals[totals["reported_rows"] > 0]
    platform_sets = {str(p) for p in reported["platforms"]}
    if len(platform_sets) > 1:
        sides = "; ".join(f"{r.label}: {_platform_names(r.platforms)}" for r in reported.itertuples())
        text = f"The variants ran on different platforms ({sides})."
        everyone = sorted({p for s in platform_sets for p in s.split(",")})
        defs = list(dict.fromkeys(metrics.view_definitions(everyone).values()))
        if metric.caveat:
            text += f" {metric.caveat}"
        elif {"views", "views_3s"} & set(metric.measures) and len(defs) > 1:
            text += " Their platforms count plays differently: " + "; ".join(defs) + "."
        yield text + " Part of any difference may be the platform, not the creative."
    spans = {(r.first_date, r.last_date) for r in reported.itertuples() if pd.notna(r.first_date)}
    if len(spans) > 1:
        sides = "; ".join(
            f"{r.label}: {_day(r.first_date)} to {_day(r.last_date)}"
            for r in reported.itertuples()
            if pd.notna(r.first_date)
        )
        yield (
            f"The variants ran over different dates ({sides}): seasons, auctions and audience fatigue differ; "
            "narrow the dates in the sidebar to the period they share."
        )
    undated = reported[reported["undated_rows"] > 0]
    if not undated.empty:
        yield (
            f"{', '.join(str(x) for x in undated['label'])}: lifetime totals without dates are included, "
            "so their period is not known."
        )
    several = (totals["currencies"] > 1).any() or reported["currency"].dropna().nunique() > 1
    if several and metric.fmt == "money":
        yield "The variants spend in different currencies: their costs cannot be compared."
    shared = int(totals["shared_rows"].sum())
    if shared and kind == "token":
        yield (
            f"{shared:,} rows carry more than one of the chosen tokens; each counts for the first token listed only."
        )


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat() if pd.notna(value) else "?"


@cache.cached
def variant_trend(
    store: Store,
    kind: str,
    values: tuple[str, ...] | list[str],
    metric_name: str,
    filters: FilterState = FilterState(),
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The KPI per variant (and its label) per day / week / month, from rows that fit in one period (≤ 5,000 points)."""
    metric = metrics.get(metric_name)
    values = tuple(dict.fromkeys(values))[:MAX_VARIANTS]
    start, end = queries.date_span(store, filters)
    grain = queries.pick_grain(start, end, series=len(values))
    where, params = filters.where()
    case, _, any_variant = _variant_sql(kind, values, params)
    params["grain"] = grain
    frame = store.df(
        f"""WITH rows AS (
                SELECT *, {case} AS variant, date_trunc($grain, "date")::DATE AS b0,
                       date_trunc($grain, coalesce("date_end", "date"))::DATE AS b1
                FROM active_facts WHERE {where} AND {any_variant} AND "date" IS NOT NULL
            )
            SELECT variant, b0 AS period, {metric.sql()} AS value,
                   sum("{metric.denominator[0]}") FILTER (WHERE {metric.reported_sql()}) AS volume
            FROM rows WHERE variant IS NOT NULL AND b0 = b1 GROUP BY ALL
            HAVING value IS NOT NULL ORDER BY variant, period LIMIT {queries.MAX_CHART_POINTS}""",
        params,
    )
    frame["variant"] = [values[int(i)] for i in frame["variant"]]
    frame["label"] = [(labels or {}).get(v, v) for v in frame["variant"]]
    frame["grain"] = grain
    return frame


def variant_scope(filters: FilterState, kind: str, values: tuple[str, ...] | list[str]) -> FilterState:
    """The filters narrowed to the chosen videos or campaigns (name tokens leave them as they are)."""
    if kind == "video":
        return filters.narrowed(videos=tuple(values))
    if kind == "campaign":
        return filters.narrowed(campaigns=tuple(values))
    return filters


# -- lifecycle cohorts -----------------------------------------------------------------------------

WINDOWS: tuple[int, ...] = (1, 7, 28)
# Counts judged over a video's first days; the test KPIs and view rate come on top.
COHORT_COUNTS = {"Views": "views", "Impressions": "impressions", "Watch time (hours)": "watch_time_s"}
COHORT_KPIS: tuple[str, ...] = ("view_rate", "avg_view_duration", *TEST_KPIS)


def cohort_options() -> dict[str, str]:
    """Readable option -> a measure name (summed) or a KPI name, for the lifecycle table."""
    return {**COHORT_COUNTS, **{metrics.get(n).label: n for n in COHORT_KPIS}}


@cache.cached
def lifecycle(store: Store, measure: str, filters: FilterState = FilterState(), limit: int = 500) -> pd.DataFrame:
    """Each video's value over its first 1 / 7 / 28 days since publish, with the days its data covers.

    Only rows that lie wholly inside a window count (a month-long row does not tell the first
    week). A window is `complete` when the data covers every day from the publish day to its
    end; only complete windows are comparable between videos, so only they get a median and
    an index (100 = the median video of the same platform at the same age).
    """
    where, params = filters.where()
    params.update({"windows": list(WINDOWS), "limit": int(limit)})
    if measure in model.MEASURE_NAMES:
        value = f'sum("{measure}")'
        reported = f'"{measure}" IS NOT NULL'
    else:
        m = metrics.get(measure)
        value, reported = m.sql(), m.reported_sql()
    frame = store.df(
        f"""WITH rows AS (
                SELECT *, {VIDEO_KEY_SQL} AS key, "date" - "published_at" AS age_first,
                       coalesce("date_end", "date") - "published_at" AS age_last
                FROM active_facts
                WHERE {where} AND "published_at" IS NOT NULL AND "date" IS NOT NULL
                  AND {VIDEO_KEY_SQL} IS NOT NULL AND "date" >= "published_at" AND {reported}
            ), per_window AS (
                SELECT key, "platform", coalesce(any_value("video_title"), key) AS title,
                       min("published_at") AS published_at, w.days AS window_days, {value} AS value,
                       min(age_first) AS first_day, max(age_last) AS last_day,
                       len(list_distinct(flatten(list(range(age_first, age_last + 1))))) AS days_covered
                FROM rows JOIN (SELECT unnest($windows) AS days) AS w ON rows.age_last < w.days
                GROUP BY key, "platform", w.days
            )
            SELECT *, first_day = 0 AND days_covered >= window_days AS complete
            FROM per_window WHERE value IS NOT NULL
            ORDER BY published_at DESC, key, "platform", window_days LIMIT $limit""",
        params,
    )
    if frame.empty:
        return frame.assign(median=pd.Series(dtype=float), index=pd.Series(dtype=float), peers=pd.Series(dtype=int))
    complete = frame[frame["complete"]]
    medians = complete.groupby(["platform", "window_days"])["value"].agg(["median", "count"]).reset_index()
    frame = frame.merge(medians.rename(columns={"count": "peers"}), on=["platform", "window_days"], how="left")
    frame["peers"] = frame["peers"].fillna(0).astype(int)
    higher = measure in model.MEASURE_NAMES or metrics.get(measure).higher_is_better
    frame["index"] = [
        _index(v, med, higher) if ok and n >= 2 else None
        for v, med, ok, n in zip(frame["value"], frame["median"], frame["complete"], frame["peers"], strict=True)
    ]
    if measure == "watch_time_s":
        frame["value"] = frame["value"] / 3600
        frame["median"] = frame["median"] / 3600
    return frame


def _index(value: float | None, median: float | None, higher_is_better: bool) -> float | None:
    """100 = typical; above 100 = better than typical (for a cost: cheaper)."""
    if value is None or median is None or pd.isna(value) or pd.isna(median) or value == 0 or median == 0:
        return None
    return float(100 * (value / median if higher_is_better else median / value))


def lifecycle_table(frame: pd.DataFrame, measure: str, currency: str | None = None) -> pd.DataFrame:
    """One row per video: its value over the first 1 / 7 / 28 days in words (partial windows said so) and indexes."""
    columns = ["video", "platform", "published_at"]
    for w in WINDOWS:
        columns += [f"first_{w}", f"index_{w}"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    fmt = "number" if measure in model.MEASURE_NAMES else metrics.get(measure).fmt
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for rec in frame.itertuples():
        row = rows.setdefault(
            (rec.key, rec.platform),
            {
                "video": rec.title,
                "platform": model.platform_label(rec.platform),
                "published_at": pd.Timestamp(rec.published_at).date(),
            },
        )
        text = metrics.format_value(_float(rec.value), fmt, currency)
        if not rec.complete:
            text += f" (days {int(rec.first_day) + 1}–{int(rec.last_day) + 1} only)"
        row[f"first_{rec.window_days}"] = text
        index = _float(rec.index)
        row[f"index_{rec.window_days}"] = f"{index:.0f}" if index is not None else "–"
    out = pd.DataFrame(list(rows.values())).reindex(columns=columns)
    for w in WINDOWS:
        out[f"first_{w}"] = out[f"first_{w}"].astype(object).fillna("no data")
        out[f"index_{w}"] = out[f"index_{w}"].astype(object).fillna("–")
    return out


# -- benchmarks ------------------------------------------------------------------------------------

MIN_PEERS = 3


@cache.cached
def benchmarks(store: Store, filters: FilterState = FilterState(), limit: int = 2000) -> pd.DataFrame:
    """Each video (or ad) against the median of its platform, objective and length bucket, as an index.

    The KPI is the objective's own (metrics.PRIMARY). The index is 100 for a typical video, above
    100 when it does better (for a cost: cheaper). Groups with fewer than MIN_PEERS videos get no
    index. Volume is the KPI's denominator, so a small video's index can be read with care.
    """
    _, params = filters.where()
    duration = queries.duration_sql(params)
    bucket = queries.length_bucket_sql("duration_s", params)
    kpis = [metrics.get(metrics.PRIMARY[objective]) for objective in model.OBJECTIVES]
    # One pass over the facts, summed per video and objective (and the names its length is read
    # from); each objective's KPI then runs over those few thousand rows, not over millions.
    pre = queries.presummed(
        [(VIDEO_KEY_SQL, "key"), ('"objective"', "objective"), *queries.NAME_KEYS],
        filters,
        [c for m in kpis for c in m.measures],
        f"{VIDEO_KEY_SQL} IS NOT NULL",
    )
    parts = []
    for i, (objective, m) in enumerate(zip(model.OBJECTIVES, kpis, strict=True)):
        params[f"obj{i}"] = objective
        params[f"kpi{i}"] = m.name
        parts.append(
            f"""SELECT key, "platform", "objective", $kpi{i} AS kpi,
                       coalesce(any_value("video_title"), key) AS title,
                       max({duration}) AS duration_s, {m.sql()} AS value,
                       sum({" * ".join(f'"{c}"' for c in m.denominator)}) FILTER (WHERE {m.reported_sql()}) AS volume
                FROM pre WHERE "objective" = $obj{i}
                GROUP BY key, "platform", "objective" HAVING value IS NOT NULL"""
        )
    params["limit"] = int(limit)
    params["min_peers"] = MIN_PEERS
    frame = store.df(
        f"""WITH pre AS MATERIALIZED ({pre}),
            per_video AS ({" UNION ALL ".join(parts)}),
            bucketed AS (SELECT *, {bucket} AS length_bucket FROM per_video),
            grouped AS (
                SELECT *, quantile_cont(value, 0.5) OVER g AS median, count(*) OVER g AS peers
                FROM bucketed WINDOW g AS (PARTITION BY "platform", "objective", length_bucket)
            )
            SELECT * FROM grouped ORDER BY peers >= $min_peers DESC, volume DESC NULLS LAST, key LIMIT $limit""",
        params,
    )
    frame["index"] = [
        _index(v, med, metrics.get(k).higher_is_better) if n >= MIN_PEERS else None
        for v, med, n, k in zip(frame["value"], frame["median"], frame["peers"], frame["kpi"], strict=True)
    ]
    return frame


def furthest_from_typical(frame: pd.DataFrame, n: int = 30) -> pd.DataFrame:
    """The `n` videos whose index is furthest from 100 either way (half as good counts as twice as good)."""
    ranked = frame.dropna(subset=["index"])
    distance = (ranked["index"].astype(float) / 100).map(lambda r: abs(math.log(r)) if r > 0 else math.inf)
    return ranked.assign(distance=distance).sort_values("distance", ascending=False).head(n).drop(columns="distance")


def benchmark_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The benchmark frame for people: KPI values formatted with their own format, index rounded."""
    if frame.empty:
        return pd.DataFrame(columns=["video", "platform", "objective", "length_bucket", "kpi", "value", "median"])
    out = pd.DataFrame(
        {
            "video": frame["title"],
            "platform": [model.platform_label(p) for p in frame["platform"]],
            "objective": frame["objective"],
            "length_bucket": frame["length_bucket"],
            "kpi": [metrics.get(k).label for k in frame["kpi"]],
            "value": [metrics.get(k).format(_float(v)) for k, v in zip(frame["kpi"], frame["value"], strict=True)],
            "median": [
                metrics.get(k).format(_float(v)) if n >= MIN_PEERS else "too few peers"
                for k, v, n in zip(frame["kpi"], frame["median"], frame["peers"], strict=True)
            ],
            "peers": frame["peers"].astype(int),
            "index": frame["index"],
            "volume": frame["volume"],
        }
    )
    return out


def in_sentence(label: str) -> str:
    """A KPI label inside a sentence: "Hook rate" reads "hook rate", "CPA" stays "CPA"."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _pts(share: float) -> str:
    points = share * 100
    return f"{points:.1f}" if points >= 0.1 else f"{points:.2g}"


def _num(value: object) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
