"""Importing again never doubles anything; undo takes back exactly one import; objective and channel rules.

Uses the French exports of tests/data/fr/ (see tests/data/make_fr.py). The
English-sample cases (re-import of a Google Ads file, --channel / --objective
flags) are in test_cli.py and test_import_fixtures.py.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.data import make_fr
from tests.support import store_checks
from vmdash import cli, model, queries
from vmdash.ingest import Options, Upload, import_files, undo
from vmdash.ingest.rules import save_objective_rules
from vmdash.roles import ANALYST

ROOT = Path(__file__).resolve().parents[2]
FR = ROOT / "tests" / "data" / "fr"
EXPORTS = make_fr.build()
CHART = "youtube_chart_data_fr.csv"
ZIP = make_fr.YOUTUBE_ZIP
META = "meta_ads_manager_fr.csv"


def _import(store, name: str, path: Path | None = None, options: Options = Options()):
    [report] = import_files(store, [Upload(path or FR / name, name)], options)
    return report


def _summary(store) -> list[dict]:
    """Totals per platform, NULL as None and sums to 6 places (as `summary --json` prints them)."""
    frame = queries.summary(store, by="platform")
    return [
        {k: None if pd.isna(v) else round(v, 6) if isinstance(v, float) else v for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def test_the_same_file_twice_changes_nothing_and_says_so(store):
    first = _import(store, ZIP)
    before, fingerprint = _summary(store), store_checks.fingerprint(store)
    again = _import(store, ZIP)
    assert again.duplicate_of == first.import_id and again.import_id is None and again.rows_loaded == 0
    assert again.summary_line() == f"{ZIP}: already imported as #{first.import_id}; nothing changed"
    assert _summary(store) == before
    assert store_checks.fingerprint(store) == fingerprint
    # Under another name, the same bytes are still the same file.
    renamed = _import(store, "copie.zip", FR / ZIP)
    assert renamed.duplicate_of == first.import_id and store_checks.fingerprint(store) == fingerprint


def test_a_digest_known_at_upload_is_the_one_recorded_and_the_file_is_not_read_again(store, monkeypatch):
    from vmdash.ingest import pipeline

    path = FR / META
    digest = pipeline.file_hash(path)
    read_back: list[Path] = []
    real = pipeline.file_hash
    monkeypatch.setattr(pipeline, "file_hash", lambda p: read_back.append(p) or real(p))
    [report] = import_files(store, [Upload(path, META, digest)])
    assert read_back == [] and report.content_hash == digest
    # Without one (the command line), the file is hashed as it is read: the same digest, a duplicate.
    [again] = import_files(store, [Upload(path, META)])
    assert read_back == [path] and again.content_hash == digest and again.duplicate_of == report.import_id


def test_the_same_rows_in_another_file_replace_the_earlier_ones(store, tmp_path):
    first = _import(store, META)
    before = _summary(store)
    # The same export re-saved with plain line ends: other bytes, the same rows.
    resaved = tmp_path / "meta_resauvegarde.csv"
    resaved.write_bytes((FR / META).read_bytes().replace(b"\r\n", b"\n"))
    second = _import(store, resaved.name, resaved)
    rows = len(EXPORTS[META].records)
    assert second.duplicate_of is None
    assert second.rows_replaced == rows and second.replaced_imports == [first.import_id]
    assert f"{rows} earlier rows replaced (from import #{first.import_id})" in second.summary_line()
    assert _summary(store) == before
    assert store.scalar("SELECT count(*) FROM facts") == 2 * rows
    assert store.scalar("SELECT count(*) FROM active_facts WHERE import_id = $id", {"id": second.import_id}) == rows
    replaced = store.rows(
        "SELECT rows_replaced, replaced_imports FROM imports WHERE import_id = $id", {"id": second.import_id}
    )
    assert replaced == [(rows, str(first.import_id))]


def test_an_overlapping_export_replaces_only_the_rows_it_covers(store):
    chart = _import(store, CHART)
    meta = _import(store, META)
    # The ZIP holds the same daily chart rows plus the period table: the daily rows are replaced,
    # nothing of the other import is touched, and views are not counted twice (the table's period
    # rows keep theirs, and the ZIP's daily rows of the same videos are not loaded).
    bundle = _import(store, ZIP)
    chart_rows = len(EXPORTS[CHART].records)
    assert bundle.rows_replaced == chart_rows and bundle.replaced_imports == [chart.import_id]
    assert f"{chart_rows} earlier rows replaced (from import #{chart.import_id})" in bundle.summary_line()
    youtube = store.scalar("SELECT sum(views) FROM active_facts WHERE platform = 'youtube'")
    table = [r for r in EXPORTS[ZIP].records if "impressions" in r]
    periodic = {r["video_id"] for r in table}
    want = sum(r["views"] for r in table) + sum(
        r["views"] for r in EXPORTS[ZIP].records if "date" in r and r["video_id"] not in periodic
    )
    assert youtube == want
    assert store.scalar("SELECT count(*) FROM active_facts WHERE import_id = $id", {"id": meta.import_id}) == len(
        EXPORTS[META].records
    )


def _cli(db: Path, *args: str) -> str:
    """`python -m vmdash ARGS --db DB` in this process (`cli.main`), which must succeed: what it printed.

    In-process, since fourteen interpreter starts cost half a minute; test_cli.py runs the real
    `python -m vmdash` process.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([*args, "--db", str(db)])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.slow
