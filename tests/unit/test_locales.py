"""French exports in every container: each imports with the exact totals of the numbers it was written from.

The files in tests/data/fr/ are written by tests/data/make_fr.py; every expected
number here is summed from that generator's own records, never read back from
vmdash. Detection must name the format, the locale and its evidence; summary rows
and report lines before the header must never be loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.data import make_fr
from tests.support import store_checks
from vmdash import queries
from vmdash.errors import ImportRejected, UnknownFormat
from vmdash.ingest import Upload, import_files, preview

FR = Path(__file__).resolve().parents[1] / "data" / "fr"
EXPORTS = make_fr.build()


def _sum(records: list[dict], key: str) -> int | float | None:
    values = [r[key] for r in records if r.get(key) is not None]
    return sum(values) if values else None


def _money(records: list[dict], key: str = "spend_cents") -> float:
    return sum(r[key] for r in records if r.get(key) is not None) / 100


def _half_up(x: float) -> int:
    # DuckDB's round(): half away from zero (counts are positive here).
    return math.floor(x + 0.5)


def meta_totals(rs):
    out = {k: _sum(rs, k) for k in ("impressions", "reach", "clicks", "views_3s", "views", "thruplays")}
    out |= {f"plays_p{q}": _sum(rs, f"plays_p{q}") for q in (25, 50, 75, 95, 100)}
    out |= dict(spend=_money(rs), conversions=_sum(rs, "conversions"))
    out["conversion_value"] = _money(rs, "conversion_value_cents")
    return out


def tiktok_totals(rs):
    keys = ("impressions", "reach", "clicks", "video_starts", "views", "views_3s", "conversions")
    out = {k: _sum(rs, k) for k in keys}
    out |= {f"plays_p{q}": _sum(rs, f"plays_p{q}") for q in (25, 50, 75, 100)}
    out |= dict(spend=_money(rs), watch_time_s=sum(r["avg_play_s"] * r["video_starts"] for r in rs))
    return out


def table_totals(rs):
    # 'Abonnés' is Studio's net figure (gained minus lost): never stored as subscribers gained.
    out = {k: _sum(rs, k) for k in ("views", "impressions")}
    out["watch_time_s"] = sum(r["watch_time_ten_thousandths_h"] for r in rs) * 3600 / 10_000
    return out


def zip_kept(rs):
    """The records one import of table and chart data keeps: the table's, and days of videos it lacks."""
    table = [r for r in rs if "impressions" in r]
    periodic = {r["video_id"] for r in table}
    return table + [r for r in rs if "date" in r and r["video_id"] not in periodic]


def zip_totals(rs):
    kept = zip_kept(rs)
    table = [r for r in kept if "impressions" in r]
    out = table_totals(table)
    # The period rows stay whole (every KPI reads as the table's); daily views only add videos it lacks.
    out["views"] = _sum(kept, "views")
    return out


def linkedin_totals(rs):
    keys = ("impressions", "clicks", "video_starts", "views", "views_3s", "conversions")
    out = {k: _sum(rs, k) for k in keys}
    out |= {f"plays_p{q}": _sum(rs, f"plays_p{q}") for q in (25, 50, 75, 100)}
    out["spend"] = _money(rs)
    return out


def google_totals(rs):
    out = {k: _sum(rs, k) for k in ("impressions", "views", "clicks")}
    out["spend"] = _money(rs)
    out["conversions"] = sum(r["conversions_hundredths"] for r in rs) / 100
    for i, q in enumerate((25, 50, 75, 100)):
        # Google gives quartiles as rates of impressions: the count is rate x impressions, rounded.
        out[f"plays_p{q}"] = sum(_half_up(r["rates"][i] / 100.0 * r["impressions"]) for r in rs)
    return out


def wistia_totals(rs):
    out = {k: _sum(rs, k) for k in ("impressions", "views", "reach")}
    out |= dict(video_starts=out["views"], watch_time_s=sum(r["watch_time_hundredths_h"] for r in rs) * 36)
    return out


