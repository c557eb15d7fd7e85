"""The Completion page's queries and its `load`: the quartile funnel by split, and completion against length."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vmdash import cache, metrics, model
from vmdash.errors import InvalidChoice
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.numbers import float_or_none
from vmdash.queries.names import NAME_KEYS, _in_order, _split_sql, duration_sql
from vmdash.queries.selection import platforms_present
from vmdash.sql import ident
from vmdash.store import Store
from vmdash.store.rollup import presummed

# -- completion ------------------------------------------------------------------------------


QUARTILE_BASES = {"video_starts": metrics.QUARTILE_STEPS, "impressions": metrics.QUARTILE_STEPS_PER_IMPRESSION}


@cache.cached
def quartile_funnel(
    store: Store, filters: FilterState = FilterState(), by: str = "platform", base: str = "video_starts"
) -> pd.DataFrame:
    """Starts (or impressions) -> 25 -> 50 -> 75 -> 95 -> 100 % per group, each step a share of the base.

    Tidy: one row per group and step. Each step only counts rows reporting both the step and
    the base, so a platform without 95 % (Google Ads) shows that step as not reported, with
    the coverage of the rest; a group with no base at all is left out.
    """
    if base not in QUARTILE_BASES:
        raise InvalidChoice("base", base, tuple(QUARTILE_BASES))
    _, params = filters.where()
    group = _split_sql(by, params)
    first, *steps = QUARTILE_BASES[base]
    parts = [f"sum({ident(first.measure)}) AS starts"]
    for i, step in enumerate(steps):
        assert step.rate is not None  # only the first step of a funnel has no rate
        m = metrics.get(step.rate)
        parts.append(
            f"{m.sql()} AS rate{i}, {m.coverage_sql()} AS coverage{i}, sum({ident(step.measure)}) FILTER (WHERE {m.reported_sql()}) AS plays{i}"
        )
    measures = [first.measure, *(c for step in steps if step.rate for c in metrics.get(step.rate).measures)]
    keys = [(ident(by), by)] if by in ("channel", "platform", "objective") else list(NAME_KEYS)
    wide = store.df(
        f'SELECT {group} AS "group", {", ".join(parts)} FROM ({presummed(keys, filters, measures)}) '
        "GROUP BY 1 HAVING starts > 0",
        params,
    )
    rows = []
    for rec in wide.to_dict("records"):
        rows.append(
            {
                "group": rec["group"],
                "step": first.label,
                "order": 0,
                "rate": 1.0,
                "coverage": 1.0,
                "plays": rec["starts"],
            }
        )
        for i, step in enumerate(steps, start=1):
            rows.append(
                {
                    "group": rec["group"],
                    "step": step.label,
                    "order": i,
                    "rate": float_or_none(rec[f"rate{i - 1}"]),
                    "coverage": float_or_none(rec[f"coverage{i - 1}"]),
                    "plays": float_or_none(rec[f"plays{i - 1}"]),
                }
            )
    columns = ["group", "step", "order", "rate", "coverage", "plays"]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    return _in_order(out, by).sort_values(["group", "order"], kind="stable").reset_index(drop=True)


@cache.cached
def completion_by_length(store: Store, filters: FilterState = FilterState(), limit: int = 2000) -> pd.DataFrame:
    """Completion rate and length per video (the most-started `limit`), with how many videos qualified."""
    _, params = filters.where()
    duration = duration_sql(params)
    m = metrics.get("completion_rate")
    params["limit"] = int(limit)
    pre = presummed([(VIDEO_KEY_SQL, "key"), *NAME_KEYS], filters, m.measures, f"{VIDEO_KEY_SQL} IS NOT NULL")
    return store.df(
        f"""SELECT key, coalesce(any_value("video_title"), key) AS video,
                   "platform", max({duration}) AS duration_s, {m.sql()} AS completion_rate,
                   sum("video_starts") FILTER (WHERE {m.reported_sql()}) AS starts,
                   count(*) OVER () AS videos_total
            FROM ({pre}) GROUP BY key, "platform"
            HAVING completion_rate IS NOT NULL AND duration_s IS NOT NULL
            ORDER BY starts DESC, key LIMIT $limit""",
        params,
    )


@cache.cached
def platforms_without(store: Store, filters: FilterState, measure: str) -> list[str]:
    """The platforms of the filtered rows that report none of `measure` (left out of a share of it)."""
    _, params = filters.where()
    rows = store.rows(
        f'SELECT "platform" FROM ({presummed([(ident("platform"), "platform")], filters, (measure,))}) '
        f"GROUP BY 1 HAVING sum({ident(measure)}) IS NULL",
        params,
    )
    missing = {r[0] for r in rows}
    return [p for p in model.PLATFORMS if p in missing]


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionControls:
    """The Completion page's widget values; the defaults are the widgets' own."""

    by: str = "platform"
    base: str = "video_starts"


@dataclass(frozen=True)
class CompletionData:
    """Everything the Completion page draws for one choice of filters and controls.

    `table` is the quartile funnel as the page's table: one row per group (column 'group'), a
    column per step in step order, unformatted. `unbased` are the selection's platforms that
    report none of the base (Meta and Google Ads report no starts): they are left out, never
    blended in. The rest is empty when `funnel` is.
    """

    funnel: pd.DataFrame
    table: pd.DataFrame
    step_kpis: tuple[str, ...]
    platforms: list[str]
    videos: pd.DataFrame
    unbased: tuple[str, ...] = ()


def load(
    store: Store, filters: FilterState = FilterState(), controls: CompletionControls = CompletionControls()
) -> CompletionData:
    """The Completion page's data: the quartile funnel (tidy and as a table) and completion against length."""
    steps = quartile_funnel(store, filters, controls.by, controls.base)
    step_kpis = tuple(s.rate for s in QUARTILE_BASES[controls.base] if s.rate)
    unbased = tuple(platforms_without(store, filters, controls.base))
    if steps.empty:
        return CompletionData(steps, pd.DataFrame(columns=["group"]), step_kpis, [], pd.DataFrame(), unbased)
    platforms = platforms_present(store, filters)
    table = steps.pivot(index="group", columns="step", values="rate").reindex(
        index=list(dict.fromkeys(steps["group"])), columns=list(dict.fromkeys(steps.sort_values("order")["step"]))
    )
    videos = completion_by_length(store, filters)
    return CompletionData(steps, table.reset_index(), step_kpis, platforms, videos, unbased)
