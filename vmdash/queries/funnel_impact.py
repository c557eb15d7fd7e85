"""The Funnel impact page's queries and its `load`: the funnel per group, its step rates, costs and table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vmdash import cache, metrics, model
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState
from vmdash.numbers import float_or_none
from vmdash.queries.names import _in_order
from vmdash.queries.selection import currency, platforms_present
from vmdash.sql import alias, ident
from vmdash.store import Store
from vmdash.store.rollup import presummed

# -- funnel impact -------------------------------------------------------------------------

FUNNEL_SPLITS: tuple[str, ...] = ("channel", "objective", "platform")
_FUNNEL_KPIS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [s.rate for s in metrics.FUNNEL_STEPS if s.rate] + [s.cost for s in metrics.FUNNEL_STEPS if s.cost] + ["roas"]
    )
)

# Every measure, and the dimensions a KPI tests (the platforms a KPI leaves out), kept as keys.
_MEASURES: tuple[str, ...] = tuple(
    dict.fromkeys([*model.MEASURE_NAMES, *(c for n in _FUNNEL_KPIS for c in metrics.get(n).measures)])
)


@cache.cached
def funnel(store: Store, filters: FilterState = FilterState(), by: str = "channel") -> pd.DataFrame:
    """Impressions -> views -> half-watched plays -> clicks -> conversions per group, plus an 'All' row.

    Columns: group, is_total, each step's sum (NULL: not reported), each KPI, its coverage and
    `<kpi>__zero` (its reported base sums to 0: undefined, not unreported).
    """
    if by not in FUNNEL_SPLITS:
        raise InvalidChoice("split", by, FUNNEL_SPLITS)
    _, params = filters.where()
    sums = ", ".join(f"sum({ident(s.measure)}) AS {ident(s.measure)}" for s in metrics.FUNNEL_STEPS)
    kpi = ", ".join(
        f"{metrics.get(n).sql()} AS {alias(n)}, {metrics.get(n).coverage_sql()} AS {alias(n + '__coverage')}, "
        f"{metrics.get(n).zero_sql()} AS {alias(n + '__zero')}"
        for n in _FUNNEL_KPIS
    )
    frame = store.df(
        f"""SELECT {ident(by)} AS "group", grouping({ident(by)}) = 1 AS is_total, sum(_rows) AS rows, {sums}, {kpi},
                   sum("conversion_value") AS conversion_value, sum("spend") AS spend
            FROM ({presummed([(ident(by), by)], filters, _MEASURES)}) GROUP BY GROUPING SETS (({ident(by)}), ())""",
        params,
    )
    if frame.empty or frame["rows"].fillna(0).sum() == 0:
        return frame.iloc[0:0]
    frame.loc[frame["is_total"], "group"] = "All"
    totals = frame[frame["is_total"]]
    groups = _in_order(frame[~frame["is_total"]], by)
    return pd.concat([groups, totals], ignore_index=True)


def funnel_steps(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel's step rates in tidy form, each judged against the same step for the whole selection.

    `index` is the group's rate over the 'All' rate; the weakest step of a group is the one
    furthest below the selection (flagged only when there are at least two groups to compare).
    """
    rows = []
    if frame.empty:
        return pd.DataFrame(columns=["group", "step", "order", "kpi", "rate", "coverage", "index", "weakest"])
    total = frame[frame["is_total"]].iloc[0]
    groups = frame[~frame["is_total"]]
    steps = [s for s in metrics.FUNNEL_STEPS if s.rate]
    previous = {s.rate: metrics.FUNNEL_STEPS[i].label for i, s in enumerate(metrics.FUNNEL_STEPS[1:])}
    for _, rec in groups.iterrows():
        entries = []
        for order, step in enumerate(steps, start=1):
            rate = float_or_none(rec[step.rate])
            base = float_or_none(total[step.rate])
            index = rate / base if rate is not None and base else None
            entries.append(
                {
                    "group": rec["group"],
                    "step": f"{previous[step.rate]} → {step.label}",
                    "order": order,
                    "kpi": step.rate,
                    "rate": rate,
                    "coverage": float_or_none(rec[f"{step.rate}__coverage"]),
                    "index": index,
                    "weakest": False,
                }
            )
        judged = [e for e in entries if e["index"] is not None]
        if len(groups) >= 2 and judged:
            worst = min(judged, key=lambda e: e["index"])
            if worst["index"] < 1:
                worst["weakest"] = True
        rows.extend(entries)
    return pd.DataFrame(rows)


