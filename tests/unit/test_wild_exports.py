"""Meta, TikTok, LinkedIn and Google Ads exports as found in the wild, organic social included.

Each fixture in tests/data/ads and tests/data/social (see their README.md) goes through
`python -m vmdash import` and through `preview` + `import_files` (what the Upload page
calls); totals are summed from the raw file with the csv module, independently of the
importer (tests/support/wild_exports.py). Re-importing a file changes nothing; a refused
file leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path

import pytest

from tests.support import store_checks
from tests.support.wild_exports import ADS, CASES, DATA, SOCIAL, raw, total
from vmdash import cli
from vmdash.errors import VmdashError
from vmdash.ingest import Options, Upload, import_files, preview
from vmdash.store import Store


def cli_import(db: Path, path: Path, *extra: str) -> tuple[int, str]:
    """`python -m vmdash import PATH` in this process: exit code and everything it printed."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db), *extra])
    return code, err.getvalue() + out.getvalue()


def sums(store: Store, columns: list[str], where: str = "true") -> dict[str, float | None]:
    select = ", ".join(f"sum({c})" for c in columns)
    row = store.rows(f"SELECT {select} FROM active_facts WHERE {where}")[0]
    return {c: (None if v is None else round(float(v), 6)) for c, v in zip(columns, row, strict=True)}


def _check_loaded(store: Store, want: dict) -> None:
    assert store.scalar("SELECT count(*) FROM active_facts") == want["rows"]
    got = sums(store, list(want["totals"]))
    for column, expected in want["totals"].items():
        if expected is None:
            assert got[column] is None, f"{column} must be NULL (not reported), got {got[column]}"
        else:
            assert got[column] == pytest.approx(expected, abs=1e-6), column
    groups = {
        (p, c, camp): n
        for p, c, camp, n in store.rows("SELECT platform, channel, NULL, count(*) FROM active_facts GROUP BY 1, 2")
    }
    assert groups == {k: v for k, v in want["groups"].items() if v}
    if "dates" in want:
        dates = dict(
            ((d, e), n) for d, e, n in store.rows("SELECT date, date_end, count(*) FROM active_facts GROUP BY 1, 2")
        )
        assert dates == want["dates"]
    if "video_ids" in want:
        assert {r[0] for r in store.rows("SELECT video_id FROM active_facts")} == want["video_ids"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_wild_export_imports_through_the_cli_with_exact_totals(tmp_path, name):
    want = CASES[name]()
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, DATA / name)
    assert code == 0, said
    assert want["format"] in Store(db, idle_release_s=None).scalar("SELECT source_format FROM imports")
    if want.get("left_out"):
        assert f"{want['left_out']} row(s) left out (posts that are not videos" in said
    store = Store(db, idle_release_s=None)
    try:
        _check_loaded(store, want)
        before = store_checks.fingerprint(store)
    finally:
        store.close()
    # The same file again: nothing changes.
    code, said = cli_import(db, DATA / name)
    assert code == 0 and "already imported" in said, said
    store = Store(db, idle_release_s=None)
    try:
        assert store_checks.fingerprint(store) == before
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_wild_export_previews_and_imports_through_the_upload_path(store, tmp_path, name):
    want = CASES[name]()
    path = DATA / name
    report, frames = preview(store, Upload(path, path.name))
    assert report.parts[0].loadable == want["rows"]
    assert report.parts[0].detection.format.name == want["format"]
    if want.get("left_out"):
        assert f"{want['left_out']} row(s) left out" in report.parts[0].left_out
    import_files(store, [Upload(path, path.name)])
    _check_loaded(store, want)
    before = store_checks.fingerprint(store)
    # A copy with other bytes (a re-download) replaces its own rows: the totals stay.
    copy = tmp_path / path.name
    data = path.read_bytes()
    utf16 = data[:2] == b"\xff\xfe"
    newline = "\r\n" if ("\r\n".encode("utf-16-le") if utf16 else b"\r\n") in data else "\n"
    copy.write_bytes(data + newline.encode("utf-16-le" if utf16 else "utf-8"))
    [again] = import_files(store, [Upload(copy, copy.name)])
    assert again.rows_replaced == want["rows"]
    _check_loaded(store, want)
    assert store_checks.fingerprint(store)["imports"][0] == before["imports"][0] + 1


