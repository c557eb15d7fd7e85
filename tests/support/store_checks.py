"""Checks on what a Store holds: a fingerprint of every table, and the rollup against its facts."""

from __future__ import annotations

import math
from collections.abc import Collection

from vmdash import model
from vmdash.store import DERIVED_TABLES, ROLLUP_GRAINS, Store
from vmdash.store.rollup import VIDEO_GRAINS


def fingerprint(store: Store, ignore: Collection[str] = ()) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every stored table but the rollup.

    Columns named in `ignore` (say, the time an import ran) are left out of the hash. The
    rollup (DERIVED_TABLES) is left out since its float sums may differ in the last bit between
    two identical imports; `rollup_agrees` checks it instead.
    """
    out = {}
    with store.connect() as con:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT c.table_name, c.column_name FROM duckdb_columns() AS c JOIN duckdb_tables() AS t "
            "USING (database_oid, schema_oid, table_oid) WHERE NOT t.temporary "
            "AND t.database_name = current_database() "
            "ORDER BY c.table_name, c.column_index"
        ).fetchall():
            columns.setdefault(table, [])
            if column not in ignore:
                columns[table].append(column)
        for table, kept in columns.items():
            if table in DERIVED_TABLES:
                continue
            row = "row(" + ", ".join(f'"{c}"' for c in kept) + ")" if kept else "NULL"
            count, digest = con.execute(f'SELECT count(*), coalesce(bit_xor(hash({row})), 0) FROM "{table}"').fetchone()
            out[table] = (int(count), int(digest))
    return out


def rollup_agrees(store: Store) -> bool:
    """True when each import's summed rows (the rollup's and the per-video summary's) add up to its active facts at every grain."""
    sums = ", ".join(f'sum("{m}")::DOUBLE' for m in model.MEASURE_NAMES)
    with store.connect() as con:
        for table, grain, rows in [
            *(("facts_summed", g, r) for g, r in ROLLUP_GRAINS.items()),
            *(("video_summed", g, r) for g, r in VIDEO_GRAINS.items()),
        ]:
            facts = con.execute(
                f"SELECT import_id, count(*)::DOUBLE, {sums} FROM active_facts WHERE {rows} GROUP BY 1"
            ).fetchall()
            held = con.execute(
                f"SELECT import_id, sum(_rows)::DOUBLE, {sums} FROM {table} WHERE _grain = $g GROUP BY 1",
                {"g": grain},
            ).fetchall()
            expected, found = {r[0]: r[1:] for r in facts}, {r[0]: r[1:] for r in held}
            if expected.keys() != found.keys():
                return False
            for key, values in expected.items():
                for a, b in zip(values, found[key], strict=True):
                    if (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=1e-9)):
                        return False
    return True
