"""Test & learn data: every query of the page, aggregated in DuckDB.

A variant is a set of rows: one video (or ad), one campaign, or every row whose names
carry a naming token ("Hook-Test_A_9x16" carries "A"). Per variant the KPI's numerator
and denominator are summed over the rows that report both sides; lifecycle cohorts and
benchmarks are one query each. Only registry names, metric expressions and the filters'
WHERE fragment enter SQL text; every chosen value is a bound parameter.
"""

from __future__ import annotations

import pandas as pd

from vmdash import cache, metrics, model, queries, stats
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.sql import ident
from vmdash.store import Store
from vmdash.store.rollup import EARLY_LIFE_DAYS, dated_rows, early_rows, video_rows
from vmdash.testlearn.choices import MAX_VARIANTS, MIN_PEERS, TEST_KPIS, VARIANT_KINDS, WINDOWS

# Names are cut into tokens at underscores, pipes, en dashes and spaced hyphens ("Hook-Test" stays whole).
TOKEN_SEPARATORS = r"\s*[_|–]\s*|\s+-\s+"
# Naming conventions live in ad, ad set and campaign names; video titles are free text.
_NAMES_SQL = """concat_ws(' | ', "ad", "ad_set", "campaign")"""
_TOKENS_SQL = f"string_split_regex({_NAMES_SQL}, $tok_sep)"


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
    num, den = metric.numerator_sql(), ident(metric.denominator[0])
    reported = metric.reported_sql()
    # Videos and campaigns are read from the per-video summary (one video's rows are a few of its
    # blocks); each of its rows stands for `_rows` facts of one pattern of unreported measures,
    # so a row count is sum(_rows) and `reported` holds for all of a row's facts or none.
    columns = {"platform", "currency", "campaign", "video_id", "ad", *metric.measures}
    keys = ["variants"] if kind == "video" else []
    measures = [c for c in metric.measures if c in model.MEASURE_NAMES]
    summed = None if kind == "token" else video_rows(filters, columns, any_variant, keys, True, measures)
    if summed is not None:
        source, count, first, last = f"({summed})", "_rows", "_first", "_last"
    else:
        source = f"(SELECT *, 1 AS _rows FROM active_facts WHERE {where} AND {any_variant})"
        count, first, last = "_rows", '"date"', 'coalesce("date_end", "date")'
    frame = store.df(
        f"""WITH v AS (
                SELECT *, {case} AS variant, {matches} AS matches FROM {source}
            )
            SELECT variant, sum({count}) AS rows,
                   string_agg(DISTINCT "platform", ',' ORDER BY "platform") AS platforms,
                   min({first}) AS first_date, max({last}) AS last_date,
                   sum({count}) FILTER (WHERE "date" IS NULL) AS undated_rows,
                   sum({count}) FILTER (WHERE {reported}) AS reported_rows,
                   sum({num}) FILTER (WHERE {reported}) AS successes,
                   sum({den}) FILTER (WHERE {reported}) AS trials,
                   count(DISTINCT "currency") AS currencies, any_value("currency") AS currency,
                   sum({count}) FILTER (WHERE matches > 1) AS shared_rows
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
    _, params = filters.where()
    case, _, any_variant = _variant_sql(kind, values, params)
    keys = ["variants"] if kind == "video" else []
    params["grain"] = grain
    frame = store.df(
        f"""WITH rows AS (
                SELECT *, {case} AS variant, date_trunc($grain, "date")::DATE AS b0,
                       date_trunc($grain, coalesce("date_end", "date"))::DATE AS b1
                FROM ({dated_rows(filters, None, f'{any_variant} AND "date" IS NOT NULL', keys)})
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
        reported = f"{ident(measure)} IS NOT NULL"
    else:
        m = metrics.get(measure)
        value, reported = m.sql(), m.reported_sql()
    keep = f'"published_at" IS NOT NULL AND "date" IS NOT NULL AND {VIDEO_KEY_SQL} IS NOT NULL AND "date" >= "published_at"'
    # Rows past the longest window join none: the per-video summary keeps the early ones, summed
    # per their own dates (`days_covered` reads the dates, never a row count).
    source = (
        f"({early_rows(filters)})" if max(WINDOWS) <= EARLY_LIFE_DAYS else f"(SELECT * FROM active_facts WHERE {where})"
    )
    frame = store.df(
        f"""WITH rows AS (
                SELECT *, {VIDEO_KEY_SQL} AS key, "date" - "published_at" AS age_first,
                       coalesce("date_end", "date") - "published_at" AS age_last
                FROM {source}
                WHERE {keep} AND {reported}
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
        stats.typical_index(v, med, higher) if ok and n >= 2 else None
        for v, med, ok, n in zip(frame["value"], frame["median"], frame["complete"], frame["peers"], strict=True)
    ]
    if measure == "watch_time_s":
        frame["value"] = frame["value"] / 3600
        frame["median"] = frame["median"] / 3600
    return frame


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
                       sum({" * ".join(ident(c) for c in m.denominator)}) FILTER (WHERE {m.reported_sql()}) AS volume
                FROM pre WHERE "objective" = $obj{i}
                GROUP BY key, "platform", "objective" HAVING value IS NOT NULL"""
        )
    params["limit"] = int(limit)
    params["min_peers"] = MIN_PEERS
    frame = store.df(
        f"""WITH pre AS MATERIALIZED ({pre}),
            per_video AS ({" UNION ALL ".join(parts)}),
            bucketed AS MATERIALIZED (SELECT *, {bucket} AS length_bucket FROM per_video),
            -- Medians per group as an aggregate joined back: a window over every row cost twice as much.
            medians AS (
                SELECT "platform", "objective", length_bucket, quantile_cont(value, 0.5) AS median, count(*) AS peers
                FROM bucketed GROUP BY ALL
            )
            SELECT b.*, m.median, m.peers
            FROM bucketed AS b JOIN medians AS m USING ("platform", "objective", length_bucket)
            ORDER BY m.peers >= $min_peers DESC, b.volume DESC NULLS LAST, b.key LIMIT $limit""",
        params,
    )
    frame["index"] = [
        stats.typical_index(v, med, metrics.get(k).higher_is_better) if n >= MIN_PEERS else None
        for v, med, n, k in zip(frame["value"], frame["median"], frame["peers"], frame["kpi"], strict=True)
    ]
    return frame