# name -> (format(s), detection evidence, expected totals, measures that must stay NULL, platforms)
FACTS: dict[str, tuple[str, str, Callable, tuple[str, ...], dict[str, int] | None]] = {
    "meta_ads_manager_fr.csv": (
        "meta_ads_manager",
        "Meta Ads Manager, French: headers 'Début des rapports', 'Fin des rapports', decimal comma, "
        "';' delimiter, UTF-8 with BOM",
        meta_totals,
        ("video_starts", "watch_time_s", "subscribers_gained"),
        {"facebook": 12, "instagram": 12},
    ),
    "tiktok_ads_fr.csv": (
        "tiktok_ads",
        "TikTok Ads Manager, French: headers 'Par jour', 'Nom de la campagne', decimal point, ',' delimiter, UTF-8",
        tiktok_totals,
        ("thruplays", "plays_p95", "conversion_value"),
        {"tiktok": 30},
    ),
    "youtube_table_data_fr.csv": (
        "youtube_table_data",
        "YouTube Studio (table data), French: headers 'Contenu', 'Titre de la vidéo', decimal comma, "
        "',' delimiter, UTF-8",
        table_totals,
        ("clicks", "spend", "plays_p25", "video_starts", "subscribers_gained"),
        {"youtube": 6},
    ),
    "youtube_chart_data_fr.csv": (
        "youtube_chart_data",
        "YouTube Studio (chart data), French: headers 'Contenu', 'Titre de la vidéo'",
        lambda rs: {"views": _sum(rs, "views")},
        ("impressions", "watch_time_s", "spend"),
        {"youtube": 93},
    ),
    make_fr.YOUTUBE_ZIP: (
        "youtube_chart_data+youtube_table_data",
        "Données du tableau.csv: YouTube Studio (table data), French: headers 'Contenu'",
        zip_totals,
        ("clicks", "spend", "video_starts", "subscribers_gained"),
        None,
    ),
    "linkedin_campaign_manager_fr.csv": (
        "linkedin_campaign_manager",
        "LinkedIn Campaign Manager, French: headers 'Date de début (UTC)', 'Nom du groupe de campagnes', "
        "decimal comma, tab delimiter, UTF-16, 5 preamble line(s) skipped",
        linkedin_totals,
        ("reach", "thruplays", "plays_p95", "watch_time_s", "conversion_value"),
        {"linkedin": 56},
    ),
    "google_ads_video_fr.csv": (
        "google_ads_video",
        "Google Ads (video campaigns), French: headers 'Jour', 'Campagne', decimal comma, ';' delimiter, "
        "Windows-1252, 2 preamble line(s) skipped",
        google_totals,
        ("reach", "video_starts", "views_3s", "thruplays", "plays_p95", "watch_time_s", "likes"),
        {"google_ads": 30},
    ),
    make_fr.WISTIA_XLSX: (
        "wistia_media_stats",
        "Wistia media stats, French: headers 'ID du média', 'Nom du média'",
        wistia_totals,
        ("clicks", "spend", "plays_p100"),
        {"wistia": 4},
    ),
}


