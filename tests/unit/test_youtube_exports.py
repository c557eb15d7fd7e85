"""YouTube Studio exports as they are found: every shape imports with the totals of its raw file, or is refused in one line.

The fixtures in tests/data/youtube/ are small synthetic copies of real Studio shapes (see
the README there). Every expected number is summed from the raw file with the csv module
and a header list of the tests' own (tests/support/youtube_exports.py), never read back from
vmdash's header tables.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
from pathlib import Path

import pytest

from tests.support import store_checks
from tests.support.youtube_exports import (
    DATA,
    LOADED,
    MEASURE_HEADERS,
    REFUSED,
    build,
    raw_rows,
    raw_totals,
    text_encoding,
)
from vmdash import cli, metrics, model, queries
from vmdash import store as store_module
from vmdash.ingest import Upload, import_files, preview
from vmdash.store import SCHEMA_VERSION, Store
from vmdash.store import schema as store_schema


def cli_import(db: Path, path: Path) -> tuple[int, str]:
    """`python -m vmdash import PATH` in this process: exit code and everything it printed."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db)])
    return code, err.getvalue() + out.getvalue()


def fingerprint(db: Path) -> dict:
    s = Store(db, idle_release_s=None)
    try:
        return store_checks.fingerprint(s)
    finally:
        s.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", LOADED)
def test_each_shape_imports_through_the_cli_with_the_raw_files_totals(tmp_path, name):
    sources, fmt, locale, skipped = LOADED[name]
    db = tmp_path / "vmdash.duckdb"
    path = build(name, tmp_path)
    code, said = cli_import(db, path)
    assert code == 0, said
    assert "rejected" not in said, said
    want, rows = raw_totals(sources)
    s = Store(db, idle_release_s=None)
    try:
        assert s.rows("SELECT source_format, locale, rows_loaded, rows_rejected FROM imports") == [
            (fmt, locale, rows, 0)
        ]
        totals = queries.summary(s).iloc[0]
        assert totals["rows"] == rows
        for measure in MEASURE_HEADERS:
            if measure in want:
                assert totals[measure] == pytest.approx(want[measure], rel=1e-12), measure
            else:
                # Not in the file: NULL ("not reported"), never 0.
                assert s.scalar(f'SELECT count("{measure}") FROM active_facts') == 0, measure
        assert s.scalar("SELECT count(*) FROM active_facts WHERE platform <> 'youtube'") == 0
    finally:
        s.close()
    report, _ = _preview(db, path)
    # The reader counts a trailer apart from the totals; both are skipped.
    assert sum(p.summary_rows + p.trailer_rows for p in report.parts) == skipped
    # The preview's rows to load are the rows the import loaded.
    assert sum(p.loadable for p in report.parts) == rows
    # Importing it again changes nothing.
    before = fingerprint(db)
    code, said = cli_import(db, path)
    assert code == 0 and "already imported" in said, said
    assert fingerprint(db) == before


def _preview(db: Path, path: Path):
    s = Store(db, idle_release_s=None)
    try:
        return preview(s, Upload(path, path.name))
    finally:
        s.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSED)
def test_unloadable_shapes_are_refused_in_one_line_naming_what_they_hold(tmp_path, name):
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    before = fingerprint(db)
    code, said = cli_import(db, DATA / name)
    assert code == 1
    lines = said.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and name in lines[0], said
    for words in REFUSED[name]:
        assert words in lines[0], said
    assert "Traceback" not in said
    assert fingerprint(db) == before


def test_a_metric_beside_views_is_ignored_not_refused(tmp_path):
    # A table holding Views and an average loads the views; only a file with nothing summable is refused.
    path = tmp_path / "Table data.csv"
    path.write_text("Content,Views,Average view duration\nTotal,30,0:01:00\nabc,10,0:01:00\ndef,20,0:02:00\n")
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        import_files(s, [Upload(path, path.name)])
        assert s.rows("SELECT sum(views), count(*) FROM active_facts") == [(30, 2)]
    finally:
        s.close()


def test_net_subscribers_are_never_stored_as_gained(tmp_path):
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        both = DATA / "table_data_blank_measures.csv"
        import_files(s, [Upload(both, both.name)])
        header, body = raw_rows(both.name)
        gained = sum(int(r[header.index("Subscribers gained")] or 0) for r in body)
        net = sum(int(r[header.index("Subscribers")] or 0) for r in body)
        assert gained != net
        assert s.scalar("SELECT sum(subscribers_gained) FROM active_facts") == gained
        # A table with the net figure only stores nothing there.
        only_net = DATA / "content_table_data.csv"
        [report] = import_files(s, [Upload(only_net, only_net.name)])
        query = "SELECT count(*), count(subscribers_gained) FROM active_facts WHERE import_id = $id"
        assert s.rows(query, {"id": report.import_id}) == [(report.rows_loaded, 0)]
    finally:
        s.close()