def test_undo_removes_one_import_and_brings_back_what_it_replaced(tmp_path):
    db = tmp_path / "undo.duckdb"
    empty = _cli(db, "summary", "--json")
    _cli(db, "import", str(FR / CHART))
    after_chart = _cli(db, "summary", "--by", "platform", "--json")
    out = _cli(db, "import", str(FR / ZIP))
    assert "93 earlier rows replaced (from import #1)" in out
    _cli(db, "import", str(FR / META))
    after_all = _cli(db, "summary", "--by", "platform", "--json")
    assert after_all != after_chart

    out = _cli(db, "undo", "2")
    # the ZIP loaded its 6 table rows (its daily rows were of the same videos)
    assert out.strip() == "import #2 undone: 6 rows removed, 93 earlier rows restored"
    back = json.loads(_cli(db, "summary", "--by", "platform", "--json"))
    # YouTube is back to the chart data alone; Meta (import #3) is untouched.
    want = {r["platform"]: r for r in json.loads(after_all)}
    want["youtube"] = next(r for r in json.loads(after_chart) if r["platform"] == "youtube")
    assert {r["platform"]: r for r in back} == want

    _cli(db, "undo", "3")
    assert _cli(db, "summary", "--by", "platform", "--json") == after_chart
    _cli(db, "undo", "1")
    assert _cli(db, "summary", "--json") == empty
    listed = _cli(db, "imports")
    assert all(f"#{i}    undone" in listed for i in (1, 2, 3))


def test_an_undone_file_can_be_imported_again(store):
    first = _import(store, META)
    before = _summary(store)
    again = _import(store, "meta_bis.csv", FR / META)  # same bytes: a duplicate, nothing written
    assert again.duplicate_of == first.import_id
    result = undo(store, first.import_id)
    assert result == {"removed": len(EXPORTS[META].records), "restored": 0}
    assert store.scalar("SELECT count(*) FROM active_facts") == 0
    reimported = _import(store, META)
    assert reimported.duplicate_of is None  # an undone import no longer counts as a copy
    assert _summary(store) == before


# -- objective: the export's own column, campaign-name rules, a choice at upload, else unassigned --


def test_objective_from_the_export_s_own_column(store):
    _import(store, META)
    stored = dict(store.rows("SELECT campaign, any_value(objective) FROM active_facts GROUP BY 1"))
    # 'Objectif' says Notoriété / Trafic / Ventes.
    assert stored == {r["campaign"]: r["objective"] for r in EXPORTS[META].records}


def test_campaign_name_rules_beat_the_export_s_objective_column(store):
    # The team's own token wins over the platform's buying objective (issue 15, item 14).
    save_objective_rules(store, ANALYST, [("FR_2026Q1", "loyalty")])
    _import(store, META)
    assert {r[0] for r in store.rows("SELECT DISTINCT objective FROM active_facts")} == {"loyalty"}


def test_objective_from_campaign_name_rules(store):
    _import(store, "tiktok_ads_fr.csv")
    stored = dict(store.rows("SELECT campaign, any_value(objective) FROM active_facts GROUP BY 1"))
    assert stored == {"FR_2026Q1_AWA_TikTok-TopView-Sérum": "awareness", "FR_2026Q1_FID_TikTok-Clientes": "loyalty"}


def test_objective_chosen_at_upload_beats_the_export(store):
    _import(store, META, options=Options(objective="loyalty"))
    assert store.rows("SELECT DISTINCT objective FROM active_facts") == [("loyalty",)]


def test_objective_is_unassigned_when_nothing_says(store):
    _import(store, "youtube_table_data_fr.csv")  # no campaign, no objective column
    assert store.rows("SELECT DISTINCT objective FROM active_facts") == [("unassigned",)]


# -- channel: the platform's usual one unless chosen at upload ---------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", [META, "tiktok_ads_fr.csv", "youtube_table_data_fr.csv", make_fr.WISTIA_XLSX, "google_ads_video_fr.csv"]
)
def test_channel_defaults_per_platform_and_can_be_chosen(store, name):
    report = _import(store, name)
    platforms = {r[0] for r in store.rows("SELECT DISTINCT platform FROM active_facts")}
    want = {model.DEFAULT_CHANNEL[p] for p in platforms}
    assert {r[0] for r in store.rows("SELECT DISTINCT channel FROM active_facts")} == want
    undo(store, report.import_id)
    _import(store, name, options=Options(channel="email"))
    assert store.rows("SELECT DISTINCT channel FROM active_facts") == [("email",)]