def test_committed_files_are_what_the_generator_writes():
    # The expected numbers below come from the generator: the files must be its output.
    on_disk = {p.name for p in FR.iterdir()}
    assert on_disk == set(EXPORTS)
    for name, export in EXPORTS.items():
        data = (FR / name).read_bytes()
        assert data == export.data, f"{name} is stale: run python -m tests.data.make_fr"
        assert len(data) < 50_000, name


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FACTS))
def test_french_export_imports_with_exact_totals(store, name):
    fmt, evidence, expected, nulls, platforms = FACTS[name]
    export = EXPORTS[name]
    [report] = import_files(store, [Upload(FR / name, name)])
    assert report.source_format == fmt
    assert report.locale == "fr"
    assert evidence in report.detection_text()
    assert report.rows_rejected == 0
    records = zip_kept(export.records) if name == make_fr.YOUTUBE_ZIP else export.records
    assert report.rows_loaded == len(records)
    assert sum(p.summary_rows for p in report.parts) == export.summary_rows
    totals = queries.summary(store).iloc[0]
    assert totals["rows"] == len(records)
    want = expected(export.records)
    assert want, name
    for measure, value in want.items():
        assert value is not None, measure
        assert totals[measure] == pytest.approx(value, abs=0.005), measure
    for measure in nulls:
        assert store.scalar(f'SELECT count("{measure}") FROM active_facts') == 0, measure
    assert dict(store.rows("SELECT platform, count(*) FROM active_facts GROUP BY 1")) == (
        platforms or {"youtube": len(records)}
    )
    # What was detected is kept with the import.
    assert store.rows("SELECT source_format, locale FROM imports") == [(fmt, "fr")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        # '01/03/2026' is the 1st of March, not the 3rd of January
        ("meta_ads_manager_fr.csv", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("linkedin_campaign_manager_fr.csv", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("google_ads_video_fr.csv", dt.date(2026, 3, 1), dt.date(2026, 3, 10)),
        # '1er mars 2026' ... '31 mars 2026'
        ("youtube_chart_data_fr.csv", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        # a ZIP's name gives the table data its period
        (make_fr.YOUTUBE_ZIP, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ],
)
def test_french_dates_read_day_first_and_by_month_name(store, name, first, last):
    import_files(store, [Upload(FR / name, name)])
    assert store.rows("SELECT min(date), max(coalesce(date_end, date)) FROM active_facts") == [(first, last)]
    assert store.scalar("SELECT count(*) FROM active_facts WHERE date IS NULL") == 0


def test_french_publish_dates_titles_and_durations(store):
    name = "youtube_table_data_fr.csv"
    import_files(store, [Upload(FR / name, name)])
    stored = {
        r[0]: r[1:] for r in store.rows("SELECT video_id, video_title, published_at, video_duration_s FROM facts")
    }
    months = {m: i + 1 for i, m in enumerate(make_fr.MOIS)}
    assert len(stored) == len(make_fr.YOUTUBE_VIDEOS)
    for video_id, title, (day, month), duration in make_fr.YOUTUBE_VIDEOS:
        year = 2025 if month == 12 else 2026
        assert stored[video_id] == (title, dt.date(year, months[make_fr.MOIS[month - 1]], day), duration)


def test_meta_french_ad_sets_and_objectives_come_through(store):
    name = "meta_ads_manager_fr.csv"
    import_files(store, [Upload(FR / name, name)])
    records = EXPORTS[name].records
    # 'Nom de l’ensemble de publicités' has a curly apostrophe.
    assert store.scalar("SELECT count(DISTINCT ad_set) FROM active_facts") == len(make_fr.META_CAMPAIGNS)
    want = {}
    for r in records:
        want[r["objective"]] = want.get(r["objective"], 0) + 1
    assert dict(store.rows("SELECT objective, count(*) FROM active_facts GROUP BY 1")) == want
    assert store.rows("SELECT DISTINCT currency FROM active_facts") == [("EUR",)]


def test_summary_rows_and_report_lines_are_never_loaded(store):
    for name in ("tiktok_ads_fr.csv", "youtube_table_data_fr.csv", "google_ads_video_fr.csv"):
        import_files(store, [Upload(FR / name, name)])
    campaigns = {r[0] for r in store.rows("SELECT DISTINCT coalesce(campaign, video_id) FROM active_facts")}
    assert not {c for c in campaigns if c.lower().startswith(("total", "rapport", "1 mars"))}
    assert store.scalar("SELECT count(*) FROM active_facts") == sum(
        len(EXPORTS[n].records) for n in ("tiktok_ads_fr.csv", "youtube_table_data_fr.csv", "google_ads_video_fr.csv")
    )
    # A LinkedIn report's first lines name the account and the dates: none is a row.
    name = "linkedin_campaign_manager_fr.csv"
    report, frames = preview(store, Upload(FR / name, name))
    assert report.parts[0].detection.header_line == EXPORTS[name].preamble_lines == 5
    assert report.parts[0].rows_read == len(EXPORTS[name].records)
    assert frames[0]["campaign"].iloc[0] == make_fr.LINKEDIN_CAMPAIGNS[0][1]


def test_youtube_zip_says_its_totals_file_is_not_loaded(store):
    [report] = import_files(store, [Upload(FR / make_fr.YOUTUBE_ZIP, make_fr.YOUTUBE_ZIP)])
    assert [p.part.display_name.split(" › ")[1] for p in report.parts] == [
        "Données du tableau.csv",
        "Données du graphique.csv",
    ]
    assert "Totaux.csv not loaded (YouTube Studio (totals)" in report.summary_line()


def test_a_zip_of_totals_alone_is_refused_with_the_reason(store, tmp_path):
    path = tmp_path / "Totaux seulement.zip"
    with zipfile.ZipFile(path, "w") as z, zipfile.ZipFile(FR / make_fr.YOUTUBE_ZIP) as src:
        z.writestr("Totaux.csv", src.read("Totaux.csv"))
    before = store_checks.fingerprint(store)
    with pytest.raises(
        ImportRejected, match=r"^Totaux seulement\.zip: nothing in it is loaded: YouTube Studio \(totals\)"
    ):
        import_files(store, [Upload(path, path.name)])
    assert store_checks.fingerprint(store) == before


# -- retention: every curve ends up on 0-100 % of the video's length ----------------------------


def test_youtube_french_retention_keeps_positions_and_reads_decimal_commas(store):
    name = make_fr.RETENTION_CSV
    [report] = import_files(store, [Upload(FR / name, name)])
    assert report.source_format == "youtube_audience_retention" and report.locale == "fr"
    assert (
        "YouTube Studio (audience retention), French: headers 'Position dans la vidéo (%)'" in report.detection_text()
    )
    stored = store.rows("SELECT video_id, position_pct, audience_ratio FROM active_retention ORDER BY position_pct")
    records = EXPORTS[name].records
    assert len(stored) == len(records) == 100
    # The video is known only from the file's name.
    assert {s[0] for s in stored} == {"Comment nous fabriquons notre sérum"}
    for (_, position, ratio), want in zip(stored, records, strict=True):
        assert position == want["position_pct"]
        assert ratio == pytest.approx(want["audience_ratio"], abs=1e-9)


@pytest.mark.parametrize(
    ("zip_name", "member"),
    [
        ("Fidélisation de l'audience Notre sérum.zip", "Organique.csv"),
        ("Fidélisation de l’audience Notre sérum.zip", "Fidélisation de l'audience.csv"),
    ],
)
def test_a_french_retention_zip_names_its_video(store, tmp_path, zip_name, member):
    path = tmp_path / zip_name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(member, (FR / make_fr.RETENTION_CSV).read_bytes())
    import_files(store, [Upload(path, path.name)])
    assert store.rows("SELECT DISTINCT video_title, video_id FROM active_retention") == [("Notre sérum", "Notre sérum")]


def test_wistia_french_engagement_seconds_become_percent_of_length(store):
    name = "wistia_engagement_fr.csv"
    [report] = import_files(store, [Upload(FR / name, name)])
    assert report.locale == "fr" and "decimal comma, ';' delimiter, UTF-8 with BOM" in report.detection_text()
    stored = store.rows(
        "SELECT video_id, position_pct, audience_ratio FROM active_retention ORDER BY video_id, position_pct"
    )
    records = sorted(EXPORTS[name].records, key=lambda r: (r["video_id"], r["second"]))
    assert len(stored) == len(records)
    for (video_id, position, ratio), want in zip(stored, records, strict=True):
        assert video_id == want["video_id"]
        assert position == pytest.approx(want["second"] * 100 / want["duration"])
        assert ratio == pytest.approx(want["audience_ratio"], abs=1e-9)
    assert store.scalar("SELECT max(position_pct) FROM active_retention") < 100


# -- a long French file: the locale holds past the lines detection samples ---------------------


def test_a_decimal_comma_first_seen_past_the_sample_still_reads_as_one(store, tmp_path):
    # 2,500 lines (past DuckDB's 2,048-line sniffing); the first 2,300 hold whole euros and days
    # up to the 12th only, so neither the decimal mark nor the date order shows where detection looks.
    text, spends = make_fr.long_french_csv(2500, plain_rows=2300)
    path = tmp_path / "export_long.csv"
    path.write_text(text, encoding="utf-8")
    [report] = import_files(store, [Upload(path, path.name)])
    assert report.rows_loaded == 2500 and report.rows_rejected == 0
    assert "decimal comma, ';' delimiter" in report.detection_text()
    assert store.scalar("SELECT sum(spend) FROM active_facts") == pytest.approx(sum(spends) / 100, abs=0.005)
    assert store.scalar("SELECT sum(impressions) FROM active_facts") == sum(1000 + n for n in range(2500))
    # '03/02/2026' is the 3rd of February: every row is in February.
    assert store.rows("SELECT min(date), max(date) FROM active_facts") == [(dt.date(2026, 2, 1), dt.date(2026, 2, 28))]


# -- bad French files: the message names the file, and the row and column where there is one ---


def _refused(store, path: Path, *patterns: str) -> ImportRejected:
    before = store_checks.fingerprint(store)
    with pytest.raises(ImportRejected) as caught:
        import_files(store, [Upload(path, path.name)])
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ") and "\n" not in message
    for pattern in patterns:
        assert pattern in message, message
    assert store_checks.fingerprint(store) == before
    return caught.value


def test_unreadable_spend_cells_are_null_and_counted_not_a_reason_to_refuse(store, tmp_path):
    lines = (FR / "meta_ads_manager_fr.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    # Spend of data rows 3 to 14 is text: a measure that cannot be read is NULL for that cell.
    spends = []
    for n in range(1, len(lines)):
        cells = lines[n].split(";")
        if len(cells) < 8:
            continue
        if 3 <= n <= 14:
            cells[7] = "douze euros"
        else:
            spends.append(float(re.sub(r"[\s\u202f\u00a0]", "", cells[7]).replace(",", ".")))
        lines[n] = ";".join(cells)
    path = tmp_path / "Méta mars.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    [report] = import_files(store, [Upload(path, path.name)])
    assert report.rows_rejected == 0 and report.rows_loaded == 24
    assert report.null_cells()["spend"] == 12
    assert "cells read as NULL: " in report.summary_line() and "spend 12" in report.summary_line()
    assert store.scalar("SELECT sum(spend) FROM active_facts") == pytest.approx(sum(spends))


def test_broken_utf16_names_the_file_and_the_byte(store, tmp_path):
    data = (FR / "linkedin_campaign_manager_fr.csv").read_bytes()
    path = tmp_path / "linkedin_février.csv"
    path.write_bytes(data[:4000] + "\ud800".encode("utf-16-le", "surrogatepass") + b"A\x00" + data[4000:])
    _refused(store, path, "text encoding is broken (UTF-16 expected, bad byte at offset")


def test_not_cp1252_nor_utf8_is_a_broken_encoding(store, tmp_path):
    data = (FR / "google_ads_video_fr.csv").read_bytes()
    path = tmp_path / "google_ads_cassé.csv"
    path.write_bytes(data.replace(b"\xe9", b"\x81", 1))  # 0x81 is no character in Windows-1252
    _refused(store, path, "text encoding is broken (neither UTF-8 nor Windows-1252)")


def test_an_unknown_french_layout_asks_for_a_mapping(store, tmp_path):
    path = tmp_path / "rapport hebdo.csv"
    path.write_text("Jour;Créa;Affichages;Vues\n03/02/2026;Spot A;1 200;300\n", encoding="utf-8")
    error = _refused(store, path, "not an export", "first line: 'Jour;Créa;Affichages;Vues'", "Map its columns")
    assert isinstance(error, UnknownFormat)


def test_an_empty_french_file_is_refused(store, tmp_path):
    path = tmp_path / "export_vide.csv"
    path.write_bytes(b"")
    _refused(store, path, "the file is empty")
    path.write_bytes(make_fr.BOM.encode() + b"\r\n")
    _refused(store, path, "the file is empty")


def test_an_unsafe_member_in_a_youtube_zip_is_refused_by_name(store, tmp_path):
    path = tmp_path / "Contenu piégé.zip"
    with zipfile.ZipFile(path, "w") as z, zipfile.ZipFile(FR / make_fr.YOUTUBE_ZIP) as src:
        z.writestr("Données du tableau.csv", src.read("Données du tableau.csv"))
        z.writestr("../Données du graphique.csv", src.read("Données du graphique.csv"))
    _refused(store, path, "the ZIP member '../Données du graphique.csv' points outside the archive; refused")


def test_a_zip_that_expands_too_much_is_refused(store, tmp_path):
    path = tmp_path / "Contenu énorme.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Données du tableau.csv", b"Contenu,Vues\n" + b"0" * 3_000_000)
    _refused(store, path, "the ZIP member 'Données du tableau.csv' expands", "times (a zip bomb?); refused")


def test_a_file_over_the_size_cap_is_refused_before_reading(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VMDASH_MAX_FILE_MB", "1")
    path = tmp_path / "meta_trop_gros.csv"
    with path.open("wb") as fh:
        fh.write((FR / "meta_ads_manager_fr.csv").read_bytes())
        fh.truncate(3 * 1024 * 1024)  # sparse: nothing more is written
    _refused(store, path, "the file is 3 MB, over the 1 MB limit; split the export by date range")
