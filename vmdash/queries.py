"""Named queries behind the CLI and the pages: SQL from the registries, values bound.

Only canonical names from `model`, metric expressions from `metrics` and the
WHERE fragment from `filters` enter SQL text here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vmdash import metrics, model
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState
from vmdash.store import Store

MAX_CHART_POINTS = 5000

_GROUP_COLUMNS = {
    "platform": "platform",
    "channel": "channel",
    "objective": "objective",
    "campaign": "campaign",
    "import": "import_id",
    "video": "video_id",
}


def _measure_sums() -> str:
    return ", ".join(f'sum("{m}") AS "{m}"' for m in model.MEASURE_NAMES)


def summary(store: Store, by: str | None = None, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Totals of every measure, overall or per group (NULL where no row reports a measure)."""
    where, params = filters.where()
    if by is None:
        return store.df(f"SELECT count(*) AS rows, {_measure_sums()} FROM active_facts WHERE {where}", params)
    if by not in _GROUP_COLUMNS:
        raise InvalidChoice("grouping", by, tuple(_GROUP_COLUMNS))
    column = _GROUP_COLUMNS[by]
    return store.df(
        f'SELECT "{column}", count(*) AS rows, {_measure_sums()} FROM active_facts '
        f'WHERE {where} GROUP BY ALL ORDER BY "{column}" NULLS LAST',
        params,
    )


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value, the share of its denominator that reported it, and its previous value."""

    metric: metrics.Metric
    value: float | None
    coverage: float | None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        """Relative change from the previous period, None when either side is missing."""
        if self.value is None or self.previous in (None, 0):
            return None
        return (self.value - self.previous) / abs(self.previous)


def _none(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def kpis(store: Store, names: tuple[str, ...], filters: FilterState = FilterState()) -> dict[str, KpiValue]:
    """Several KPIs in one query, with coverage and the previous period's value."""
    chosen = [metrics.get(n) for n in names]
    exprs = ", ".join(f'{m.sql()} AS "{m.name}", {m.coverage_sql()} AS "{m.name}__coverage"' for m in chosen)
    where, params = filters.where()
    current = store.rows(f"SELECT {exprs} FROM active_facts WHERE {where}", params)[0]
    previous_values: tuple | None = None
    before = filters.shifted_back()
    if before is not None:
        where_b, params_b = before.where()
        previous_values = store.rows(f"SELECT {exprs} FROM active_facts WHERE {where_b}", params_b)[0]
    out = {}
    for i, m in enumerate(chosen):
        prev = _none(previous_values[2 * i]) if previous_values else None
        out[m.name] = KpiValue(m, _none(current[2 * i]), _none(current[2 * i + 1]), prev)
    return out


def date_span(store: Store, filters: FilterState = FilterState()) -> tuple[dt.date | None, dt.date | None]:
    """First and last dates covered by the filtered rows."""
    where, params = filters.where()
    row = store.rows(f'SELECT min("date"), max(coalesce("date_end", "date")) FROM active_facts WHERE {where}', params)[
        0
    ]
    return row[0], row[1]


def pick_grain(start: dt.date | None, end: dt.date | None, series: int = 1) -> str:
    """The finest of day / week / month that keeps a trend under the chart point limit."""
    if start is None or end is None:
        return "day"
    days = (end - start).days + 1
    for grain, size in (("day", 1), ("week", 7), ("month", 30)):
        if days / size * max(series, 1) <= MAX_CHART_POINTS:
            return grain
    return "year"


def trend(
    store: Store, metric_name: str, filters: FilterState = FilterState(), split: str = "platform"
) -> pd.DataFrame:
    """A KPI over time per platform (or channel / objective), bucketed to stay under 5,000 points."""
    metric = metrics.get(metric_name)
    if split not in ("platform", "channel", "objective"):
        raise InvalidChoice("split", split, ("platform", "channel", "objective"))
    start, end = date_span(store, filters)
    grain = pick_grain(start, end, series=len(model.PLATFORMS))
    where, params = filters.where()
    params["grain"] = grain
    # Period rows (a month of Meta, say) sit at their start date: a trend is only as fine as its data.
    return store.df(
        f'SELECT date_trunc($grain, "date")::DATE AS period, "{split}", {metric.sql()} AS value, '
        f'sum("{metric.denominator[0]}") AS volume '
        f'FROM active_facts WHERE {where} AND "date" IS NOT NULL GROUP BY ALL '
        f"HAVING value IS NOT NULL ORDER BY period LIMIT {MAX_CHART_POINTS}",
        params,
    )