def _canonical(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    """A canonical CSV of (date, date_end, video, views) on YouTube; a blank date_end is a daily row."""
    lines = ["date,date_end,platform,video_id,impressions,views"]
    lines += [f"{d},{e},youtube,{v},1000,{n}" for d, e, v, n in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_new_daily_rows_replace_the_days_and_the_periods_they_overlap_only(store, tmp_path):
    january = [(f"2026-01-{d:02d}", "", "vid_a", 10) for d in range(1, 32)]
    first = _canonical(tmp_path / "a.csv", [*january, ("2026-02-01", "2026-02-28", "vid_a", 500)])
    one = _import(store, "a.csv", first)
    # Two days of January, and a day of February that the month-long row covers.
    later = _canonical(tmp_path / "b.csv", [("2026-01-05", "", "vid_a", 99), ("2026-01-06", "", "vid_a", 99)])
    two = _import(store, "b.csv", later)
    assert two.rows_replaced == 2 and two.replaced_imports == [one.import_id]
    feb = _import(store, "c.csv", _canonical(tmp_path / "c.csv", [("2026-02-10", "", "vid_a", 7)]))
    assert feb.rows_replaced == 1 and feb.replaced_imports == [one.import_id]
    # An undated lifetime row overlaps every date of its video: all the rest goes.
    life = _import(store, "d.csv", _canonical(tmp_path / "d.csv", [("", "", "vid_a", 3000)]))
    assert life.rows_replaced == 29 + 2 + 1
    assert store.scalar("SELECT sum(views) FROM active_facts") == 3000
    assert store_checks.rollup_agrees(store)


@pytest.mark.slow
def test_new_rows_over_a_week_replace_the_days_they_cover_beside_daily_rows(store, tmp_path):
    january = [(f"2026-01-{d:02d}", "", v, 10) for d in range(1, 32) for v in ("vid_a", "vid_b")]
    one = _import(store, "a.csv", _canonical(tmp_path / "a.csv", january))
    # One file: a week of vid_a as a single row, and one day of vid_b.
    rows = [("2026-01-10", "2026-01-16", "vid_a", 700), ("2026-01-20", "", "vid_b", 5)]
    two = _import(store, "b.csv", _canonical(tmp_path / "b.csv", rows))
    assert two.rows_replaced == 7 + 1 and two.replaced_imports == [one.import_id]
    assert store.scalar("SELECT sum(views) FROM active_facts") == 62 * 10 - 8 * 10 + 700 + 5
    assert (
        store.scalar("SELECT count(*) FROM active_facts WHERE video_id = 'vid_a' AND \"date\" = DATE '2026-01-20'") == 1
    )  # another video's day
    assert store_checks.rollup_agrees(store)


@pytest.mark.slow
def test_rows_an_undo_brings_back_stay_replaced_where_a_later_import_covers_them(store, tmp_path):
    def export(name: str, views: int) -> Path:
        days = [(f"2026-01-{d:02d}", "", v, views) for d in range(1, 32) for v in ("vid_a", "vid_b")]
        return _canonical(tmp_path / name, [*days, ("2026-02-01", "2026-02-28", "vid_a", 50 * views)])

    first = _import(store, "a.csv", export("a.csv", 10))
    again = _import(store, "b.csv", export("b.csv", 20))  # the same rows, exported again
    assert again.rows_replaced == 63
    later = [
        ("2026-01-10", "", "vid_a", 1),  # a day: replaces that day
        ("2026-01-20", "2026-01-26", "vid_a", 7),  # a week: replaces its seven days
        ("2026-02-10", "", "vid_a", 3),  # a day inside the month-long row: replaces it whole
    ]
    third = _import(store, "c.csv", _canonical(tmp_path / "c.csv", later))
    assert third.rows_replaced == 1 + 7 + 1

    undo(store, again.import_id)
    # The first import's rows come back, but those the third import covers stay replaced by it.
    by = dict(
        store.rows(
            "SELECT coalesce(replaced_by, 0), count(*) FROM facts WHERE import_id = $id GROUP BY 1",
            {"id": first.import_id},
        )
    )
    assert by == {0: 63 - 9, third.import_id: 9}
    assert store.scalar("SELECT sum(views) FROM active_facts") == (62 - 8) * 10 + 1 + 7 + 3
    assert store_checks.rollup_agrees(store)


def test_an_import_leaves_the_checkpoint_to_the_stores_release(store):
    # A threshold every import passes: the COMMIT would write the file out and empty its log.
    with store.connect() as con:
        con.execute("SET checkpoint_threshold = '1KB'")
        threshold = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    report = _import(store, META)
    wal = Path(f"{store.path}.wal")
    assert report.rows_loaded > 0 and wal.exists() and wal.stat().st_size > 0
    assert store.scalar("SELECT current_setting('checkpoint_threshold')") == threshold
    store.close()
    assert not wal.exists() or wal.stat().st_size == 0
