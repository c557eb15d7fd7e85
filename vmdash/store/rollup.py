"""The rollup: `facts_summed`, the active facts summed per import at four grains.

Ten million daily ad rows are a few hundred thousand once summed per month, and a few
thousand once summed over all time. Each import's rows are summed at these grains
(`ROLLUP_GRAINS`, the active facts each one stands for):

- 'month'  the daily rows of each calendar month, summed; "date" / "date_end" are the month's
           first and last day;
- 'period' rows over a longer period (an export by month) and undated lifetime rows, as they are;
- 'all'    everything summed over all time (the view with no date range); "date" / "date_end"
           are the first and last day the import covers;
- 'day'    the daily rows of each day summed per DAY_DIMENSIONS only (trends by platform,
           channel or objective); the other dimensions are NULL there.

Every rollup row carries `_rows`, the facts it stands for, and rows are grouped by their
pattern of unreported measures (`unreported_sql`) too, so each summed measure is either the sum
of reporting rows or NULL and any KPI reads the same on summed rows as on the facts.

Fill side (here): `refresh_rollup` sums an import's rows again in the transaction of every
import, undo (`lineage.reconcile`) and recovery, so the rollup never holds another state than
the facts. Migrations 4 and 5 (`schema.py`) build and fill the table with `_rollup_table_sql`
and `_rollup_fill_sql`.

Read side (in `vmdash/queries.py` until it joins this module): `fact_rows` reads whole
months and periods here and only the daily rows of partial months at a range's edges from
`facts` (`_edge_rows`, which may instead take a month's sums less its days outside the
range); `_day_rows` serves the 'day' and 'period' grains when the platform, channel,
objective and currency suffice; `presummed` sums either per key. Both sides must agree on
what a grain holds: change one, change the other; the rollup and presummed tests
(test_rollup.py, test_presummed.py) check both against the facts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import duckdb

from vmdash import model
from vmdash.errors import VmdashError
from vmdash.store.columns import sql_type

ROLLUP_DIMENSIONS: tuple[str, ...] = tuple(
    c.name for c in model.DIMENSIONS if c.name not in ("date", "date_end", "import_id")
)
# The facts of one day: a dated row that does not span a longer period.
DAILY_SQL = '("date" IS NOT NULL AND coalesce("date_end", "date") = "date")'
DAY_DIMENSIONS: tuple[str, ...] = ("platform", "channel", "objective", "currency")
# Tables summed from the facts: left out of a comparison of two databases' contents, since
# their float sums may differ in the last bit between two identical imports (compare the
# rollup with its facts instead).
DERIVED_TABLES = ("facts_summed",)
# Which active facts each grain stands for, in the order they are summed ('all' reads the first two).
ROLLUP_GRAINS: dict[str, str] = {"month": DAILY_SQL, "period": f"NOT {DAILY_SQL}", "all": "TRUE", "day": DAILY_SQL}


def _rollup_table_sql(
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS, measures: Sequence[str] = model.MEASURE_NAMES
) -> str:
    cols = [
        "_grain VARCHAR",
        "import_id INTEGER",
        '"date" DATE',
        '"date_end" DATE',
        *(f'"{c}" {sql_type(c)}' for c in dimensions),
        "_rows BIGINT",
        *(f'"{c}" {sql_type(c)}' for c in measures),
    ]
    return "CREATE TABLE facts_summed (\n  " + ",\n  ".join(cols) + "\n)"


def unreported_sql(measures: Sequence[str] = model.MEASURE_NAMES) -> str:
    """A bitmask of which of these measures a row leaves NULL, to group by.

    Summed per pattern, a row's measure is either the sum of reporting rows or NULL, so the
    sums and coverage of any KPI read the same on summed rows as on the facts.
    """
    return " | ".join(f'(("{m}" IS NULL)::UBIGINT << {i})' for i, m in enumerate(measures))


def _rollup_fill_sql(
    grain: str,
    where: str,
    facts: str = "active_facts",
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS,
    measures: Sequence[str] = model.MEASURE_NAMES,
) -> str:
    dims = "".join(f'"{c}", ' for c in dimensions)
    sums = ", ".join(f'sum("{c}")' for c in measures)
    unreported = unreported_sql(measures)
    positions = ", ".join(str(i) for i in range(1, len(dimensions) + 5))
    source, count = f"{facts} WHERE {ROLLUP_GRAINS[grain]}", "count(*)"
    if grain == "all":
        # Summed from the month and period rows (a few hundred thousand rows, not millions).
        source, count = "facts_summed WHERE _grain IN ('month', 'period')", "sum(_rows)"
    dates = {
        "month": """date_trunc('month', "date")::DATE, last_day("date")""",
        "period": '"date", "date_end"',
        "all": 'min("date"), max(coalesce("date_end", "date"))',
        "day": '"date", "date"',
    }[grain]
    group = positions
    if grain == "all":
        group = ", ".join(str(i) for i in (1, 2, *range(5, len(dimensions) + 5)))
    elif grain == "day":
        dims = "".join(f'"{c}", ' if c in DAY_DIMENSIONS else "NULL, " for c in dimensions)
        group = 'import_id, "date", ' + ", ".join(f'"{c}"' for c in DAY_DIMENSIONS)
    return (
        f"INSERT INTO facts_summed SELECT '{grain}', import_id, {dates}, {dims}{count}, {sums} "
        f"FROM {source} AND {where} GROUP BY {group}, {unreported}"
    )


def refresh_rollup(con: Any, import_ids: Collection[int], new: tuple[int, str] | None = None) -> None:
    """Sum these imports' active facts again at every grain, inside the caller's transaction.

    `new`: an import being loaded in this transaction, and a SELECT of exactly the fact rows it
    inserts (without import_id). Its sums are read there: DuckDB scans rows inserted by a
    transaction that has not committed yet at half the speed of the staged ones.
    """
    ids = sorted({int(i) for i in import_ids})
    all_ids = sorted({*ids, *([new[0]] if new else [])})
    if not all_ids:
        return
    try:
        _refill_rollup(con, ids, all_ids, new)
    except (duckdb.ConversionException, duckdb.OutOfRangeException):
        # A sum past BIGINT: the import checks its sums first, this is the last line of defence.
        raise VmdashError(
            "the totals would exceed what vmdash can store (a sum over 9.2e18); nothing was changed"
        ) from None


def _refill_rollup(con: Any, ids: list[int], all_ids: list[int], new: tuple[int, str] | None) -> None:
    con.execute("DELETE FROM facts_summed WHERE list_contains($ids, import_id)", {"ids": all_ids})
    for grain in ROLLUP_GRAINS:
        if grain == "all":
            con.execute(_rollup_fill_sql(grain, "list_contains($ids, import_id)"), {"ids": all_ids})
            continue
        if ids:
            con.execute(_rollup_fill_sql(grain, "list_contains($ids, import_id)"), {"ids": ids})
        if new:
            staged = f"(SELECT $new_id::INTEGER AS import_id, * FROM ({new[1]}))"
            con.execute(_rollup_fill_sql(grain, "TRUE", staged), {"new_id": new[0]})
