"""The DuckLake adapter's SQL rewrite: the one INSERT OR REPLACE form it supports, and refusals of the rest.

A lake has no PRIMARY KEY, so `_LakeConnection` runs `INSERT OR REPLACE INTO <table> VALUES
(<bound key>, ...)` as a DELETE of the key and an INSERT. These run it on an in-memory DuckDB
holding the lake's form of the schema (no keys), so they need no PostgreSQL.
"""

from __future__ import annotations

import duckdb
import pytest

from vmdash.errors import VmdashError
from vmdash.store import MIGRATIONS, Store, _for_lake
from vmdash.store.lake import _LAKE_KEYS, _LakeConnection


@pytest.fixture
def lake_con():
    con = duckdb.connect(":memory:")
    for statement in MIGRATIONS[0] + MIGRATIONS[1]:
        if statement := _for_lake(statement):
            con.execute(statement)
    yield _LakeConnection(con)
    con.close()


def test_named_parameters_replace_the_row_with_the_same_key(lake_con):
    sql = "INSERT OR REPLACE INTO saved_views VALUES ($name, $link, $at, $by)"
    lake_con.execute(sql, {"name": "q1", "link": "?a=1", "at": "2026-01-01 00:00:00", "by": None})
    lake_con.execute(sql, {"name": "q2", "link": "?a=2", "at": "2026-01-01 00:00:00", "by": None})
    lake_con.execute(sql, {"name": "q1", "link": "?a=3", "at": "2026-01-02 00:00:00", "by": "ana"})
    rows = lake_con.execute("SELECT name, link, created_by FROM saved_views ORDER BY name").fetchall()
    assert rows == [("q1", "?a=3", "ana"), ("q2", "?a=2", None)]


def test_values_after_the_key_may_be_any_expressions(lake_con):
    sql = "INSERT OR REPLACE INTO saved_views VALUES ($name, concat($link, ')'), now()::TIMESTAMP, NULL);"
    lake_con.execute(sql, {"name": "q1", "link": "?a=(1"})
    lake_con.execute(sql, {"name": "q1", "link": "?a=(2"})
    assert lake_con.execute("SELECT name, link FROM saved_views").fetchall() == [("q1", "?a=(2)")]


def test_positional_parameters_replace_the_row_with_the_same_key(lake_con):
    lake_con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ["schema_version", "1"])
    lake_con.execute("insert or replace into meta values (?, ?);", ("schema_version", "2"))
    assert lake_con.execute("SELECT key, value FROM meta").fetchall() == [("schema_version", "2")]


def test_other_statements_pass_through_unchanged(lake_con):
    lake_con.execute("INSERT INTO meta VALUES ('a', '1')")
    lake_con.execute("INSERT INTO meta VALUES ($k, $v)", {"k": "b", "v": "2"})
    assert lake_con.execute("SELECT count(*) FROM meta").fetchone()[0] == 2
    lake_con.executemany("INSERT INTO meta VALUES (?, ?)", [("c", "3"), ("d", "4")])
    assert lake_con.execute("SELECT count(*) FROM meta").fetchone()[0] == 4


@pytest.mark.parametrize(
    ("sql", "params", "message"),
    [
        ("INSERT OR REPLACE INTO meta (key, value) VALUES ($k, $v)", {"k": "a", "v": "1"}, "only runs"),
        ("INSERT OR REPLACE INTO meta SELECT 'a', '1'", None, "only runs"),
        ("INSERT OR REPLACE INTO meta VALUES ('a', $v)", {"v": "1"}, "only runs"),
        ("INSERT OR REPLACE INTO meta VALUES (?, ?), (?, ?)", ["a", "1", "b", "2"], "only runs"),
        ("INSERT OR REPLACE INTO meta VALUES (?, lower(')')), (?, '(')", ["a", "b"], "only runs"),
        ("INSERT OR REPLACE INTO meta VALUES ($k::VARCHAR, $v)", {"k": "a", "v": "1"}, "only runs"),
        ("INSERT OR REPLACE INTO meta VALUES (?, ?); DELETE FROM meta", ["a", "1"], "only runs"),
        ("DELETE FROM meta; INSERT OR REPLACE INTO meta VALUES (?, ?)", ["a", "1"], "only runs"),
        ("INSERT OR REPLACE INTO facts VALUES ($a, $b)", {"a": 1, "b": 2}, "has no key"),
        ("INSERT OR REPLACE INTO meta VALUES ($k, $v)", None, "needs its key"),
        ("INSERT OR REPLACE INTO meta VALUES ($k, $v)", ["a", "1"], "needs its key"),
        ("INSERT OR REPLACE INTO meta VALUES (?, ?)", {"k": "a"}, "needs its key"),
    ],
)
def test_an_insert_or_replace_it_cannot_rewrite_is_refused_and_changes_nothing(lake_con, sql, params, message):
    lake_con.execute("INSERT INTO meta VALUES ('a', 'kept')")
    with pytest.raises(VmdashError, match=message):
        lake_con.execute(sql, params)
    assert lake_con.execute("SELECT key, value FROM meta").fetchall() == [("a", "kept")]


def test_executemany_of_an_insert_or_replace_is_refused(lake_con):
    with pytest.raises(VmdashError, match="one row at a time"):
        lake_con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("a", "1"), ("a", "2")])
    assert lake_con.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def test_each_rewritten_tables_key_is_its_first_column_and_primary_key(tmp_path):
    # The rewrite deletes on the statement's first value: that must be the table's key.
    store = Store(tmp_path / "keys.duckdb", idle_release_s=None)
    try:
        for table, key in _LAKE_KEYS.items():
            first = store.scalar(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index LIMIT 1",
                {"t": table},
            )
            primary = store.scalar(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = $t AND constraint_type = 'PRIMARY KEY'",
                {"t": table},
            )
            assert (first, primary) == (key, [key]), table
    finally:
        store.close()
