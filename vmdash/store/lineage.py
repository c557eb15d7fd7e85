"""Import lineage: which stored rows an import replaced, and how an undo or a recovery puts them back.

Every fact and retention row keeps the import that loaded it (`import_id`) and, once a later
import covers the same thing, the import that replaced it (`replaced_by`); `overlap_sql` says
when two rows cover the same thing. `reconcile` makes the rows agree with the imports table
again (an undo marks an import undone, then reconciles), and `_recover` runs it when a file
database opens after a writer died.
"""

from __future__ import annotations

from typing import Any

import duckdb

from vmdash import model
from vmdash.sql import ident
from vmdash.store.planned import apply_plans
from vmdash.store.rollup import daily_sql, refresh_rollup
from vmdash.store.session import transaction


def same_key_sql(a: str, b: str) -> str:
    """SQL true when facts `a` and `b` have the same natural key (model.NATURAL_KEY; a missing part matches a missing part)."""
    return " AND ".join(f"{a}.{ident(k)} IS NOT DISTINCT FROM {b}.{ident(k)}" for k in model.NATURAL_KEY)


def overlap_sql(table: str, a: str, b: str) -> str:
    """SQL true when rows `a` and `b` of `table` describe the same thing (so the later one replaces the other).

    Facts: the same natural key over overlapping dates (an undated lifetime row overlaps every
    date). Retention points: the same video on the same platform.
    """
    if table == "retention":
        return f"{a}.platform = {b}.platform AND {a}.video_id = {b}.video_id"
    keys = same_key_sql(a, b)
    dates = (
        f'({a}."date" IS NULL OR {b}."date" IS NULL OR '
        f'({a}."date" <= coalesce({b}."date_end", {b}."date") AND {b}."date" <= coalesce({a}."date_end", {a}."date")))'
    )
    return f"{keys} AND {dates}"


def reconcile(con: Any) -> dict[str, int]:
    """Make facts and retention agree with the imports table, inside the caller's transaction.

    `con` is a DuckDB connection, or in a lake the `lake._LakeConnection` of `Store.transaction()`.

    Rows of an import that is not active are removed; rows replaced by an import that is not
    active come back, unless a later active import overlaps them (that one wins again). This
    is how an undo takes effect, and how a database recovers rows an interrupted write left.
    """
    active = "(SELECT import_id FROM imports WHERE status = 'active')"
    # The summaries too: a log replayed in part after a crash can hold an unfinished import's
    # sums without its facts (the facts of a large insert are written apart from the log).
    touched = [
        int(r[0])
        for r in con.execute(
            f"SELECT DISTINCT import_id FROM facts WHERE import_id NOT IN {active} "
            f"OR (replaced_by IS NOT NULL AND replaced_by NOT IN {active}) "
            f"UNION SELECT DISTINCT import_id FROM facts_summed WHERE import_id NOT IN {active} "
            f"UNION SELECT DISTINCT import_id FROM video_summed WHERE import_id NOT IN {active}"
        ).fetchall()
    ]
    removed = restored = 0
    for table in ("facts", "retention"):
        removed += con.execute(f"DELETE FROM {table} WHERE import_id NOT IN {active}").fetchone()[0]
        # -1 marks the rows coming back, so only they are checked against later imports.
        restored += con.execute(
            f"UPDATE {table} SET replaced_by = -1 WHERE replaced_by IS NOT NULL AND replaced_by NOT IN {active}"
        ).fetchone()[0]
        if table == "facts":
            # A row coming back takes today's plans, whatever they were when it was replaced.
            apply_plans(con, "facts", "replaced_by = -1")
            _replaced_again(con)
            continue
        later = (
            f"FROM {table} AS l WHERE l.replaced_by IS NULL AND l.import_id > {table}.import_id "
            f"AND {overlap_sql(table, 'l', table)}"
        )
        con.execute(
            f"UPDATE {table} SET replaced_by = (SELECT max(l.import_id) {later}) "
            f"WHERE replaced_by = -1 AND EXISTS (SELECT 1 {later})"
        )
        con.execute(f"UPDATE {table} SET replaced_by = NULL WHERE replaced_by = -1")
    refresh_rollup(con, touched)
    return {"removed": int(removed), "restored": int(restored)}


def _replaced_again(con: Any) -> None:
    """Facts coming back (`replaced_by` = -1) that a later active import overlaps are replaced by the latest such import.

    Looked up in three passes, so that a daily fact meets the later daily facts of its own key
    on its own day (a hash join on key and day) and is tested against every date of its key only
    for rows over longer periods: years of daily rows per key, paired day by day, made an undo
    quadratic. While the passes run, a fact coming back holds -1 - (the latest overlapping import
    found so far), or -1 when none was.
    """
    daily, later_daily = daily_sql("facts"), daily_sql("l")
    live = "l.replaced_by IS NULL AND l.import_id > facts.import_id"
    for rows, overlaps in (
        (daily, f'{later_daily} AND l."date" = facts."date" AND {same_key_sql("l", "facts")}'),
        (daily, f"NOT {later_daily} AND {overlap_sql('facts', 'l', 'facts')}"),
        (f"NOT {daily}", overlap_sql("facts", "l", "facts")),
    ):
        later = f"FROM facts AS l WHERE {live} AND {overlaps}"
        con.execute(
            f"UPDATE facts SET replaced_by = least(replaced_by, -1 - (SELECT max(l.import_id) {later})) "
            f"WHERE replaced_by < 0 AND {rows} AND EXISTS (SELECT 1 {later})"
        )
    con.execute(
        "UPDATE facts SET replaced_by = CASE WHEN replaced_by = -1 THEN NULL ELSE -1 - replaced_by END "
        "WHERE replaced_by < 0"
    )


def _recover(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB can replay part of a transaction that never committed from its log (seen with
    # 1.5 after SIGKILL during a large insert). An import writes its imports row last, so
    # rows without an active import are such leftovers: reconcile removes them.
    with transaction(con):
        reconcile(con)
    con.execute("CHECKPOINT")
