"""The stored tables and the migrations that build them, one schema version at a time.

`meta.schema_version` says which of `MIGRATIONS` a database has had; opening it applies the
rest (`_migrate`), each in its own transaction. The columns each step adds are frozen in
`columns.py`; the rollup table and its fill are `rollup.py`'s. README's "Data model" lists
the tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from vmdash import model
from vmdash.errors import VmdashError
from vmdash.sql import ident
from vmdash.store.columns import (
    V1_DIMENSIONS,
    V1_MEASURES,
    V1_RETENTION,
    V4_ROLLUP_DIMENSIONS,
    V5_MEASURES,
    V5_ROLLUP_DIMENSIONS,
    V6_FACT_EXTRAS,
    V7_VIDEO_DIMENSIONS,
    sql_type,
)
from vmdash.store.lake import _for_lake, _LakeConnection
from vmdash.store.rollup import (
    ROLLUP_GRAINS,
    VIDEO_GRAINS,
    _rollup_fill_sql,
    _rollup_table_sql,
    _video_fill_sql,
    _video_table_sql,
)
from vmdash.store.session import transaction

SCHEMA_VERSION = 8
# The imports that hold a Google Ads video-campaign export (alone, or as a part of a ZIP).
_GOOGLE_VIDEO_IMPORTS = (
    "import_id IN (SELECT import_id FROM imports "
    "WHERE list_contains(string_split(source_format, '+'), 'google_ads_video'))"
)
_META_SQL = "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"


def _fact_table_sql(columns: Sequence[str] = (*V1_DIMENSIONS, *V1_MEASURES)) -> str:
    cols = ",\n  ".join(f"{ident(c)} {sql_type(c)}" for c in columns)
    return "CREATE TABLE facts (\n  " + cols + ",\n  source_row INTEGER,\n  replaced_by INTEGER\n)"


def _retention_table_sql() -> str:
    cols = ",\n  ".join(f"{ident(name)} {type_}" for name, type_ in V1_RETENTION)
    return "CREATE TABLE retention (\n  " + cols + ",\n  replaced_by INTEGER\n)"


# Each entry moves the schema one version up; never edit a released entry, add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        _META_SQL,
        """CREATE TABLE imports (
          import_id INTEGER PRIMARY KEY,
          file_name VARCHAR NOT NULL,
          content_hash VARCHAR NOT NULL,
          source_format VARCHAR NOT NULL,
          locale VARCHAR,
          detection VARCHAR,
          target VARCHAR NOT NULL,
          rows_read INTEGER NOT NULL,
          rows_loaded INTEGER NOT NULL,
          rows_rejected INTEGER NOT NULL,
          rows_replaced INTEGER NOT NULL,
          replaced_imports VARCHAR,
          imported_at TIMESTAMP NOT NULL,
          status VARCHAR NOT NULL DEFAULT 'active',
          undone_at TIMESTAMP
        )""",
        "CREATE SEQUENCE import_seq START 1",
        _fact_table_sql(),
        _retention_table_sql(),
        "CREATE VIEW active_facts AS SELECT * FROM facts WHERE replaced_by IS NULL",
        "CREATE VIEW active_retention AS SELECT * FROM retention WHERE replaced_by IS NULL",
        """CREATE TABLE objective_rules (
          position INTEGER PRIMARY KEY, token VARCHAR NOT NULL, objective VARCHAR NOT NULL
        )""",
        """CREATE TABLE column_mappings (
          signature VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, mapping VARCHAR NOT NULL,
          created_at TIMESTAMP NOT NULL
        )""",
    ),
    # 2: named saved views (a name and the link that reproduces the view).
    (
        """CREATE TABLE saved_views (
          name VARCHAR PRIMARY KEY, link VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, created_by VARCHAR
        )""",
    ),
    # 3: the test -> learn -> amplify -> optimise log. Its items name videos and campaigns by key
    # and keep the label they had, so an entry outlives an undo of the rows it is about.
    (
        "CREATE SEQUENCE loop_log_seq START 1",
        """CREATE TABLE loop_log (
          entry_id INTEGER PRIMARY KEY, stage VARCHAR NOT NULL, happened_on DATE NOT NULL,
          note VARCHAR NOT NULL, objective VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, created_by VARCHAR
        )""",
        """CREATE TABLE loop_log_items (
          entry_id INTEGER NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL, label VARCHAR NOT NULL,
          PRIMARY KEY (entry_id, kind, key)
        )""",
    ),
    # 4: facts summed per import by month, period, day and over all time (see ROLLUP_GRAINS).
    (
        _rollup_table_sql(V4_ROLLUP_DIMENSIONS, V1_MEASURES),
        *(_rollup_fill_sql(g, "TRUE", dimensions=V4_ROLLUP_DIMENSIONS, measures=V1_MEASURES) for g in ROLLUP_GRAINS),
    ),
    # 5: the traffic source a row's views came from (part of the natural key) and engaged views.
    # The rollup is rebuilt: its INSERTs name no columns, so a column added at the end of the
    # table would not line up with the dimensions it belongs to.
    (
        'ALTER TABLE facts ADD COLUMN IF NOT EXISTS "traffic_source" VARCHAR',
        'ALTER TABLE facts ADD COLUMN IF NOT EXISTS "engaged_views" BIGINT',
        "CREATE OR REPLACE VIEW active_facts AS SELECT * FROM facts WHERE replaced_by IS NULL",
        "DROP TABLE facts_summed",
        _rollup_table_sql(V5_ROLLUP_DIMENSIONS, V5_MEASURES),
        *(_rollup_fill_sql(g, "TRUE", dimensions=V5_ROLLUP_DIMENSIONS, measures=V5_MEASURES) for g in ROLLUP_GRAINS),
    ),
    # 6: video and campaign plans (purpose, channels, target KPI), their history, the plan a
    # loop-log decision acted on, and the objective / channel the import derived for a row
    # while a plan overrides them. The rollup keeps its columns: a plan changes a row's
    # objective and channel, not its shape.
    (
        *(f"ALTER TABLE facts ADD COLUMN IF NOT EXISTS {ident(name)} {type_}" for name, type_ in V6_FACT_EXTRAS),
        "CREATE OR REPLACE VIEW active_facts AS SELECT * FROM facts WHERE replaced_by IS NULL",
        """CREATE TABLE IF NOT EXISTS plans (
          plan_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, key VARCHAR NOT NULL, objective VARCHAR NOT NULL,
          channels VARCHAR, format VARCHAR, launch_on DATE, kpi VARCHAR NOT NULL, target DOUBLE NOT NULL,
          secondary VARCHAR, owner VARCHAR, note VARCHAR, updated_at TIMESTAMP NOT NULL, updated_by VARCHAR
        )""",
        """CREATE TABLE IF NOT EXISTS plan_history (
          changed_at TIMESTAMP NOT NULL, changed_by VARCHAR, plan_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
          before VARCHAR, after VARCHAR
        )""",
        # The plan (and so the scorecard) a loop-log decision acted on, when it names one.
        "ALTER TABLE loop_log ADD COLUMN IF NOT EXISTS plan_id VARCHAR",
    ),
    # 7: the facts summed per import and video, in video order (see rollup.VIDEO_GRAINS): one
    # video's page and Test & learn's variants read a few blocks of it instead of every fact.
    (
        _video_table_sql(V7_VIDEO_DIMENSIONS, V5_MEASURES),
        *(_video_fill_sql(g, "TRUE", dimensions=V7_VIDEO_DIMENSIONS, measures=V5_MEASURES) for g in VIDEO_GRAINS),
    ),
    # 8: Google Ads reports no plays started. Its video-campaign rows were imported with their
    # impressions as plays started: those become NULL (not reported), and the imports that hold
    # them are summed again.
    (
        f"UPDATE facts SET video_starts = NULL WHERE platform = 'google_ads' AND {_GOOGLE_VIDEO_IMPORTS}",
        f"DELETE FROM facts_summed WHERE {_GOOGLE_VIDEO_IMPORTS}",
        *(
            _rollup_fill_sql(g, _GOOGLE_VIDEO_IMPORTS, dimensions=V5_ROLLUP_DIMENSIONS, measures=V5_MEASURES)
            for g in ROLLUP_GRAINS
        ),
        f"DELETE FROM video_summed WHERE {_GOOGLE_VIDEO_IMPORTS}",
        *(
            _video_fill_sql(g, _GOOGLE_VIDEO_IMPORTS, dimensions=V7_VIDEO_DIMENSIONS, measures=V5_MEASURES)
            for g in VIDEO_GRAINS
        ),
    ),
)


def _migrate(con: duckdb.DuckDBPyConnection, *, lake: bool = False) -> int:
    """Bring the database up to SCHEMA_VERSION, one migration per transaction; returns the version it found.

    In a lake (`lake=True`) each statement goes through `_for_lake` and the version row is
    written through the lake adapter, which has no PRIMARY KEY to replace it on.
    """
    con.execute(_for_lake(_META_SQL) if lake else _META_SQL)
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise VmdashError(
            f"this database was written by a newer vmdash (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade vmdash to open it"
        )
    writer = _LakeConnection(con) if lake else con
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with transaction(con):
            for statement in MIGRATIONS[target - 1]:
                if statement == _META_SQL:
                    continue
                if lake:
                    statement = _for_lake(statement)
                    if not statement:
                        continue
                con.execute(statement)
            if target == 1:
                con.executemany(
                    "INSERT INTO objective_rules VALUES (?, ?, ?)",
                    [(i, token, obj) for i, (token, obj) in enumerate(model.DEFAULT_OBJECTIVE_RULES)],
                )
            writer.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ["schema_version", str(target)])
    return version