def by_objective(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Rows and spend per objective (in the canonical order), to show which objectives hold data."""
    where, params = filters.where()
    params["order"] = list(model.OBJECTIVES)
    return store.df(
        f"SELECT objective, count(*) AS rows, sum(spend) AS spend, sum(impressions) AS impressions "
        f"FROM active_facts WHERE {where} GROUP BY objective ORDER BY list_position($order, objective)",
        params,
    )


def ranked_videos(
    store: Store,
    metric_name: str,
    filters: FilterState = FilterState(),
    limit: int = 5,
    min_volume: float = 100,
    worst: bool = False,
) -> pd.DataFrame:
    """Videos (or ads, where no video id) ranked by a KPI, best (or worst) first, with volume to judge."""
    metric = metrics.get(metric_name)
    where, params = filters.where()
    params.update({"limit": int(limit), "min_volume": float(min_volume)})
    order = "DESC" if metric.higher_is_better != worst else "ASC"
    den = f"sum({' * '.join(chr(34) + c + chr(34) for c in metric.denominator)})"
    return store.df(
        f"""SELECT coalesce(video_title, ad, video_id, campaign) AS video, platform,
                   {metric.sql()} AS value, {den} AS volume
            FROM active_facts WHERE {where}
            GROUP BY ALL HAVING value IS NOT NULL AND volume >= $min_volume
            ORDER BY value {order} LIMIT $limit""",
        params,
    )


def imports(store: Store) -> pd.DataFrame:
    """Every import, newest first."""
    return store.df(
        "SELECT import_id, file_name, source_format, locale, rows_read, rows_loaded, rows_rejected, "
        "rows_replaced, replaced_imports, imported_at, status, detection FROM imports ORDER BY import_id DESC"
    )


def data_version(store: Store) -> tuple[int, int]:
    """Changes whenever an import lands or is undone: a cache key for aggregates."""
    row = store.rows("SELECT coalesce(max(import_id), 0), count(*) FILTER (WHERE status = 'undone') FROM imports")[0]
    return int(row[0]), int(row[1])


def latest_import(store: Store) -> tuple[int, dt.datetime] | None:
    """The newest active import's id and time ('data as of import #N')."""
    row = store.rows(
        "SELECT import_id, imported_at FROM imports WHERE status = 'active' ORDER BY import_id DESC LIMIT 1"
    )
    return (int(row[0][0]), row[0][1]) if row else None


def choices(store: Store, column: str, filters: FilterState = FilterState()) -> list[str]:
    """Distinct values of a dimension present in the data (for the filter bar)."""
    if column not in ("campaign", "video_id", "platform", "channel", "objective"):
        raise InvalidChoice("dimension", column, ("campaign", "video_id", "platform", "channel", "objective"))
    where, params = filters.where()
    rows = store.rows(
        f'SELECT DISTINCT "{column}" FROM active_facts WHERE {where} AND "{column}" IS NOT NULL ORDER BY 1 LIMIT 2000',
        params,
    )
    return [r[0] for r in rows]


def videos(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Video ids with their titles and platforms, for pickers."""
    where, params = filters.where()
    return store.df(
        f"""SELECT video_id, any_value(video_title) AS video_title, any_value(platform) AS platform
            FROM active_facts WHERE {where} AND video_id IS NOT NULL GROUP BY video_id
            ORDER BY video_title NULLS LAST LIMIT 2000""",
        params,
    )


def is_empty(store: Store) -> bool:
    """True when no import has ever landed."""
    return store.scalar("SELECT count(*) FROM imports") == 0


def active_hashes(store: Store) -> frozenset[str]:
    """Content hashes of the active imports."""
    return frozenset(h for (h,) in store.rows("SELECT content_hash FROM imports WHERE status = 'active'"))


def currency(store: Store, filters: FilterState = FilterState()) -> str | None:
    """The one currency of the filtered data, or None when there are several or none."""
    where, params = filters.where()
    rows = store.rows(
        f"SELECT DISTINCT currency FROM active_facts WHERE {where} AND currency IS NOT NULL LIMIT 2", params
    )
    return rows[0][0] if len(rows) == 1 else None