def test_meta_objectives_campaign_tokens_win_and_leads_are_conversion(store):
    import_files(store, [Upload(ADS / "meta_placements_objectives.csv", "meta.csv")])
    by_campaign = dict(store.rows("SELECT DISTINCT campaign, objective FROM active_facts"))
    assert by_campaign == {
        "FR_2026Q2_FID_Clientes-VIP": "loyalty",  # _FID_ beats Meta's "Sales"
        "Printemps Considération": "acquisition",  # 'consideration' matches without accent or case
        "Leads formulaire essai": "conversion",  # Meta "Leads", no token
    }


def test_linkedin_lead_generation_is_conversion_and_tokens_ignore_accents(store):
    import_files(store, [Upload(ADS / "linkedin_lead_generation.csv", "li.csv")])
    by_campaign = dict(store.rows("SELECT DISTINCT campaign, objective FROM active_facts"))
    assert by_campaign == {"Demande de démo Q2": "conversion", "CONSIDÉRATION webinar": "acquisition"}


def test_audience_network_and_messenger_keep_their_own_platform(store):
    from vmdash import model

    import_files(store, [Upload(ADS / "meta_placements_objectives.csv", "meta.csv")])
    platforms = {r[0] for r in store.rows("SELECT DISTINCT platform FROM active_facts")}
    assert platforms == {"facebook", "instagram", "audience_network", "messenger"}
    assert all(p in model.PLATFORMS and p in model.PLATFORM_LABELS for p in platforms)
    assert "meta" not in platforms


