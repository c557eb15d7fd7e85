"""KPIs over the filtered facts: totals, KPI values with coverage and the comparison period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vmdash import cache, metrics, model, periods
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState
from vmdash.numbers import float_or_none
from vmdash.sql import ident
from vmdash.store import Store
from vmdash.store.rollup import presummed

_GROUP_COLUMNS = {
    "platform": "platform",
    "channel": "channel",
    "objective": "objective",
    "campaign": "campaign",
    "import": "import_id",
    "video": "video_id",
}


def _measure_sums() -> str:
    return ", ".join(f"sum({ident(m)}) AS {ident(m)}" for m in model.MEASURE_NAMES)


@cache.cached
def summary(store: Store, by: str | None = None, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Totals of every measure, overall or per group (NULL where no row reports a measure)."""
    where, params = filters.where()
    if by is None:
        return store.df(f"SELECT count(*) AS rows, {_measure_sums()} FROM active_facts WHERE {where}", params)
    if by not in _GROUP_COLUMNS:
        raise InvalidChoice("grouping", by, tuple(_GROUP_COLUMNS))
    column = _GROUP_COLUMNS[by]
    return store.df(
        f"SELECT {ident(column)}, count(*) AS rows, {_measure_sums()} FROM active_facts "
        f"WHERE {where} GROUP BY ALL ORDER BY {ident(column)} NULLS LAST",
        params,
    )


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value, the share of its denominator that reported it, and its value over the comparison period.

    `zero_base`: the denominator is reported and sums to 0 (a campaign with 0 views has no CPV):
    the value is undefined, which reads differently from not reported.
    """

    metric: metrics.Metric
    value: float | None
    coverage: float | None
    previous: float | None = None
    zero_base: bool = False

    def text(self, currency: str | None = None) -> str:
        """The value for people: 'no views' when its reported base is 0, 'not reported' when unknown."""
        if self.value is None and self.zero_base:
            return self.metric.undefined
        return self.metric.format(self.value, currency)

    @property
    def change(self) -> float | None:
        """Relative change from the comparison period, None when either side is missing."""
        if self.value is None or self.previous in (None, 0):
            return None
        return (self.value - self.previous) / abs(self.previous)


@cache.cached
def kpis(
    store: Store,
    names: tuple[str, ...],
    filters: FilterState = FilterState(),
    compare: str = periods.DEFAULT_COMPARISON,
) -> dict[str, KpiValue]:
    """Several KPIs in one query, with coverage and their value over the comparison period (periods.compared)."""
    return _kpi_values(store, {"": names}, filters, by_objective=False, compare=compare)[""]


@cache.cached
def objective_kpis(
    store: Store,
    objectives: tuple[str, ...],
    filters: FilterState = FilterState(),
    compare: str = periods.DEFAULT_COMPARISON,
) -> dict[str, dict[str, KpiValue]]:
    """Each objective's KPIs (metrics.BY_OBJECTIVE) over its own rows, as `kpis` gives them.

    The objectives are read together, grouped by objective: the Overview's cards of four
    objectives take four queries (two per period, see _kpi_values) instead of eight.
    """
    for objective in objectives:
        if objective not in metrics.BY_OBJECTIVE:
            raise InvalidChoice("objective", objective, tuple(metrics.BY_OBJECTIVE))
    return _kpi_values(
        store, {o: metrics.BY_OBJECTIVE[o] for o in objectives}, filters, by_objective=True, compare=compare
    )


def _kpi_values(
    store: Store, wanted: dict[str, tuple[str, ...]], filters: FilterState, by_objective: bool, compare: str
) -> dict[str, dict[str, KpiValue]]:
    """The KPIs `wanted[objective]` over each objective's rows (or `wanted[""]` over all rows),
    now and over the comparison period (`compare`, a periods.COMPARISONS word).

    KPIs that weigh a measure by a dimension (views x video length) are read apart from the
    others: that dimension would keep the rest from the day sums (see presummed).
    """
    chosen = [metrics.get(n) for n in dict.fromkeys(n for names in wanted.values() for n in names)]
    batches: dict[tuple[str, ...], list[metrics.Metric]] = {}
    for m in chosen:
        batches.setdefault(tuple(c for c in m.measures if c not in model.MEASURE_NAMES), []).append(m)
    keys = [('"objective"', "objective")] if by_objective else []
    group = '"objective"' if by_objective else "''"

    def read(
        scope: FilterState, values_only: bool = False
    ) -> dict[tuple[str, str], tuple[float | None, float | None, bool]]:
        """(group, KPI) -> (value, coverage, whether the reported base is 0); `values_only`: coverage None, base not 0.

        The comparison period needs its values alone: a third of the expressions, and DuckDB's
        time to bind and run these statements grows with their expressions, not their rows.
        """
        found = {}
        for batch in batches.values():
            names = {m.name for m in batch}
            groups = tuple(key for key, wants in wanted.items() if names & set(wants))
            # Only the objectives that show a KPI of this batch are read for it.
            narrowed = scope.narrowed(objectives=groups) if by_objective else scope
            _, params = narrowed.where()
            exprs = ", ".join(
                f"{m.sql()}, NULL, false" if values_only else f"{m.sql()}, {m.coverage_sql()}, {m.zero_sql()}"
                for m in batch
            )
            measures = [c for m in batch for c in m.measures]
            sql = f"SELECT {group}, {exprs} FROM ({presummed(keys, narrowed, measures)}) GROUP BY 1"
            for row in store.rows(sql, params):
                for i, m in enumerate(batch):
                    at = 1 + 3 * i
                    found[(row[0], m.name)] = (float_or_none(row[at]), float_or_none(row[at + 1]), bool(row[at + 2]))
        return found

    current = read(filters)
    before = periods.compared(filters, compare)
    previous = read(before, values_only=True) if before is not None else {}

    def kpi(key: str, name: str) -> KpiValue:
        value, coverage, zero = current.get((key, name), (None, None, False))
        previous_value, _, _ = previous.get((key, name), (None, None, False))
        return KpiValue(metrics.get(name), value, coverage, previous_value, zero)

    return {key: {name: kpi(key, name) for name in names} for key, names in wanted.items()}
