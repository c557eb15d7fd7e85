"""The only package that talks to DuckDB: connections, schema, transactions, the rollup, lineage.

What lives where:

- `connection.py`  the `Store`: one database file (or DuckLake), its connection shared between
                   threads, the file lock and idle release, reads (`df`, `arrow`, `rows`,
                   `scalar`) and `Store.transaction`; `default_db_path`;
- `session.py`     what every connection gets: its settings (`memory_limit`) and `transaction`,
                   the one place BEGIN / COMMIT / ROLLBACK are written;
- `columns.py`     the columns each schema version added, frozen, and their SQL types;
- `schema.py`      the tables, `MIGRATIONS` and `SCHEMA_VERSION`, and `_migrate`;
- `rollup.py`      `facts_summed`: what each grain holds, how it is filled (`refresh_rollup`) and
                   how it is read (`fact_rows`, `presummed`), both sides in one place;
- `planned.py`     how plans write their objective and channel onto fact rows (`apply_plans`);
- `lineage.py`     which rows an import replaced, `overlap_sql`, and `reconcile` (undo, recovery);
- `lake.py`        the DuckLake adapter: ATTACH, the writers' lock, migrations and
                   INSERT OR REPLACE as DuckLake accepts them;
- `maintenance.py` `maintain`: a DuckLake's snapshot expiry, small-file merge and file cleanup
                   (a file's CHECKPOINT), for `python -m vmdash maintain`.

Callers import from `vmdash.store`; the names below are its interface.
"""

from vmdash.store.columns import LATEST_DIMENSIONS, LATEST_MEASURES, V6_FACT_EXTRAS
from vmdash.store.connection import ROOT, Store, default_db_path, is_duckdb_error, register_arrow
from vmdash.store.lake import LAKE_ALIAS, LAKE_PREFIX, _for_lake, extension_path, is_lake
from vmdash.store.lineage import overlap_sql, reconcile, same_key_sql
from vmdash.store.planned import apply_plans, plan_scope
from vmdash.store.rollup import (
    DAILY_SQL,
    DAY_DIMENSIONS,
    DERIVED_TABLES,
    ROLLUP_DIMENSIONS,
    ROLLUP_GRAINS,
    ChangedMonths,
    daily_sql,
    refresh_rollup,
    unreported_sql,
)
from vmdash.store.schema import MIGRATIONS, SCHEMA_VERSION
from vmdash.store.session import memory_limit, transaction

__all__ = [
    "DAILY_SQL",
    "DAY_DIMENSIONS",
    "DERIVED_TABLES",
    "LAKE_ALIAS",
    "LAKE_PREFIX",
    "LATEST_DIMENSIONS",
    "LATEST_MEASURES",
    "MIGRATIONS",
    "ROLLUP_DIMENSIONS",
    "ROLLUP_GRAINS",
    "ROOT",
    "SCHEMA_VERSION",
    "Store",
    "V6_FACT_EXTRAS",
    "ChangedMonths",
    "daily_sql",
    "_for_lake",
    "apply_plans",
    "default_db_path",
    "extension_path",
    "is_duckdb_error",
    "is_lake",
    "memory_limit",
    "overlap_sql",
    "same_key_sql",
    "plan_scope",
    "reconcile",
    "refresh_rollup",
    "register_arrow",
    "transaction",
    "unreported_sql",
]