def test_yearless_dates_are_refused_without_a_year_and_load_with_one(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    path = SOCIAL / "Overview.csv"
    cli_import(db, ADS / "meta_ad_level_no_campaign.csv")
    store = Store(db, idle_release_s=None)
    before = store_checks.fingerprint(store)
    store.close()
    code, said = cli_import(db, path)
    lines = said.strip().splitlines()
    assert code == 1 and len(lines) == 1, said
    assert "Overview.csv" in said and "no year" in said and "--year" in said and "Upload page" in said
    store = Store(db, idle_release_s=None)
    try:
        assert store_checks.fingerprint(store) == before
        with pytest.raises(VmdashError, match="--year"):
            preview(store, Upload(path, path.name))
        assert store_checks.fingerprint(store) == before
    finally:
        store.close()
    code, said = cli_import(db, path, "--year", "2026")
    assert code == 0, said
    rows = raw(path)
    store = Store(db, idle_release_s=None)
    try:
        where = "platform = 'tiktok'"
        assert store.scalar(f"SELECT count(*) FROM active_facts WHERE {where}") == len(rows)
        got = sums(store, ["views", "comments"], where)
        assert got == {"views": total(rows, "Video Views"), "comments": total(rows, "Comments")}
        assert got["comments"] == 12 + 18 - 2 + 25 + 7  # a negative daily count is kept
        span = store.rows(f"SELECT min(date), max(date) FROM active_facts WHERE {where}")[0]
        assert span == (dt.date(2026, 2, 26), dt.date(2026, 3, 2))
    finally:
        store.close()


def test_a_year_out_of_range_is_refused_in_one_line(tmp_path):
    code, said = cli_import(tmp_path / "v.duckdb", SOCIAL / "Overview.csv", "--year", "1850")
    assert code == 1 and said.strip().count("\n") == 0 and "1990" in said, said
    with pytest.raises(VmdashError):
        Options(year=12026)


def test_tiktok_viewers_are_recognised_and_refused_with_the_reason(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, SOCIAL / "Viewers.csv")
    assert code == 1 and len(said.strip().splitlines()) == 1, said
    assert "TikTok Studio (Viewers.csv)" in said and "people, not plays" in said


def test_a_daily_series_of_another_metric_is_refused_naming_it(tmp_path):
    path = tmp_path / "Reach.csv"
    path.write_text('sep=,\n"Reach"\n"Date","Primary"\n"2026-03-26T00:00:00","120"\n', encoding="utf-8")
    code, said = cli_import(tmp_path / "vmdash.duckdb", path)
    assert code == 1 and "'Reach'" in said and "Views" in said, said


def test_only_non_video_posts_is_refused_saying_why(tmp_path):
    rows = (SOCIAL / "May-25-2026_Jun-21-2026_1493633672508178.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "May-25-2026_Jun-21-2026_1.csv"
    path.write_text("\n".join([rows[0], *(r for r in rows[1:] if "IG reel" not in r)]) + "\n", encoding="utf-8")
    code, said = cli_import(tmp_path / "vmdash.duckdb", path)
    assert code == 1 and "nothing in it is loaded: 2 row(s) left out (posts that are not videos" in said, said


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("May-25-2026_Jun-21-2026_1493633672508178.csv", {"date": "2026-05-25", "date_end": "2026-06-21"}),
        ("Dec-29-2025_Jan-25-2026_1.csv", {"date": "2025-12-29", "date_end": "2026-01-25"}),
        ("Feb-30-2026_Mar-21-2026_1.csv", {}),
        ("Foo-01-2026_Mar-21-2026_1.csv", {}),
        (
            "Contenu 2026-03-01_2026-03-31 Maison.zip",
            {"date": "2026-03-01", "date_end": "2026-03-31", "video_title": "Maison"},
        ),
    ],
)
def test_periods_in_file_names(name, expected):
    from vmdash.ingest.guard import context_from_name

    assert context_from_name(name) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"March 1, 2026 - March 31, 2026"', (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("1 de março de 2026 - 31 de março de 2026", (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("1. März 2026 – 31. März 2026", (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("2026-03-01 - 2026-03-31", (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("Campaign report", None),
        ("March 31, 2026 - March 1, 2026", None),
    ],
)
def test_preamble_date_ranges(line, expected):
    from vmdash.ingest.period import preamble_range

    assert preamble_range(["Campaign report", line]) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("8 de marzo", dt.date(2026, 3, 8)),
        ("February 28", dt.date(2026, 2, 28)),
        ("8 de março de 2025", dt.date(2025, 3, 8)),
        ("8. März 2025", dt.date(2025, 3, 8)),
        ("12 dic 2025", dt.date(2025, 12, 12)),
        ("3 mars 2026", dt.date(2026, 3, 3)),
        ("2025/10/31", dt.date(2025, 10, 31)),
        ("2026-03-29T01:00:00", dt.date(2026, 3, 29)),
        ("June 3, 2026", dt.date(2026, 6, 3)),
        ("not a date", None),
    ],
)
def test_dates_in_every_month_language(store, cell, expected):
    from vmdash.ingest import sqlkit

    with store.connect() as con:
        sql = f"SELECT {sqlkit.date('c0', False, True)} FROM (SELECT $v AS c0)"
        got = con.execute(sql, {"v": cell, "year": 2026, "year_last": None})
        assert got.fetchone()[0] == expected


def test_a_yearless_date_in_a_period_across_new_year_takes_the_right_year(tmp_path):
    path = tmp_path / "Overview 2025-12-30_2026-01-02.csv"
    path.write_text(
        "Date,Video Views,Profile Views,Likes,Comments,Shares\n"
        "December 30,10,1,1,0,0\nDecember 31,20,1,1,0,0\nJanuary 1,30,1,1,0,0\nJanuary 2,40,1,1,0,0\n",
        encoding="utf-8",
    )
    db = tmp_path / "vmdash.duckdb"
    code, said = cli_import(db, path)
    assert code == 0, said
    store = Store(db, idle_release_s=None)
    try:
        dates = [r[0] for r in store.rows("SELECT date FROM active_facts ORDER BY date")]
    finally:
        store.close()
    assert dates == [dt.date(2025, 12, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 1, 2)]


def test_month_tables_cover_twelve_months_per_language():
    from vmdash.ingest import languages

    assert set(languages.MONTHS) >= {"fr", "es", "pt", "de"}
    assert all(len(months) == 12 for months in languages.MONTHS.values())