def test_blank_views_leave_the_row_with_null_views(tmp_path):
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        path = DATA / "table_data_blank_measures.csv"
        [report] = import_files(s, [Upload(path, path.name)])
        assert report.rows_rejected == 0
        header, body = raw_rows(path.name)
        blank = sorted(r[0] for r in body if not r[header.index("Views")])
        assert len(blank) == 2
        assert [r[0] for r in s.rows("SELECT video_id FROM active_facts WHERE views IS NULL ORDER BY 1")] == blank
        # A zero-view video keeps what it does report.
        assert s.scalar("SELECT impressions FROM active_facts WHERE video_id = $v", {"v": "Qw8eR5tY6uI"}) == 210
    finally:
        s.close()


def test_traffic_sources_are_rows_of_their_own(tmp_path):
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        path = DATA / "traffic_source_table.csv"
        import_files(s, [Upload(path, path.name)])
        header, body = raw_rows(path.name)
        stored = dict(s.rows("SELECT traffic_source, views FROM active_facts"))
        assert stored == {r[0]: (int(r[1]) if r[1] else None) for r in body}
        # The undated table overlaps every day, so the chart replaces its rows, but only those of the
        # sources the chart gives: the source is part of the natural key.
        chart = DATA / "traffic_source_chart.csv"
        [report] = import_files(s, [Upload(chart, chart.name)])
        _, chart_body = raw_rows(chart.name)
        assert report.rows_replaced == len({r[1] for r in chart_body}) < len(body)
    finally:
        s.close()


def test_an_excel_resave_reads_its_dates_titles_and_hyphenated_headers(tmp_path):
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        path = DATA / "excel_resaved_cp1252.csv"
        [report] = import_files(s, [Upload(path, path.name)])
        assert "Windows-1252" in report.detection_text()
        rows = s.rows("SELECT video_id, video_title, published_at::VARCHAR FROM active_facts ORDER BY published_at")
        assert rows == [
            ("4OZip0cgOho", "Café crème: a morning routine", "2020-05-08"),
            ("GtVg9i7VG0Q", "Résumé tips – 2020 edition", "2020-09-24"),
            ("Qo5ZZg4kYyk", "Zero views yet", "2020-12-30"),
        ]
    finally:
        s.close()


def test_a_retention_zip_loads_its_curve_and_finds_the_video_whose_title_lost_characters(tmp_path):
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        content = build("Content 2026-01-01_2026-01-03 Maison Lumière.zip", tmp_path)
        import_files(s, [Upload(content, content.name)])
        retention = build("Audience retention 2026-01-01_2026-01-03 Shorts serum drop test.zip", tmp_path)
        [report] = import_files(s, [Upload(retention, retention.name)])
        assert "Detailed activity.csv not loaded" in report.summary_line()
        _, curve = raw_rows("retention_curve.csv")
        assert s.rows("SELECT video_id, video_title, count(*) FROM active_retention GROUP BY ALL") == [
            ("Xs1rT9mQ2aB", "Shorts: serum drop test", len(curve))
        ]
        assert s.scalar("SELECT max(audience_ratio) FROM active_retention") == pytest.approx(
            max(float(r[1]) for r in curve) / 100
        )
    finally:
        s.close()


@pytest.fixture(scope="module")
def zip_and_table(tmp_path_factory) -> tuple[Store, Store]:
    """One database holding a Content ZIP (table, chart, totals), one holding its table data alone."""
    folder = tmp_path_factory.mktemp("kpis")
    both = Store(folder / "zip.duckdb", idle_release_s=None)
    alone = Store(folder / "table.duckdb", idle_release_s=None)
    path = build("Content 2026-01-01_2026-01-03 Maison Lumière.zip", folder)
    import_files(both, [Upload(path, path.name)])
    table = folder / "Table data.csv"
    table.write_bytes((DATA / "content_table_data.csv").read_bytes())
    import_files(alone, [Upload(table, table.name)])
    yield both, alone
    both.close()
    alone.close()


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_kpi_after_a_zip_equals_the_table_data_alone(zip_and_table, metric):
    both, alone = zip_and_table
    per_video = f"SELECT video_id, {metric.sql()} FROM active_facts GROUP BY video_id ORDER BY video_id"
    total = f"SELECT {metric.sql()} FROM active_facts"
    for sql in (per_video, total):
        got, want = both.rows(sql), alone.rows(sql)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g[:-1] == w[:-1]
            assert (g[-1] is None) == (w[-1] is None), (metric.name, g, w)
            if w[-1] is not None:
                assert math.isclose(g[-1], w[-1], rel_tol=1e-12), (metric.name, g, w)


def test_the_zip_average_view_duration_is_the_tables(zip_and_table):
    both, _ = zip_and_table
    header, body = raw_rows("content_table_data.csv")
    views = sum(int(r[header.index("Views")]) for r in body)
    hours = sum(float(r[header.index("Watch time (hours)")]) for r in body)
    avd = both.scalar(f"SELECT {metrics.get('avg_view_duration').sql()} FROM active_facts")
    assert avd == pytest.approx(hours * 3600 / views, rel=1e-12)


