"""Kept answers: reused while the data is the same, never once an import or undo moved it."""

from __future__ import annotations

import pandas as pd

from vmdash import cache, demo
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files, undo
from vmdash.store import Store

calls: list[tuple] = []


@cache.cached
def _rows(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    calls.append((filters,))
    where, params = filters.where()
    return store.df(f"SELECT count(*) AS n FROM active_facts WHERE {where}", params)  # noqa: S608


def test_an_answer_is_kept_until_an_import_or_undo(store, tmp_path):
    cache.clear()
    calls.clear()
    assert int(_rows(store)["n"][0]) == 0
    assert int(_rows(store)["n"][0]) == 0
    assert len(calls) == 1

    path = demo.write_synthetic_csv(tmp_path / "a.csv", rows=50, seed=1)
    (report,) = import_files(store, [Upload(path, path.name)])
    assert int(_rows(store)["n"][0]) == 50
    assert len(calls) == 2

    undo(store, report.import_id)
    assert int(_rows(store)["n"][0]) == 0
    assert len(calls) == 3


def test_arguments_and_databases_are_kept_apart(tmp_path):
    cache.clear()
    calls.clear()
    one, two = Store(tmp_path / "one.duckdb", idle_release_s=None), Store(tmp_path / "two.duckdb", idle_release_s=None)
    try:
        path = demo.write_synthetic_csv(tmp_path / "a.csv", rows=30, seed=2)
        import_files(one, [Upload(path, path.name)])
        assert int(_rows(one)["n"][0]) == 30
        assert int(_rows(two)["n"][0]) == 0
        assert int(_rows(one, FilterState(platforms=("tiktok",)))["n"][0]) < 30
        assert len(calls) == 3
    finally:
        one.close()
        two.close()


def test_a_caller_changing_its_frame_does_not_change_the_kept_one(store):
    cache.clear()
    first = _rows(store)
    first["n"] = 99
    first["extra"] = 1
    again = _rows(store)
    assert list(again.columns) == ["n"] and int(again["n"][0]) == 0


def test_unhashable_arguments_are_answered_without_keeping(store):
    cache.clear()
    calls.clear()

    @cache.cached
    def echo(store: Store, frame: pd.DataFrame) -> int:
        calls.append(())
        return len(frame)

    frame = pd.DataFrame({"a": [1, 2]})
    assert echo(store, frame) == 2
    assert echo(store, frame) == 2
    assert len(calls) == 2
    assert cache.stats()["entries"] == 0


def test_an_answer_computed_while_the_data_moved_is_not_kept(store, tmp_path):
    # An import lands between reading the data version and running the query: the answer holds
    # the new rows, so keeping it under the old version would serve new numbers as old ones.
    path = demo.write_synthetic_csv(tmp_path / "a.csv", rows=50, seed=1)

    @cache.cached
    def _racing(s: Store) -> int:
        import_files(s, [Upload(path, path.name)])
        return int(s.scalar("SELECT count(*) FROM active_facts"))

    cache.clear()
    before = cache.data_version(store)
    assert _racing(store) == 50
    assert cache.data_version(store) != before
    assert cache.stats()["entries"] == 0


def test_a_pinned_run_reads_its_answers_at_its_version_without_asking_again(store, tmp_path, monkeypatch):
    cache.clear()
    calls.clear()
    version = cache.data_version(store)
    asked: list[int] = []
    real = cache.data_version
    monkeypatch.setattr(cache, "data_version", lambda s: asked.append(1) or real(s))
    with cache.pinned(store, version):
        assert int(_rows(store)["n"][0]) == 0
        assert int(_rows(store)["n"][0]) == 0
    assert (len(calls), len(asked)) == (1, 0)

    # An import lands mid-run: the run keeps reading at its version (app.py throws such a run
    # away at its end); a run after it starts at the new version and reads the new rows.
    path = demo.write_synthetic_csv(tmp_path / "a.csv", rows=40, seed=3)
    import_files(store, [Upload(path, path.name)])
    with cache.pinned(store, version):
        assert int(_rows(store)["n"][0]) == 0
    with cache.pinned(store, real(store)):
        assert int(_rows(store)["n"][0]) == 40
    # Outside a run, and for another database, every call asks the version as before.
    assert int(_rows(store)["n"][0]) == 40 and len(asked) == 1
    other = Store(tmp_path / "other.duckdb", idle_release_s=None)
    try:
        with cache.pinned(store, version):
            assert int(_rows(other)["n"][0]) == 0
        assert len(asked) == 3
    finally:
        other.close()