def funnel_costs(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel's cost per step (CPM, CPV, CPC, CPA) per group in tidy form, without the 'All' row."""
    names = [s.cost for s in metrics.FUNNEL_STEPS if s.cost]
    rows = [
        {
            "group": rec["group"],
            "kpi": n,
            "value": float_or_none(rec[n]),
            "coverage": float_or_none(rec[f"{n}__coverage"]),
        }
        for _, rec in frame[~frame["is_total"]].iterrows()
        for n in names
    ]
    return pd.DataFrame(rows, columns=["group", "kpi", "value", "coverage"])


def unpriced_groups(costs: pd.DataFrame) -> list[str]:
    """Groups of a funnel_costs frame with no cost at all (their exports carry no spend)."""
    return [g for g, values in costs.groupby("group", sort=False)["value"] if values.isna().all()]


def funnel_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group: every step's volume, step rate, cost and ROAS, and the weakest step, unformatted."""
    if frame.empty:
        return frame
    steps = funnel_steps(frame)
    weakest = steps[steps["weakest"]].set_index("group")["step"]
    columns = {"group": "group"}
    for step in metrics.FUNNEL_STEPS:
        columns[step.measure] = step.label
        if step.rate:
            columns[step.rate] = metrics.get(step.rate).label
    for step in metrics.FUNNEL_STEPS:
        if step.cost:
            columns[step.cost] = metrics.get(step.cost).label
    columns["roas"] = metrics.get("roas").label
    out = frame[list(columns)].rename(columns=columns)
    out["Weakest step"] = [weakest.get(g, "") for g in frame["group"]]
    return out


def funnel_undefined(frame: pd.DataFrame) -> pd.DataFrame:
    """funnel_table's KPI columns where a ratio's reported base is 0: what is missing ('no views'), else None."""
    out = pd.DataFrame(index=frame.index)
    for name in _FUNNEL_KPIS:
        m = metrics.get(name)
        zero = frame.get(f"{name}__zero", pd.Series(False, index=frame.index)).fillna(False).astype(bool)
        out[m.label] = [m.undefined if z and pd.isna(v) else None for z, v in zip(zero, frame[name], strict=True)]
    return out


# -- the page's load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelControls:
    """The Funnel impact page's widget values; the defaults are the widgets' own."""

    by: str = "channel"


@dataclass(frozen=True)
class FunnelData:
    """Everything the Funnel impact page draws for one choice of filters and controls.

    `weakest` and `above_one` are the rows of `steps` the page writes a sentence for; `roas` and
    its coverage are the whole selection's (None when no platform reports conversion value).
    The rest is empty when `frame` is.
    """

    currency: str | None
    frame: pd.DataFrame
    platforms: list[str]
    steps: pd.DataFrame
    table: pd.DataFrame
    undefined: pd.DataFrame
    weakest: pd.DataFrame
    above_one: pd.DataFrame
    costs: pd.DataFrame
    priced: bool
    unpriced: list[str]
    roas: float | None
    roas_coverage: float | None


def load(store: Store, filters: FilterState = FilterState(), controls: FunnelControls = FunnelControls()) -> FunnelData:
    """The Funnel impact page's data: the funnel per group, step rates judged against the selection, costs, ROAS."""
    money = currency(store, filters)
    frame = funnel(store, filters, controls.by)
    if frame.empty:
        empty = pd.DataFrame()
        return FunnelData(money, frame, [], empty, empty, empty, empty, empty, empty, False, [], None, None)
    steps = funnel_steps(frame)
    costs = funnel_costs(frame)
    priced = bool(costs["value"].notna().any())
    total = frame[frame["is_total"]].iloc[0]
    roas = float_or_none(total["roas"])
    return FunnelData(
        currency=money,
        frame=frame,
        platforms=platforms_present(store, filters),
        steps=steps,
        table=funnel_table(frame),
        undefined=funnel_undefined(frame),
        weakest=steps[steps["weakest"]],
        above_one=steps[steps["rate"] > 1],
        costs=costs,
        priced=priced,
        unpriced=unpriced_groups(costs) if priced else [],
        roas=roas,
        roas_coverage=total["roas__coverage"] if roas is not None else None,
    )