def test_summary_json_names_the_new_measure_and_a_traffic_source_grouping_key(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    path = DATA / "chart_data_engaged_views.csv"
    assert cli.main(["import", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["summary", "--json", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    want, _ = raw_totals([path.name])
    assert f'"engaged_views": {int(want["engaged_views"])}' in out


# -- the schema ----------------------------------------------------------------------------------

# The fact columns of the release before traffic sources and engaged views, as it shipped.
PREVIOUS_FACT_COLUMNS = [
    "date",
    "date_end",
    "platform",
    "channel",
    "objective",
    "campaign",
    "ad_set",
    "ad",
    "video_id",
    "video_title",
    "video_duration_s",
    "published_at",
    "currency",
    "import_id",
    "impressions",
    "reach",
    "video_starts",
    "views",
    "views_3s",
    "plays_p25",
    "plays_p50",
    "plays_p75",
    "plays_p95",
    "plays_p100",
    "thruplays",
    "watch_time_s",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
    "likes",
    "comments",
    "shares",
    "saves",
    "subscribers_gained",
    "source_row",
    "replaced_by",
]


def test_the_last_migration_builds_the_models_columns():
    # A model change needs a migration: the next one freezes these and adds its own.
    assert store_module.LATEST_DIMENSIONS == model.DIMENSION_NAMES
    assert store_module.LATEST_MEASURES == model.MEASURE_NAMES


def _columns(s: Store) -> list[tuple]:
    return s.rows(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal "
        "ORDER BY table_name, column_index"
    )


def test_a_database_of_the_previous_release_migrates_to_what_a_new_one_is(tmp_path, monkeypatch):
    old = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", 3)
    s = Store(old, idle_release_s=None)
    assert [r[1] for r in _columns(s) if r[0] == "facts"] == PREVIOUS_FACT_COLUMNS
    with s.transaction() as tx:
        tx.execute(
            "INSERT INTO imports VALUES (nextval('import_seq'), 'old.csv', 'h', 'youtube_table_data', 'en', '', 'facts', 2, 2, 0, 0, '', "
            "TIMESTAMP '2026-01-01 00:00:00', 'active', NULL)"
        )
        tx.execute(
            "INSERT INTO facts (date, date_end, platform, channel, objective, video_id, views, impressions, "
            "import_id) VALUES (DATE '2026-01-01', DATE '2026-01-31', 'youtube', 'social', 'unassigned', 'a', 10, "
            "100, 1), (DATE '2026-01-02', DATE '2026-01-02', 'youtube', 'social', 'unassigned', 'b', 5, NULL, 1)"
        )
    s.close()
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", 4)  # the previous release
    Store(old, idle_release_s=None).close()
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", SCHEMA_VERSION)
    migrated = Store(old, idle_release_s=None)
    fresh = Store(tmp_path / "fresh.duckdb", idle_release_s=None)
    try:
        assert _columns(migrated) == _columns(fresh)
        assert migrated.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)
        assert migrated.rows("SELECT video_id, views, traffic_source, engaged_views FROM active_facts ORDER BY 1") == [
            ("a", 10, None, None),
            ("b", 5, None, None),
        ]
        assert store_checks.rollup_agrees(migrated)
        assert migrated.scalar("SELECT sum(_rows) FROM facts_summed WHERE _grain = 'all'") == 2
        # It takes new imports like a new one.
        path = DATA / "traffic_source_table.csv"
        import_files(migrated, [Upload(path, path.name)])
        assert store_checks.rollup_agrees(migrated)
    finally:
        migrated.close()
        fresh.close()


def _european_resave(source: str, encoding: str) -> bytes:
    """The fixture as a European Excel saves it: ';', decimal commas, CRLF, and a BOM in UTF-8."""
    data = (DATA / source).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8" if data.isascii() else text_encoding(data)))))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([re.sub(r"^(\d+)\.(\d+)$", r"\1,\2", cell) for cell in row])
    return (b"\xef\xbb\xbf" if encoding == "utf-8" else b"") + out.getvalue().encode(encoding)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("source", ["table_data_blank_measures.csv", "excel_resaved_cp1252.csv"])
def test_a_european_excel_resave_imports_with_the_same_totals(tmp_path, source, encoding):
    path = tmp_path / "Table data.csv"
    path.write_bytes(_european_resave(source, encoding))
    want, rows = raw_totals([source])
    s = Store(tmp_path / "db.duckdb", idle_release_s=None)
    try:
        [report] = import_files(s, [Upload(path, path.name)])
        assert report.rows_rejected == 0 and report.rows_loaded == rows
        assert s.scalar("SELECT count(*) FROM active_facts WHERE published_at IS NULL") == 0
        for measure, value in want.items():
            assert s.scalar(f'SELECT sum("{measure}") FROM active_facts') == pytest.approx(value, rel=1e-12), measure
    finally:
        s.close()
