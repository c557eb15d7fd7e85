"""Every benchmark in bench/ still runs, at 1k rows. No timing is asserted: speed lives in bench/run.py."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench import apptest, generate, importers, run, workload
from tests.support import pgserver
from tests.support.required import postgres_missing
from vmdash import queries
from vmdash.store import Store

ROWS = 1000


@pytest.fixture(scope="module")
def out(tmp_path_factory, request) -> Path:
    folder = tmp_path_factory.mktemp("bench")
    previous = run.OUT
    run.OUT = folder
    request.addfinalizer(lambda: setattr(run, "OUT", previous))
    return folder


def test_generated_exports_use_the_platforms_headers_and_import(out):
    data = generate.dataset(out, ROWS)
    meta = data.meta[0].read_text(encoding="utf-8").splitlines()
    assert next(csv.reader([meta[0]])) == generate.META_HEADER
    assert len(meta) == 1 + int(ROWS * generate.META_SHARE)
    tiktok = data.tiktok[0].read_text(encoding="utf-8").splitlines()
    assert next(csv.reader([tiktok[0]])) == generate.TIKTOK_HEADER
    assert tiktok[-1].startswith(f"Total of {ROWS - int(ROWS * generate.META_SHARE)} results,")
    db = run.build_db(ROWS)
    store = Store(db, idle_release_s=None)
    try:
        by_platform = queries.summary(store, "platform")
        assert set(by_platform["platform"]) == {"facebook", "instagram", "tiktok"}
        assert int(by_platform["rows"].sum()) == ROWS
        assert store.scalar("SELECT count(DISTINCT video_id) FROM active_retention") == 12
    finally:
        store.close()


def test_three_importers_load_the_same_totals(out):
    path = generate.meta_export(out, ROWS)
    totals = {}
    for kind in importers.KINDS:
        assert importers.run(kind, path, out / f"{kind}.duckdb") == ROWS
        if kind != "duckdb":
            store = Store(out / f"{kind}.duckdb", idle_release_s=None)
            totals[kind] = queries.summary(store, "objective").drop(columns=["rows"])
            store.close()
    assert totals["vmdash"].equals(totals["pandas"])


def test_import_section_measures_each_importer_in_its_own_process(out):
    report = run.Report()
    run.bench_import(report, ROWS, repeat=1)
    assert [r.area for r in report.rows] == ["1 import"] * 3
    assert all(r.result in ("PASS", "**MISS**", "—") for r in report.rows)
    assert report.raw["import"][str(ROWS)]["vmdash"]["rss"] > 0


def test_pandas_baseline_gives_the_same_answers_as_vmdash(out):
    db = run.build_db(ROWS)
    store = Store(db, idle_release_s=None)
    try:
        data = workload.Frames.load(store)
        for filters in workload.scenarios(store).values():
            for page in workload.PAGES:
                problems = workload.compare(
                    page, workload.vmdash_page(store, page, filters), workload.pandas_page(data, page, filters)
                )
                assert problems == []
    finally:
        store.close()


def test_query_section_and_breakdown_run(out):
    db = run.build_db(ROWS)
    report = run.Report()
    run.bench_queries(report, ROWS, db, repeat=1, pandas_repeat=1)
    # two scenarios x pages x (cold, warm)
    assert len(report.rows) == 2 * len(workload.PAGES) * 2
    assert not report.notes
    breakdown = run.query_breakdown(db, repeat=1)
    assert set(breakdown) == set(workload.PAGES)
    assert "video_choices" in breakdown["overview"]


def test_page_reruns_and_payload_run(out):
    db = run.build_db(ROWS)
    report = run.Report()
    run.bench_app(report, ROWS, db, repeat=1, idle_repeat=0, page_queries={})
    reruns = [r for r in report.rows if r.area == "3 page rerun"]
    # every page: first visit and back to back (no idle reruns asked for)
    assert len(reruns) == 2 * len(apptest.PAGE_FILES)
    payload = [r for r in report.rows if r.area == "4 payload"]
    assert {r.measure.split(":")[0] for r in payload} == {"overview", "retention", "completion", "funnel", "test_learn"}
    assert all(r.result == "PASS" for r in payload)


def test_results_markdown_names_the_machine(out, tmp_path):
    report = run.Report()
    report.raw["machine"] = run.machine()
    report.add(run.Row("2 queries", "overview page, all data", "1k", "10 ms"))
    target = tmp_path / "RESULTS.md"
    run.write_results(target, report)
    text = target.read_text(encoding="utf-8")
    assert "cores" in text and "RAM" in text
    assert "| 2 queries | overview page, all data | 1k | 10 ms |" in text


def test_ducklake_section_sets_the_lake_beside_the_file(out):
    reason = pgserver.unavailable()
    if reason:
        postgres_missing(reason)
    report = run.Report()
    run.bench_ducklake(report, ROWS, repeat=1)
    assert [r.area for r in report.rows] == ["5 DuckLake"] * (1 + len(workload.PAGES))
    assert all(r.ratio.endswith("× the file") and r.target == r.result == "—" for r in report.rows)
    raw = report.raw["ducklake"][str(ROWS)]
    assert set(raw["embedded"]) == set(raw["ducklake"]) == {"import", *workload.PAGES}


def test_ducklake_section_says_why_it_was_skipped(out, monkeypatch, capsys):
    reason = "PostgreSQL is not installed (apt-get install postgresql)"
    monkeypatch.setattr(pgserver, "unavailable", lambda start=True: reason)
    report = run.main(["--only", "ducklake", "--rows", str(ROWS), "--out", str(out)])
    assert report.rows == []
    assert report.notes == [f"ducklake skipped: {reason}"]
    assert f"- ducklake skipped: {reason}" in capsys.readouterr().out


def test_shown_command_keeps_the_dsn_out():
    argv = ["--only", "ducklake", "--dsn", "host=db password=secret", "--results", "R.md"]
    assert run.shown_command(argv) == "python bench/run.py --only ducklake --dsn DSN"
    assert run.shown_command(["--dsn=host=db password=secret"]) == "python bench/run.py --dsn DSN"
