"""The rollup: `facts_summed`, the active facts summed per import at four grains (and
`video_summed`, the same per video, see VIDEO_GRAINS).

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

Read side (below): `fact_rows` reads whole
months and periods here and only the daily rows of partial months at a range's edges from
`facts` (`_edge_rows`, which may instead take a month's sums less its days outside the
range); `_day_rows` serves the 'day' and 'period' grains when the platform, channel,
objective and currency suffice; `presummed` sums either per key. Both sides must agree on
what a grain holds: change one, change the other; the rollup and presummed tests
(test_rollup.py, test_presummed.py) check both against the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from vmdash import model
from vmdash.errors import VmdashError
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.sql import alias, ident, idents
from vmdash.store.columns import V7_VIDEO_DIMENSIONS, sql_type

ROLLUP_DIMENSIONS: tuple[str, ...] = tuple(
    c.name for c in model.DIMENSIONS if c.name not in ("date", "date_end", "import_id")
)


def daily_sql(alias: str = "") -> str:
    """The facts of one day, as a condition: a dated row that does not span a longer period (of table `alias`)."""
    at = f"{alias}." if alias else ""
    return f'({at}"date" IS NOT NULL AND coalesce({at}"date_end", {at}"date") = {at}"date")'


DAILY_SQL = daily_sql()
DAY_DIMENSIONS: tuple[str, ...] = ("platform", "channel", "objective", "currency")
# Tables summed from the facts: left out of a comparison of two databases' contents, since
# their float sums may differ in the last bit between two identical imports (compare the
# rollup with its facts instead).
DERIVED_TABLES = ("facts_summed", "video_summed")
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
        *(f"{ident(c)} {sql_type(c)}" for c in dimensions),
        "_rows BIGINT",
        *(f"{ident(c)} {sql_type(c)}" for c in measures),
    ]
    return "CREATE TABLE facts_summed (\n  " + ",\n  ".join(cols) + "\n)"


def unreported_sql(measures: Sequence[str] = model.MEASURE_NAMES) -> str:
    """A bitmask of which of these measures a row leaves NULL, to group by.

    Summed per pattern, a row's measure is either the sum of reporting rows or NULL, so the
    sums and coverage of any KPI read the same on summed rows as on the facts.
    """
    return " | ".join(f"(({ident(m)} IS NULL)::UBIGINT << {i})" for i, m in enumerate(measures))


def _rollup_fill_sql(
    grain: str,
    where: str,
    facts: str = "active_facts",
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS,
    measures: Sequence[str] = model.MEASURE_NAMES,
) -> str:
    dims = "".join(f"{ident(c)}, " for c in dimensions)
    sums = ", ".join(f"sum({ident(c)})" for c in measures)
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
        dims = "".join(f"{ident(c)}, " if c in DAY_DIMENSIONS else "NULL, " for c in dimensions)
        group = 'import_id, "date", ' + idents(DAY_DIMENSIONS)
    # Stored in date order (but the all-time sums): a date range then skips the blocks of other days.
    order = "" if grain == "all" else " ORDER BY 3"
    return (
        f"INSERT INTO facts_summed SELECT '{grain}', import_id, {dates}, {dims}{count}, {sums} "
        f"FROM {source} AND {where} GROUP BY {group}, {unreported}{order}"
    )


def refresh_rollup(
    con: Any,
    import_ids: Collection[int],
    new: tuple[int, str] | None = None,
    scope: tuple[str, dict[str, Any]] | None = None,
    months: ChangedMonths | None = None,
) -> None:
    """Sum these imports' active facts again at every grain, inside the caller's transaction.

    `new`: an import being loaded in this transaction, and a SELECT of exactly the fact rows it
    inserts (without import_id). Its sums are read there: DuckDB scans rows inserted by a
    transaction that has not committed yet at half the speed of the staged ones.
    `scope`: (condition, parameters) testing only "video_id", "ad" and "campaign": the only rows
    that changed (a plan's videos and campaigns). Only their sums are summed again, and the day
    sums of the days they cover; every summed row keeps those columns, so it is wholly in or out.
    `months`: where these imports changed, when only some of their rows did (rows a new import
    replaced): only those months (by the rows' first day) are summed again, and the all-time sums;
    of the videos those rows were (its `keys`), but for the day sums, which hold every video.
    """
    ids = sorted({int(i) for i in import_ids})
    all_ids = sorted({*ids, *([new[0]] if new else [])})
    if not all_ids:
        return
    try:
        if scope is not None and new is None:
            _refill_scope(con, ids, scope)
        else:
            _refill_rollup(con, ids, all_ids, new, months)
    except (duckdb.ConversionException, duckdb.OutOfRangeException):
        # A sum past BIGINT: the import checks its sums first, this is the last line of defence.
        raise VmdashError(
            "the totals would exceed what vmdash can store (a sum over 9.2e18); nothing was changed"
        ) from None


def _refill_scope(con: Any, ids: list[int], scope: tuple[str, dict[str, Any]]) -> None:
    condition, params = scope
    where = f"list_contains($ids, import_id) AND ({condition})"
    bound = {**params, "ids": ids}
    # The changed rows, read once: every grain but the day sums is summed from them alone.
    con.execute(f"CREATE OR REPLACE TEMP TABLE _scoped_facts AS SELECT * FROM active_facts WHERE {where}", bound)
    days = [r[0] for r in con.execute(f'SELECT DISTINCT "date" FROM _scoped_facts WHERE {DAILY_SQL}').fetchall()]
    # The day sums hold every video of a day: those days are summed again (the range lets zone maps skip the rest).
    on_days = {"ids": ids, "days": days, "lo": min(days, default=None), "hi": max(days, default=None)}
    in_days = 'list_contains($ids, import_id) AND "date" BETWEEN $lo AND $hi AND list_contains($days, "date")'
    for table, grains, fill in (
        ("facts_summed", ROLLUP_GRAINS, _rollup_fill_sql),
        ("video_summed", VIDEO_GRAINS, _video_fill_sql),
    ):
        con.execute(f"DELETE FROM {table} WHERE _grain <> 'day' AND {where}", bound)
        if "day" in grains:
            con.execute(f"DELETE FROM {table} WHERE _grain = 'day' AND {in_days}", on_days)
        for grain in grains:
            if grain == "day":
                con.execute(fill(grain, in_days), on_days)
            elif grain == "all":
                con.execute(fill(grain, where), bound)
            else:
                con.execute(fill(grain, "TRUE", "_scoped_facts"))
    con.execute("DROP TABLE _scoped_facts")


@dataclass(frozen=True)
class ChangedMonths:
    """The calendar months (their first days) of the rows that changed, and whether undated rows did;
    with `keys`, the video keys (VIDEO_KEY_SQL) those rows had, and whether some had none (`keyless`)."""

    months: tuple[dt.date, ...]
    undated: bool = False
    keys: tuple[str, ...] | None = None  # None: any video may have changed
    keyless: bool = False

    def keys_sql(self) -> str:
        """The rows (of the facts or of either summed table) of the changed videos, as a condition; "TRUE" without keys."""
        if self.keys is None:
            return "TRUE"
        # A semi-join against the list, not list_contains: thousands of keys are tested by hash.
        keyed = f"{VIDEO_KEY_SQL} IN (SELECT unnest($keys))" if self.keys else "FALSE"
        return f"({keyed} OR {VIDEO_KEY_SQL} IS NULL)" if self.keyless else keyed

    def facts_sql(self) -> str:
        """The facts in these months (by their first day), as a condition; parameters from `params`."""
        dated = (
            '("date" BETWEEN $m_lo AND $m_hi AND list_contains($months, date_trunc(\'month\', "date")::DATE))'
            if self.months
            else "FALSE"
        )
        return f'({dated} OR "date" IS NULL)' if self.undated else dated

    def summed_sql(self) -> str:
        """The summed rows those facts make up, at every grain but 'all' (each row's "date" is its facts' first
        day or their month's)."""
        dated = "list_contains($months, date_trunc('month', \"date\")::DATE)" if self.months else "FALSE"
        return f'({dated} OR "date" IS NULL)' if self.undated else dated

    def params(self) -> dict[str, Any]:
        """The parameters of the three conditions."""
        keys = {"keys": list(self.keys)} if self.keys else {}
        if not self.months:
            return keys
        return {"months": list(self.months), "m_lo": min(self.months), "m_hi": _month_end(max(self.months)), **keys}


def _run(con: Any, sql: str, params: dict[str, Any]) -> None:
    """Execute `sql` with the parameters it names: DuckDB refuses one its statement does not use
    (the facts' month bounds, the keys, which a statement names or not by what changed)."""
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _refill_rollup(
    con: Any, ids: list[int], all_ids: list[int], new: tuple[int, str] | None, months: ChangedMonths | None = None
) -> None:
    bound: dict[str, Any] = {"ids": ids}
    facts, keyed, changed, day_changed = "list_contains($ids, import_id)", "TRUE", "", ""
    if months is not None:
        # Only these months of the earlier imports changed, and only the sums of the videos whose
        # rows did: the rest of their sums stand (their all-time sums are summed again from their
        # months and periods). The day sums hold every video of a day: their months are summed again.
        bound |= months.params()
        facts += f" AND {months.facts_sql()}"
        keyed = months.keys_sql()
        changed = f" AND {keyed} AND (_grain = 'all' OR {months.summed_sql()})"
        day_changed = f" AND {months.summed_sql()}"

    for table in ("facts_summed", "video_summed"):
        if table == "facts_summed" and day_changed:
            _run(
                con, f"DELETE FROM {table} WHERE list_contains($ids, import_id) AND _grain = 'day'{day_changed}", bound
            )
            _run(con, f"DELETE FROM {table} WHERE list_contains($ids, import_id) AND _grain <> 'day'{changed}", bound)
        else:
            _run(con, f"DELETE FROM {table} WHERE list_contains($ids, import_id){changed}", bound)
        if new:
            con.execute(f"DELETE FROM {table} WHERE import_id = $new_id", {"new_id": new[0]})
    if ids:
        keyed_facts = f"(SELECT * FROM active_facts WHERE {facts} AND {keyed})"
        _fill_grains(con, keyed_facts, bound, day_facts=f"(SELECT * FROM active_facts WHERE {facts})")
    if new:
        _fill_grains(con, f"(SELECT $new_id::INTEGER AS import_id, * FROM ({new[1]}))", {"new_id": new[0]})
    summed = f"(list_contains($ids, import_id) AND {keyed} OR import_id = $new_id)"
    all_bound = {**bound, "new_id": new[0] if new else None}
    _run(con, _rollup_fill_sql("all", summed), all_bound)
    _run(con, _video_fill_sql("all", summed), all_bound)


def _fill_grains(con: Any, facts: str, params: dict[str, Any], day_facts: str | None = None) -> None:
    """Sum `facts` (import_id and the fact columns) into both tables at every grain but 'all';
    the day sums from `day_facts` when given (they hold every video of a day).

    The month and period rows of both tables are summed from one aggregation of the facts per
    rollup key (whose month or period rows are exactly the rollup's, and which regroup into the
    per-video ones): the facts are read twice (that and the day sums), not six times.
    """
    dims = idents(ROLLUP_DIMENSIONS)
    measures = idents(model.MEASURE_NAMES)
    # In the measures' own types: a HUGEINT sum (what DuckDB sums BIGINT to) regroups slowly.
    sums = ", ".join(f"sum({ident(c)})::{sql_type(c)} AS {ident(c)}" for c in model.MEASURE_NAMES)
    keys = ", ".join(str(i) for i in range(1, len(ROLLUP_DIMENSIONS) + 5))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _summed_keys AS
            SELECT import_id, {DAILY_SQL} AS _daily,
              CASE WHEN {DAILY_SQL} THEN date_trunc('month', "date")::DATE ELSE "date" END AS _date,
              CASE WHEN {DAILY_SQL} THEN last_day("date") ELSE "date_end" END AS _date_end,
              {dims}, count(*) AS _rows, min("date") AS _first, max(coalesce("date_end", "date")) AS _last, {sums}
            FROM {facts} GROUP BY {keys}, {unreported_sql()}""",
        params,
    )
    vdims = idents(VIDEO_DIMENSIONS)
    vsums = ", ".join(f"sum({ident(c)})" for c in model.MEASURE_NAMES)
    positions = ", ".join(str(i) for i in (2, 3, 4, 5, *range(8, len(VIDEO_DIMENSIONS) + 8)))
    for grain, daily in (("month", "_daily"), ("period", "NOT _daily")):
        # In date order: a page's date range reads the blocks of its months only (three times faster at 10M rows).
        con.execute(
            f"INSERT INTO facts_summed SELECT '{grain}', import_id, _date, _date_end, {dims}, _rows, {measures} "
            f"FROM _summed_keys WHERE {daily} ORDER BY _date"
        )
        # Each key's sums are NULL exactly where its facts all were: the pattern reads the same on them.
        con.execute(
            f"INSERT INTO video_summed SELECT '{grain}', import_id, {VIDEO_KEY_SQL}, _date, _date_end, "
            f"min(_first), max(_last), {vdims}, sum(_rows), {vsums} FROM _summed_keys WHERE {daily} "
            f"GROUP BY {positions}, {unreported_sql()} ORDER BY 3"
        )
    con.execute("DROP TABLE _summed_keys")
    _run(con, _rollup_fill_sql("day", "TRUE", day_facts or facts), params)
    con.execute(_video_fill_sql("early", "TRUE", facts), params)


# -- the per-video summary -------------------------------------------------------------------

# `video_summed`: the active facts summed per import and video at four grains, stored in video
# key order, so that one video's (or a few variants') rows are read from a few blocks instead of
# every fact. Its dimensions are what a video's own queries filter and group by (no ad-set
# names, which multiply rows); it keeps, beside each row's "date" / "date_end" (its grain's
# span, as in the rollup), `_first` / `_last`, the first and last day its facts cover.
VIDEO_DIMENSIONS: tuple[str, ...] = V7_VIDEO_DIMENSIONS
# The days of a video's life its summary keeps row by row (Test & learn's longest cohort window).
EARLY_LIFE_DAYS = 28
EARLY_SQL = (
    '("published_at" IS NOT NULL AND "date" >= "published_at" '
    f'AND coalesce("date_end", "date") - "published_at" < {int(EARLY_LIFE_DAYS)})'
)
# Which active facts each grain stands for, in the order they are summed:
# - 'month'  daily rows summed per calendar month (as the rollup's);
# - 'period' rows over longer periods and undated rows, summed per their own dates;
# - 'all'    everything, summed over all time apart from undated rows ("date" / "date_end" and
#            `_first` / `_last` are the span the facts cover; NULL for undated rows);
# - 'early'  rows lying wholly in their video's first EARLY_LIFE_DAYS days, per their own dates.
VIDEO_GRAINS: dict[str, str] = {"month": DAILY_SQL, "period": f"NOT {DAILY_SQL}", "all": "TRUE", "early": EARLY_SQL}


def _video_table_sql(
    dimensions: Sequence[str] = VIDEO_DIMENSIONS, measures: Sequence[str] = model.MEASURE_NAMES
) -> str:
    cols = [
        "_grain VARCHAR",
        "import_id INTEGER",
        "video_key VARCHAR",
        '"date" DATE',
        '"date_end" DATE',
        "_first DATE",
        "_last DATE",
        *(f"{ident(c)} {sql_type(c)}" for c in dimensions),
        "_rows BIGINT",
        *(f"{ident(c)} {sql_type(c)}" for c in measures),
    ]
    return "CREATE TABLE video_summed (\n  " + ",\n  ".join(cols) + "\n)"


def _video_fill_sql(
    grain: str,
    where: str,
    facts: str = "active_facts",
    dimensions: Sequence[str] = VIDEO_DIMENSIONS,
    measures: Sequence[str] = model.MEASURE_NAMES,
) -> str:
    dims = idents(dimensions)
    sums = ", ".join(f"sum({ident(c)})" for c in measures)
    unreported = unreported_sql(measures)
    if grain == "all":
        # Summed from the month and period rows (tens of thousands of rows, not millions).
        return (
            "INSERT INTO video_summed SELECT 'all', import_id, video_key, min(_first), max(_last), "
            f"min(_first), max(_last), {dims}, sum(_rows), {sums} "
            f"FROM video_summed WHERE _grain IN ('month', 'period') AND {where} "
            f'GROUP BY import_id, video_key, {dims}, "date" IS NULL, {unreported} ORDER BY video_key'
        )
    dates = 'date_trunc(\'month\', "date")::DATE, last_day("date")' if grain == "month" else '"date", "date_end"'
    positions = ", ".join(str(i) for i in (2, 3, 4, 5, *range(8, len(dimensions) + 8)))
    return (
        f"INSERT INTO video_summed SELECT '{grain}', import_id, {VIDEO_KEY_SQL}, {dates}, "
        f'min("date"), max(coalesce("date_end", "date")), {dims}, count(*), {sums} '
        f"FROM {facts} WHERE {VIDEO_GRAINS[grain]} AND {where} GROUP BY {positions}, {unreported} ORDER BY 3"
    )


# -- read side -----------------------------------------------------------------------------

# What every part of fact_rows selects, in this order (before `_rows`).
_FACT_ROW_COLUMNS = idents(("date", "date_end", *ROLLUP_DIMENSIONS, *model.MEASURE_NAMES))


def fact_rows(filters: FilterState, extra: str = "TRUE", columns: set[str] | None = None, netted: bool = True) -> str:
    """The active facts the filters keep, as a subquery, read from the rollup wherever it can be.

    `columns`, when given, are the only columns the caller reads (besides measures; `extra` may
    then test only them): when platform, channel, objective and currency suffice, the day sums
    (see _day_rows); for chosen videos, the per-video summary (see video_rows). Else, with
    no date range: the facts summed over all time; with one: whole months and longer periods
    from the rollup, and for each partial month at the range's edges either its days inside the
    range from the facts, or, when fewer days fall outside, its month sums less those days (see
    _edge_rows). Each row carries `_rows`, the facts it stands for, so counts are `sum(_rows)`,
    never count(*); "date" / "date_end" on a summed row are its span, so group or order by day
    on `active_facts` instead. `extra` must not test the date. Its parameters are those of
    `filters.where()`. Not `netted`, an edge month's sums and its days outside the range come
    as separate rows (the latter negated), for a caller that sums them per key and unreported
    pattern anyway and drops what nets to no rows (see presummed).
    """
    if columns is not None and (day := _day_rows(filters, columns, extra)):
        return day
    if columns is not None and filters.videos and (video := video_rows(filters, columns, extra)):
        return video
    where, _ = filters.where()
    keep = f"({where}) AND ({extra})"
    if not filters.has_dates:
        return f"SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE _grain = 'all' AND {keep}"
    first, last = _whole_months(filters)
    # Months and periods apart: a date range tested beside an OR reaches no stored block's
    # bounds, and every row of the rollup was read to find a few months.
    parts = [
        f"SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE _grain = 'month' AND \"date\" >= {first} "
        f'AND "date_end" <= {last} AND {keep}',
        f"SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE _grain = 'period' AND {keep}",
    ]
    undated_keep = f"({filters.without('date_from', 'date_to').where()[0]}) AND ({extra})"
    for from_day, to_day, from_sql, to_sql, in_month in _edges(filters):
        parts.append(_edge_rows(from_day, to_day, from_sql, to_sql, in_month, keep, undated_keep, netted=netted))
    return " UNION ALL ".join(parts)


def _whole_months(filters: FilterState) -> tuple[str, str]:
    """The first and last day (SQL) of the whole months inside the filters' date range.

    From the first month starting on or after date_from to the last one ending on or before
    date_to (constants, so the facts' zone maps apply).
    """
    first = "DATE '1900-01-01'"
    last = "DATE '2999-12-31'"
    if filters.date_from is not None:
        first = "CAST(date_trunc('month', $f_date_from - INTERVAL 1 DAY) + INTERVAL 1 MONTH AS DATE)"
    if filters.date_to is not None:
        last = "CAST(date_trunc('month', $f_date_to + INTERVAL 1 DAY) - INTERVAL 1 DAY AS DATE)"
    return first, last


def _edges(filters: FilterState) -> list[tuple[dt.date, dt.date, str, str, str]]:
    """The partial months at the range's edges: (from, to, from SQL, to SQL, a day of the month SQL)."""
    lo, hi = filters.date_from, filters.date_to
    out = []
    lower_edge = lo is not None and lo.day != 1
    if lo is not None and lower_edge:
        # The lower edge month; a range within one month is all lower edge.
        month_end = _month_end(lo)
        to_day = min(hi, month_end) if hi is not None else month_end
        to_sql = "least($f_date_to, last_day($f_date_from))" if hi is not None else "last_day($f_date_from)"
        out.append((lo, to_day, "$f_date_from", to_sql, "$f_date_from"))
    if (
        hi is not None
        and hi != _month_end(hi)
        and not (lo is not None and lower_edge and lo.replace(day=1) == hi.replace(day=1))
    ):
        from_sql = "CAST(date_trunc('month', $f_date_to) AS DATE)"
        out.append((hi.replace(day=1), hi, from_sql, "$f_date_to", "$f_date_to"))
    return out


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _edge_rows(
    from_day: dt.date,
    to_day: dt.date,
    from_sql: str,
    to_sql: str,
    in_month: str,
    keep: str,
    undated_keep: str,
    table: str = "facts_summed",
    dimensions: Sequence[str] = ROLLUP_DIMENSIONS,
    prune: str = "",
    measures: Sequence[str] = model.MEASURE_NAMES,
    netted: bool = True,
) -> str:
    """One partial month's facts inside [from, to], both in the month of `in_month` (SQL).

    From the facts when most of the month is inside the range; else the month's sums from the
    rollup (or `table`, holding `dimensions`; `prune` narrows its rows), less its days outside
    the range (as rows of negated measures), netted per dimension and pattern of unreported
    measures (integer measures exactly; a sum of money may differ from the facts' in its last
    bits). `keep` tests every filter, `undated_keep` every filter but the dates. Rows hold
    `dimensions` and `measures` only. Not `netted`, the month's rows and the negated days come
    apart: netting them here groups by every dimension and measure, the slowest step of a
    page read over a date range, when the caller groups them again anyway.
    """
    inside = (to_day - from_day).days + 1
    month_days = _month_end(from_day).day
    columns = idents(("date", "date_end", *dimensions, *measures))
    if month_days - inside >= inside:
        return (
            f'SELECT {columns}, 1 AS _rows FROM active_facts WHERE "date" >= {from_sql} AND "date" <= {to_sql} '
            f"AND {DAILY_SQL} AND {keep}"
        )
    month_start, month_end = f"CAST(date_trunc('month', {in_month}) AS DATE)", f"last_day({in_month})"
    dims = idents(dimensions)
    negated = ", ".join(f"-{ident(m)}" for m in measures)
    types = {c.name: c.sql_type for c in model.MEASURES}
    sums = ", ".join(f"CAST(sum({ident(m)}) AS {types[m]}) AS {ident(m)}" for m in measures)
    unreported = unreported_sql(measures)
    # Each stretch outside as its own day range (an OR of two would scan every fact).
    negatives = "".join(
        f" UNION ALL SELECT {dims}, {negated}, -1 AS _rows FROM active_facts "
        f'WHERE "date" >= {first} AND "date" <= {last} AND {DAILY_SQL} AND {undated_keep}'
        for first, last, days in (
            (month_start, f"{from_sql} - 1", from_day.day - 1),
            (f"{to_sql} + 1", month_end, month_days - to_day.day),
        )
        if days
    )
    month = f"""SELECT {dims}, {idents(measures)}, _rows FROM {table}
            WHERE _grain = 'month' AND "date" = {month_start}{prune} AND {keep}{negatives}"""
    if not netted:
        return f'SELECT {from_sql} AS "date", {to_sql} AS "date_end", * FROM ({month})'
    return f"""SELECT {from_sql} AS "date", {to_sql} AS "date_end", {dims}, {sums}, CAST(sum(_rows) AS BIGINT) AS _rows
        FROM ({month})
        GROUP BY {dims}, {unreported} HAVING sum(_rows) > 0"""


def presummed(
    keys: Sequence[tuple[str, str]],
    filters: FilterState,
    measures: Sequence[str] = model.MEASURE_NAMES,
    extra: str = "TRUE",
    by_day: bool = False,
) -> str:
    """Filtered facts summed per key and per pattern of unreported measures, as a subquery.

    `keys` are (SQL expression, name) pairs; `extra` a further condition on the rows. Every
    measure of a result row is then either the sum of reporting rows or NULL, so a KPI's ratio
    of sums (which only counts rows reporting both sides) reads the same on it as on the facts,
    while its FILTER clauses and any name-parsing run over a few thousand rows instead of
    millions. `_rows` counts the facts behind each row. Rows are read from the rollup (see
    fact_rows). `by_day` keeps real days, for keys on "date" / "date_end": the day sums when
    the keys allow, else the facts' days (see dated_rows). Parameters: those of
    `filters.where()`.
    """
    # A KPI may multiply a measure by a dimension (views x video length): the dimension becomes
    # a key, so the sum of products over the result rows equals the one over the facts.
    dimensions = [c for c in dict.fromkeys(measures) if c not in model.MEASURE_NAMES]
    keys = [*keys, *((ident(c), c) for c in dimensions if c not in {name for _, name in keys})]
    measures = [c for c in dict.fromkeys(measures) if c in model.MEASURE_NAMES]
    unreported = unreported_sql(measures)
    selected = "".join(f"{expr} AS {alias(name)}, " for expr, name in keys)
    sums = ", ".join(f"sum({ident(m)}) AS {ident(m)}" for m in measures)
    positions = "".join(f"{i}, " for i in range(1, len(keys) + 1))
    # Plain column keys (no expression over ad-level names) may be served by the day sums.
    columns = {name for _, name in keys} if all(expr == f'"{name}"' for expr, name in keys) else None
    source: str | None
    if not by_day:
        source = None
        if columns is not None and extra == "TRUE" and filters.videos and not _day_rows(filters, columns):
            source = video_rows(filters, columns, measures=measures, netted=False)
        source = source or fact_rows(filters, extra, columns if extra == "TRUE" else None, netted=False)
    else:
        source = dated_rows(filters, columns, extra)
    # An edge month's sums and its negated days outside the range meet in one group here (the
    # keys and pattern of a day are those of its month's row); a group left with no rows held
    # only days outside the range.
    return (
        f"SELECT {selected}sum(_rows) AS _rows, {sums} FROM ({source}) GROUP BY {positions}{unreported} "
        "HAVING sum(_rows) > 0"
    )


def _chosen(filters: FilterState, keys: Sequence[str] = ()) -> list[str]:
    """The bound list parameters holding chosen video keys: the caller's `keys`, and the Video filter's."""
    return [*keys, *(["f_videos"] if filters.videos else [])]


def _pruned(key: str) -> str:
    """A condition to append: the per-video summary's key between the least and greatest of list `key`.

    A plain column between two constants, which DuckDB tests on the column before any other
    filter and prunes stored blocks by: the summary is stored in key order.
    """
    return f" AND video_key BETWEEN list_min(${key}) AND list_max(${key})"


def dated_rows(
    filters: FilterState, columns: Collection[str] | None = (), extra: str = "TRUE", keys: Sequence[str] = ()
) -> str:
    """The filtered facts on their real days and spans (not month sums), as a subquery.

    The day sums when `columns` (the columns read besides the measures; None: any) allow, else
    the one-day facts and the rollup's rows over longer periods (_facts_by_day). Rows carry
    `_rows`; `extra` may test the date. `keys`: names of bound list parameters holding video
    keys that `extra` keeps the rows to (see _facts_by_day). Parameters: those of `filters.where()`.
    """
    if columns is not None and (day := _day_rows(filters, set(columns), extra)):
        return day
    return _facts_by_day(filters, extra, keys)


def _facts_by_day(filters: FilterState, extra: str = "TRUE", keys: Sequence[str] = ()) -> str:
    """The filtered facts with their real days: one-day rows from the facts, longer periods from the rollup.

    The rollup's 'period' rows are the facts over longer periods (and undated ones) summed as
    they are, spans kept. Rows carry `_rows`; `extra` may test the date and any dimension.
    `keys` as in video_rows. Parameters: those of `filters.where()`.
    """
    where, _ = filters.where()
    keep = f"({where}) AND ({extra})"
    # A one-day row meets the range when its day does: tested on "date" alone, DuckDB skips the
    # stored blocks before the range, which the span test (on date_end too) cannot.
    bound = ' AND "date" >= $f_date_from' if filters.date_from is not None else ""
    # Chosen videos' facts lie between their first and last days, which the per-video summary
    # keeps: bounded by them, DuckDB skips the stored blocks of facts outside a few weeks'
    # campaign instead of reading every fact's key (a tenth of the time for a 90-day ad at 10M).
    for key in _chosen(filters, keys):
        span = f"FROM video_summed WHERE _grain = 'all'{_pruned(key)} AND list_contains(${key}, video_key)"
        bound += f' AND "date" >= (SELECT min(_first) {span}) AND "date" <= (SELECT max(_last) {span})'
    return (
        f"SELECT {_FACT_ROW_COLUMNS}, 1 AS _rows FROM active_facts WHERE {DAILY_SQL}{bound} AND {keep} "
        f"UNION ALL SELECT {_FACT_ROW_COLUMNS}, _rows FROM facts_summed WHERE _grain = 'period' AND {keep}"
    )


def _day_rows(filters: FilterState, columns: set[str], extra: str = "TRUE") -> str | None:
    """The filtered facts as day sums per platform, channel and objective, when those columns suffice.

    Daily rows summed per day and DAY_DIMENSIONS, and rows over longer periods as they are:
    real days, so any date range reads them exactly (some 10k rows for 10M facts). None when
    a needed column, or a campaign or video filter, is finer than that; `extra` may only test
    the date or DAY_DIMENSIONS. Rows carry `_rows`. Parameters: those of `filters.where()`.
    """
    if not columns <= {"date", "date_end", *DAY_DIMENSIONS} or filters.campaigns or filters.videos:
        return None
    where, _ = filters.where()
    return f"SELECT * FROM facts_summed WHERE _grain IN ('day', 'period') AND ({where}) AND ({extra})"


_VIDEO_READABLE = frozenset({"date", "date_end", *VIDEO_DIMENSIONS, *model.MEASURE_NAMES})


def video_rows(
    filters: FilterState,
    columns: Collection[str],
    extra: str = "TRUE",
    keys: Sequence[str] = (),
    spans: bool = False,
    measures: Sequence[str] = model.MEASURE_NAMES,
    netted: bool = True,
) -> str | None:
    """The filtered facts read from the per-video summary, as a subquery; None when `columns` are finer than it.

    With no date range: each video's sums over all time. With one: whole months and longer
    periods from `video_summed`, and the partial months at the range's edges as _edge_rows
    nets them. Only the blocks of the chosen videos are read: those of the Video filter and of
    `keys`, names of bound list parameters holding video keys the caller keeps anyway. Rows hold
    "date", "date_end", the VIDEO_DIMENSIONS among `columns` (the narrower a subquery, the
    faster DuckDB plans it), `measures` and `_rows` (count with `sum(_rows)`); with `spans`
    also `_first` / `_last`, the first and last day their facts cover ("date" / "date_end" are
    a summed row's grain span). `extra` may test VIDEO_DIMENSIONS, not the date. Parameters:
    those of `filters.where()`. `netted` as in fact_rows.
    """
    if not set(columns) <= _VIDEO_READABLE:
        return None
    where, _ = filters.where()
    keep = f"({where}) AND ({extra})"
    prune = "".join(_pruned(k) for k in _chosen(filters, keys))
    dims = [c for c in VIDEO_DIMENSIONS if c in columns] or ["platform"]
    selected = idents(("date", "date_end", *dims, *measures))
    summed = selected + (", _first, _last" if spans else "")
    if not filters.has_dates:
        return f"SELECT {summed}, _rows FROM video_summed WHERE _grain = 'all'{prune} AND {keep}"
    first, last = _whole_months(filters)
    parts = [
        f"SELECT {summed}, _rows FROM video_summed WHERE _grain = 'month' AND \"date\" >= {first} "
        f'AND "date_end" <= {last}{prune} AND {keep}',
        f"SELECT {summed}, _rows FROM video_summed WHERE _grain = 'period'{prune} AND {keep}",
    ]
    if spans:
        # A span cannot be netted: the edges' days come from the facts.
        daily = selected + ', "date" AS _first, coalesce("date_end", "date") AS _last'
        parts += [
            f'SELECT {daily}, 1 AS _rows FROM active_facts WHERE "date" >= {from_sql} AND "date" <= {to_sql} '
            f"AND {DAILY_SQL} AND {keep}"
            for _, _, from_sql, to_sql, _ in _edges(filters)
        ]
        return " UNION ALL ".join(parts)
    undated_keep = f"({filters.without('date_from', 'date_to').where()[0]}) AND ({extra})"
    parts += [
        _edge_rows(*edge, keep, undated_keep, "video_summed", dims, prune, measures, netted) for edge in _edges(filters)
    ]
    return " UNION ALL ".join(parts)


def early_rows(filters: FilterState, extra: str = "TRUE") -> str:
    """The filtered facts lying wholly in their video's first EARLY_LIFE_DAYS days, summed per their own dates.

    Each row keeps its real "date" / "date_end" and carries `_rows`; columns: VIDEO_DIMENSIONS and
    the measures. `extra` may test any of them. Parameters: those of `filters.where()`.
    """
    where, _ = filters.where()
    prune = "".join(_pruned(k) for k in _chosen(filters))
    return (
        f"SELECT {idents(('date', 'date_end', *VIDEO_DIMENSIONS, *model.MEASURE_NAMES))}, _rows FROM video_summed "
        f"WHERE _grain = 'early'{prune} AND ({where}) AND ({extra})"
    )
