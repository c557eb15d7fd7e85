"""Write tests/data/fr/: French-locale platform exports with known numbers (deterministic).

    python -m tests.data.make_fr          # rewrite the files
    python -m tests.data.make_fr --check  # exit 1 when a committed file differs

Every file is built from records held here (`build()`), so a test can sum the
generator's own numbers and compare them with what vmdash stored. Brand, money
and campaign naming follow the English samples (../shared/fixtures/exports):
"Maison Lumière", EUR, Q1 2026, `_AWA_` / `_ACQ_` / `_CONV_` / `_FID_` tokens.

Where the French header spellings come from (confidence in brackets):
- Meta Ads Manager: 'Début des rapports', 'Fin des rapports', 'Nom de la campagne',
  'Nom de l’ensemble de publicités' (curly apostrophe), 'Nom de la publicité',
  'Montant dépensé (EUR)', 'Couverture', 'Répétition', 'Clics sur un lien',
  'Lectures de vidéo de 3 secondes', 'ThruPlays', 'Achats', 'Valeur de conversion des
  achats', 'CPM (coût pour 1 000 impressions) (EUR)' are the column names public parsers of
  real French Ads Manager exports look for (GitHub code search) [high]; the quartile plays
  'Lectures de la vidéo à 25 %' ... [low: not seen in a public source].
- TikTok Ads Manager: help centre in French (ads.tiktok.com/help, lang=fr, video play and
  Spark Ads metric lists): 'Vues de vidéos', 'Vues de 6 secondes de la vidéo',
  'Vues de la vidéo à 25 %' ... 'Durée moyenne de lecture par vue de la vidéo', 'Clics',
  'Coût' [medium]; the 'Total de N résultats' last row mirrors the English one [low].
- YouTube Studio: 'Contenu', 'Titre de la vidéo', 'Heure de publication de la vidéo',
  'Durée', 'Vues', 'Durée de visionnage (heures)', 'Abonnés', 'Impressions',
  'Taux de clics par impression (%)', 'Durée moyenne de visionnage'; member names
  'Données du tableau.csv', 'Données du graphique.csv', 'Totaux.csv'; quoted cells with
  narrow no-break spaces and decimal commas, ',' delimiter, dates like '2 févr. 2026':
  public parsers and tests of real French Studio downloads [medium-high].
  Retention: 'Position dans la vidéo (%)', 'Fidélisation absolue de l'audience (%)' [low].
- LinkedIn Campaign Manager: UTF-16 with BOM, tab-delimited, a few report lines before the
  header (as the English export) [medium for the container]; French headers [low].
- Google Ads: 'Jour', 'Campagne', 'Code de la devise', 'Impr.', 'Coût', 'Vidéo lue jusqu'à
  25 %' ... [low]; the two preamble lines and 'Total : ...' rows mirror the English report.
- Wistia: its app is English-only; the French headers are an analyst's translation [low].
Numbers follow FACTS.md: Excel re-saves use ';', decimal commas, a BOM and no-break or
narrow no-break spaces as thousands separators, '45,2 %'.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent / "fr"
NBSP, NNBSP = "\u00a0", "\u202f"
BOM = "\ufeff"
SEED = 20260301
MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
YOUTUBE_ZIP = "Contenu 2026-03-01_2026-03-31 Maison Lumière.zip"
RETENTION_CSV = "Fidélisation de l'audience 2026-03-01_2026-03-31 Comment nous fabriquons notre sérum.csv"


@dataclass
class Export:
    """One generated file: its bytes and the records its data rows were written from."""

    name: str
    data: bytes
    records: list[dict] = field(default_factory=list)  # canonical names, Python numbers
    summary_rows: int = 0
    preamble_lines: int = 0


# -- number spellings -------------------------------------------------------------------------


def grouped(n: int, sep: str) -> str:
    """1234567 -> '1 234 567' with the given separator."""
    text = f"{n:,}"
    return text.replace(",", sep)


def fr_int(n: int, sep: str = NNBSP) -> str:
    return grouped(n, sep)


def fr_dec(cents: int, sep: str = NNBSP) -> str:
    """Money from cents: 171114 -> '1 711,14'."""
    whole, frac = divmod(cents, 100)
    return f"{grouped(whole, sep)},{frac:02d}"


def fr_float(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def fr_pct(value: float, places: int = 2, space: str = NBSP) -> str:
    return f"{fr_float(value, places)}{space}%"


def fr_date(day: int, month: int = 3, year: int = 2026) -> str:
    return f"{'1er' if day == 1 else day} {MOIS[month - 1]} {year}"


def csv_text(rows: list[list[str]], delimiter: str, newline: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


# -- Meta Ads Manager (Excel re-save: BOM, ';', decimal comma, NBSP / NNBSP thousands, CRLF) ----

META_CAMPAIGNS = (
    ("FR_2026Q1_AWA_Lancement-Sérum", "Femmes 25-44 FR", "Notoriété", ("UGC_Claire_9x16_15s", "Démo_Sérum_1x1_30s")),
    ("FR_2026Q1_ACQ_Trafic-Blog", "Intérêts beauté", "Trafic", ("Tuto_Routine_9x16_20s", "Avant-après_4x5_10s")),
    ("FR_2026Q1_CONV_Boutique-Sérum", "Visiteurs 30j", "Ventes", ("Promo_-20_9x16_12s", "Catalogue_1x1_6s")),
)
META_PERIODS = ((1, 15), (16, 31))


def meta(rng: random.Random) -> Export:
    header = [
        "Début des rapports",
        "Fin des rapports",
        "Nom de la campagne",
        "Nom de l’ensemble de publicités",
        "Nom de la publicité",
        "Plateforme",
        "Objectif",
        "Montant dépensé (EUR)",
        "Impressions",
        "Couverture",
        "Répétition",
        "CPM (coût pour 1 000 impressions) (EUR)",
        "Clics sur un lien",
        "CTR (taux de clics sur le lien)",
        "Lectures de vidéo de 3 secondes",
        "ThruPlays",
        "Lectures de la vidéo à 25 %",
        "Lectures de la vidéo à 50 %",
        "Lectures de la vidéo à 75 %",
        "Lectures de la vidéo à 95 %",
        "Lectures de la vidéo à 100 %",
        "Achats",
        "Valeur de conversion des achats",
    ]
    rows, records = [header], []
    n = 0
    for start, end in META_PERIODS:
        for campaign, ad_set, objective, ads in META_CAMPAIGNS:
            for ad in ads:
                for platform in ("facebook", "instagram"):
                    n += 1
                    impressions = rng.randint(8_000, 2_400_000)
                    reach = int(impressions / rng.uniform(1.1, 1.9))
                    spend = rng.randint(5_000, 380_000)  # cents
                    clicks = int(impressions * rng.uniform(0.002, 0.012))
                    v3 = int(impressions * rng.uniform(0.15, 0.45))
                    p25 = int(v3 * rng.uniform(0.45, 0.65))
                    p50 = int(p25 * rng.uniform(0.6, 0.8))
                    p75 = int(p50 * rng.uniform(0.7, 0.85))
                    p95 = int(p75 * rng.uniform(0.8, 0.9))
                    p100 = int(p95 * rng.uniform(0.85, 0.95))
                    thru = int(v3 * rng.uniform(0.2, 0.35))
                    buys = rng.randint(1, 60) if objective == "Ventes" or n % 3 == 0 else None
                    value = rng.randint(3_000, 90_000) * buys if buys else None
                    # Thousands separators vary as they do in re-saved files: NNBSP, NBSP, none.
                    sep = (NNBSP, NBSP, "")[n % 3]
                    rows.append(
                        [
                            f"{start:02d}/03/2026",
                            f"{end:02d}/03/2026",
                            campaign,
                            ad_set,
                            ad,
                            platform,
                            objective,
                            fr_dec(spend, sep),
                            fr_int(impressions, sep),
                            fr_int(reach, sep),
                            fr_float(impressions / reach, 2),
                            fr_float(spend / 100 / impressions * 1000, 2),
                            fr_int(clicks, sep),
                            fr_pct(clicks / impressions * 100, 2, (NBSP, " ", NNBSP)[n % 3]),
                            fr_int(v3, sep),
                            fr_int(thru, sep),
                            fr_int(p25, sep),
                            fr_int(p50, sep),
                            fr_int(p75, sep),
                            fr_int(p95, sep),
                            fr_int(p100, sep),
                            "" if buys is None else str(buys),
                            "" if value is None else fr_dec(value, sep),
                        ]
                    )
                    records.append(
                        dict(
                            date=f"2026-03-{start:02d}",
                            date_end=f"2026-03-{end:02d}",
                            platform=platform,
                            campaign=campaign,
                            objective={"Notoriété": "awareness", "Trafic": "acquisition", "Ventes": "conversion"}[
                                objective
                            ],
                            spend_cents=spend,
                            impressions=impressions,
                            reach=reach,
                            clicks=clicks,
                            views_3s=v3,
                            views=v3,
                            thruplays=thru,
                            plays_p25=p25,
                            plays_p50=p50,
                            plays_p75=p75,
                            plays_p95=p95,
                            plays_p100=p100,
                            conversions=buys,
                            conversion_value_cents=value,
                        )
                    )
    text = BOM + csv_text(rows, ";", "\r\n")
    return Export("meta_ads_manager_fr.csv", text.encode("utf-8"), records)


# -- TikTok Ads Manager (its own French export: French headers, plain numbers, ',') ------------

TIKTOK_ADS = (
    ("FR_2026Q1_AWA_TikTok-TopView-Sérum", "Large 18-34 FR", "Spark_Claire_9x16_15s"),
    ("FR_2026Q1_FID_TikTok-Clientes", "Clientes 12 mois", "Merci_9x16_10s"),
)


def tiktok(rng: random.Random) -> Export:
    header = [
        "Par jour",
        "Nom de la campagne",
        "Nom du groupe d'annonces",
        "Nom de l'annonce",
        "Devise",
        "Coût",
        "Impressions",
        "Couverture",
        "Clics (destination)",
        "CTR (destination)",
        "Vues de vidéo",
        "Vues de vidéo de 2 secondes",
        "Vues de vidéo à 25 %",
        "Vues de vidéo à 50 %",
        "Vues de vidéo à 75 %",
        "Vues de vidéo à 100 %",
        "Durée de lecture moyenne par vue de vidéo",
        "Conversions",
    ]
    rows, records = [header], []
    total_cost = total_impr = 0
    for day in range(1, 16):
        for campaign, group, ad in TIKTOK_ADS:
            impressions = rng.randint(4_000, 60_000)
            cost = rng.randint(2_000, 25_000)
            reach = int(impressions / rng.uniform(1.2, 1.6))
            clicks = int(impressions * rng.uniform(0.002, 0.02))
            views = int(impressions * rng.uniform(0.6, 0.8))
            v2 = int(views * rng.uniform(0.5, 0.7))
            p25 = int(views * rng.uniform(0.4, 0.55))
            p50 = int(p25 * rng.uniform(0.6, 0.75))
            p75 = int(p50 * rng.uniform(0.65, 0.8))
            p100 = int(p75 * rng.uniform(0.6, 0.75))
            avg = round(rng.uniform(4, 11), 2)
            conv = None if "AWA" in campaign and day % 4 else rng.randint(0, 12)
            total_cost += cost
            total_impr += impressions
            rows.append(
                [
                    f"2026-03-{day:02d}",
                    campaign,
                    group,
                    ad,
                    "EUR",
                    f"{cost / 100:.2f}",
                    str(impressions),
                    str(reach),
                    str(clicks),
                    f"{clicks / impressions * 100:.2f}%",
                    str(views),
                    str(v2),
                    str(p25),
                    str(p50),
                    str(p75),
                    str(p100),
                    f"{avg:.2f}",
                    "--" if conv is None else str(conv),
                ]
            )
            records.append(
                dict(
                    date=f"2026-03-{day:02d}",
                    campaign=campaign,
                    spend_cents=cost,
                    impressions=impressions,
                    reach=reach,
                    clicks=clicks,
                    video_starts=views,
                    views=views,
                    views_3s=v2,
                    plays_p25=p25,
                    plays_p50=p50,
                    plays_p75=p75,
                    plays_p100=p100,
                    avg_play_s=avg,
                    conversions=conv,
                )
            )
    total = [f"Total de {len(records)} résultats", "", "", "", "", f"{total_cost / 100:.2f}", str(total_impr)]
    rows.append(total + [""] * (len(header) - len(total)))
    return Export("tiktok_ads_fr.csv", csv_text(rows, ",").encode("utf-8"), records, summary_rows=1)


# -- YouTube Studio: table data, chart data, totals, a ZIP of the three, and retention --------

YOUTUBE_VIDEOS = (
    ("sbq4JgYUL4u", "Comment nous fabriquons notre sérum à Lyon", (2, 2), 493),
    ("NOqiywd2Jz1", "5 erreurs avec le rétinol", (17, 12), 487),
    ("k3Jd9QpLx0a", "Routine du soir : l’essentiel", (8, 1), 312),
    ("Zr7uT2mWq4e", "Sérum éclat – le making-of", (24, 2), 1148),
    ("pA1sD2fG3hJ", "Vos questions, nos réponses (live)", (3, 3), 3605),
    ("Lm9Nb8Vc7Xz", "#Shorts Le geste en 30 secondes", (1, 3), 30),
)
CHART_VIDEOS = 3  # the first three get a daily series


def _publish(day_month: tuple[int, int]) -> str:
    day, month = day_month
    year = 2025 if month == 12 else 2026
    return f"{day} {MOIS[month - 1]} {year}"


def youtube_table(rng: random.Random) -> Export:
    header = [
        "Contenu",
        "Titre de la vidéo",
        "Heure de publication de la vidéo",
        "Durée",
        "Vues",
        "Durée de visionnage (heures)",
        "Abonnés",
        "Durée moyenne de visionnage",
        "Impressions",
        "Taux de clics par impression (%)",
    ]
    body, records = [], []
    for video_id, title, published, duration in YOUTUBE_VIDEOS:
        views = rng.randint(800, 60_000)
        avg_s = int(duration * rng.uniform(0.2, 0.6))
        watch_ten_thousandths = views * avg_s * 10_000 // 3600  # hours with 4 places, as Studio gives
        subs = rng.randint(0, 200)
        impressions = rng.randint(views * 5, views * 20)
        body.append(
            [
                video_id,
                title,
                _publish(published),
                str(duration),
                fr_int(views),
                f"{fr_int(watch_ten_thousandths // 10_000)},{watch_ten_thousandths % 10_000:04d}",
                str(subs),
                f"{avg_s // 3600}:{avg_s % 3600 // 60:02d}:{avg_s % 60:02d}",
                fr_int(impressions),
                fr_float(views / impressions * 100, 2),
            ]
        )
        records.append(
            dict(
                video_id=video_id,
                video_title=title,
                video_duration_s=duration,
                views=views,
                watch_time_ten_thousandths_h=watch_ten_thousandths,
                subscribers_gained=subs,
                impressions=impressions,
            )
        )
    total = [
        "Total",
        "",
        "",
        "",
        fr_int(sum(r["views"] for r in records)),
        "",
        str(sum(r["subscribers_gained"] for r in records)),
        "",
        fr_int(sum(r["impressions"] for r in records)),
        "",
    ]
    text = csv_text([header, total, *body], ",")
    return Export("youtube_table_data_fr.csv", text.encode("utf-8"), records, summary_rows=1)


def youtube_chart(rng: random.Random) -> Export:
    header = ["Date", "Contenu", "Titre de la vidéo", "Heure de publication de la vidéo", "Durée", "Vues"]
    rows, records = [header], []
    for video_id, title, published, duration in YOUTUBE_VIDEOS[:CHART_VIDEOS]:
        for day in range(1, 32):
            views = rng.randint(0, 2_400)
            rows.append([fr_date(day), video_id, title, _publish(published), str(duration), fr_int(views)])
            records.append(dict(date=f"2026-03-{day:02d}", video_id=video_id, views=views))
    return Export("youtube_chart_data_fr.csv", csv_text(rows, ",").encode("utf-8"), records)


def youtube_totals(chart: Export) -> bytes:
    """The channel's daily views ('Totaux.csv'): the chart's videos summed per day."""
    per_day: dict[str, int] = {}
    for r in chart.records:
        per_day[r["date"]] = per_day.get(r["date"], 0) + r["views"]
    rows = [["Date", "Vues"]] + [[d, fr_int(v)] for d, v in sorted(per_day.items())]
    return csv_text(rows, ",").encode("utf-8")


def youtube_zip(table: Export, chart: Export) -> Export:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in (
            ("Données du tableau.csv", table.data),
            ("Données du graphique.csv", chart.data),
            ("Totaux.csv", youtube_totals(chart)),
        ):
            info = zipfile.ZipInfo(member, date_time=(2026, 4, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return Export(YOUTUBE_ZIP, out.getvalue(), table.records + chart.records, summary_rows=table.summary_rows)


def youtube_retention(rng: random.Random) -> Export:
    rows, records = [["Position dans la vidéo (%)", "Fidélisation absolue de l'audience (%)"]], []
    level = 100.0
    for position in range(100):
        if position:
            level = max(5.0, level - rng.uniform(0.1, 1.6) + (3.0 if position == 60 else 0.0))
        rows.append([str(position), fr_float(level, 1)])
        records.append(dict(position_pct=position, audience_ratio=round(level, 1) / 100))
    text = BOM + csv_text(rows, ";", "\r\n")
    return Export(RETENTION_CSV, text.encode("utf-8"), records)


# -- LinkedIn Campaign Manager: UTF-16, tab-delimited, report lines first ----------------------

LINKEDIN_CAMPAIGNS = (
    ("Q1 Marque", "Vidéo de marque – Manifeste 30s", "Notoriété de la marque"),
    ("Q1 Acquisition", "Webinaire – Routine experte", "Visites du site web"),
)


def linkedin(rng: random.Random) -> Export:
    preamble = [
        ["Rapport sur les performances des campagnes (UTC)"],
        ["Début du rapport : 01/02/2026 00:00"],
        ["Fin du rapport : 28/02/2026 23:59"],
        ["Date de génération : 02/03/2026 09:14"],
        ["Compte : Maison Lumière SAS (508123456)"],
    ]
    header = [
        "Date de début (UTC)",
        "Nom du compte",
        "Nom du groupe de campagnes",
        "Nom de la campagne",
        "Objectif de la campagne",
        "Devise",
        "Total dépensé",
        "Impressions",
        "Clics",
        "Taux de clics",
        "Réactions",
        "Commentaires",
        "Partages",
        "Abonnements",
        "Lancements de la vidéo",
        "Vues de la vidéo",
        "Vues de la vidéo à 25 %",
        "Vues de la vidéo à 50 %",
        "Vues de la vidéo à 75 %",
        "Vidéos terminées",
        "Conversions",
    ]
    rows, records = [*preamble, header], []
    for day in range(1, 29):
        for group, campaign, objective in LINKEDIN_CAMPAIGNS:
            impressions = rng.randint(1_500, 9_000)
            spend = rng.randint(4_000, 32_000)
            clicks = int(impressions * rng.uniform(0.005, 0.015))
            starts = int(impressions * rng.uniform(0.25, 0.5))
            views = int(starts * rng.uniform(0.55, 0.75))
            p25 = int(starts * rng.uniform(0.5, 0.65))
            p50 = int(p25 * rng.uniform(0.6, 0.75))
            p75 = int(p50 * rng.uniform(0.65, 0.8))
            p100 = int(p75 * rng.uniform(0.6, 0.75))
            conv = rng.randint(0, 5)
            rows.append(
                [
                    f"{day:02d}/02/2026",
                    "Maison Lumière SAS",
                    group,
                    campaign,
                    objective,
                    "EUR",
                    fr_dec(spend, NBSP),
                    fr_int(impressions, NBSP),
                    str(clicks),
                    fr_float(clicks / impressions, 4),
                    str(rng.randint(0, 40)),
                    str(rng.randint(0, 5)),
                    str(rng.randint(0, 4)),
                    str(rng.randint(0, 4)),
                    fr_int(starts, NBSP),
                    fr_int(views, NBSP),
                    fr_int(p25, NBSP),
                    fr_int(p50, NBSP),
                    fr_int(p75, NBSP),
                    fr_int(p100, NBSP),
                    str(conv),
                ]
            )
            records.append(
                dict(
                    date=f"2026-02-{day:02d}",
                    campaign=campaign,
                    objective={"Notoriété de la marque": "awareness", "Visites du site web": "acquisition"}[objective],
                    spend_cents=spend,
                    impressions=impressions,
                    clicks=clicks,
                    video_starts=starts,
                    views=views,
                    views_3s=views,
                    plays_p25=p25,
                    plays_p50=p50,
                    plays_p75=p75,
                    plays_p100=p100,
                    conversions=conv,
                )
            )
    text = csv_text(rows, "\t", "\r\n")
    return Export("linkedin_campaign_manager_fr.csv", text.encode("utf-16"), records, preamble_lines=len(preamble))


# -- Google Ads: Windows-1252, ';', report title and date range first, totals last ------------

GOOGLE_CAMPAIGNS = (
    ("FR | YouTube | Notoriété | Bumper 6s", "Vidéo", False),
    ("FR | YouTube | Considération | Démo sérum", "Vidéo", True),
    ("FR | Demand Gen | Vidéo | Reciblage été", "Demand Gen", True),
)


def _rate(rng: random.Random, impressions: int, lo: float, hi: float) -> float:
    """A rate in % with two places whose count of impressions is never a half (no tie to round)."""
    while True:
        rate = round(rng.uniform(lo, hi), 2)
        product = rate / 100.0 * impressions
        if abs(product - int(product) - 0.5) > 0.01:
            return rate


def google_ads(rng: random.Random) -> Export:
    preamble = [["Rapport sur les campagnes"], ["1 mars 2026 - 31 mars 2026"]]
    header = [
        "Jour",
        "Campagne",
        "Type de campagne",
        "Code de la devise",
        "Impr.",
        "Vues TrueView",
        "Clics",
        "Coût",
        "Vidéo lue jusqu'à 25 %",
        "Vidéo lue jusqu'à 50 %",
        "Vidéo lue jusqu'à 75 %",
        "Vidéo lue jusqu'à 100 %",
        "Conversions",
    ]
    rows, records = [*preamble, header], []
    for day in range(1, 11):
        for campaign, kind, has_views in GOOGLE_CAMPAIGNS:
            impressions = rng.randint(3_000, 80_000)
            views = int(impressions * rng.uniform(0.1, 0.3)) if has_views else None
            clicks = int(impressions * rng.uniform(0.002, 0.006))
            cost = rng.randint(3_000, 40_000)
            r25 = _rate(rng, impressions, 55, 75)
            r50 = _rate(rng, impressions, 40, 54)
            r75 = _rate(rng, impressions, 28, 39)
            r100 = _rate(rng, impressions, 15, 27)
            conv_hundredths = rng.randint(0, 600)
            rows.append(
                [
                    f"{day:02d}/03/2026",
                    campaign,
                    kind,
                    "EUR",
                    fr_int(impressions, NBSP),
                    " --" if views is None else fr_int(views, NBSP),
                    str(clicks),
                    fr_dec(cost, NBSP),
                    fr_pct(r25),
                    fr_pct(r50),
                    fr_pct(r75),
                    fr_pct(r100),
                    fr_dec(conv_hundredths),
                ]
            )
            records.append(
                dict(
                    date=f"2026-03-{day:02d}",
                    campaign=campaign,
                    impressions=impressions,
                    views=views,
                    clicks=clicks,
                    spend_cents=cost,
                    rates=(r25, r50, r75, r100),
                    conversions_hundredths=conv_hundredths,
                )
            )
    impressions = sum(r["impressions"] for r in records)
    cost = sum(r["spend_cents"] for r in records)
    for label in ("Total : Campagnes", "Total : Compte"):
        rows.append([label, "", "", "EUR", fr_int(impressions, NBSP), "", "", fr_dec(cost, NBSP)] + [""] * 5)
    text = csv_text(rows, ";", "\r\n")
    return Export(
        "google_ads_video_fr.csv", text.encode("cp1252"), records, summary_rows=2, preamble_lines=len(preamble)
    )


# -- Wistia: media stats as XLSX, engagement graph as an Excel re-saved CSV --------------------

WISTIA_MEDIA = (
    ("y5acw37wnp", "Héros de la page d'accueil – Lumière", 1148),
    ("op2cypacez", "Démo produit : Sérum Éclat", 75),
    ("7efpgru2nb", "Témoignage : Camille, 34 ans", 58),
    ("q1w2e3r4t5", "Atelier à Lyon – visite", 412),
)
WISTIA_XLSX = "wistia_media_stats_fr.xlsx"


def wistia_stats_rows(rng: random.Random) -> tuple[list[list], list[dict]]:
    header = [
        "ID du média",
        "Nom du média",
        "Durée (secondes)",
        "Chargements",
        "Lectures",
        "Taux de lecture",
        "Heures regardées",
        "Visiteurs",
    ]
    rows, records = [header], []
    for media_id, name, duration in WISTIA_MEDIA:
        loads = rng.randint(2_000, 40_000)
        plays = int(loads * rng.uniform(0.2, 0.5))
        hundredths_h = rng.randint(500, 120_000)
        visitors = int(loads * rng.uniform(0.5, 0.9))
        # Numbers are real numeric cells; the rate is text, as a French workbook shows it.
        rows.append(
            [media_id, name, duration, loads, plays, fr_pct(plays / loads * 100, 1), hundredths_h / 100, visitors]
        )
        records.append(
            dict(
                video_id=media_id,
                video_title=name,
                video_duration_s=duration,
                impressions=loads,
                views=plays,
                watch_time_hundredths_h=hundredths_h,
                reach=visitors,
            )
        )
    return rows, records


def wistia_stats(rng: random.Random) -> Export:
    import datetime as dt

    import xlsxwriter  # dev dependency: writes byte-identical workbooks when the dates are fixed

    rows, records = wistia_stats_rows(rng)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": dt.datetime(2026, 4, 1, 9, 0, 0), "author": "Maison Lumière"})
    sheet = book.add_worksheet("Statistiques")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return Export(WISTIA_XLSX, out.getvalue(), records)


def wistia_engagement(rng: random.Random) -> Export:
    rows, records = [["ID du média", "Nom du média", "seconde", "pourcentage_regardant"]], []
    for media_id, name, duration in WISTIA_MEDIA[1:3]:
        level = 100.0
        for second in range(duration):
            if second:
                level = max(3.0, level - rng.uniform(0.2, 2.4))
            rows.append([media_id, name, str(second), fr_float(level, 1)])
            records.append(
                dict(video_id=media_id, second=second, duration=duration, audience_ratio=round(level, 1) / 100)
            )
    text = BOM + csv_text(rows, ";", "\r\n")
    return Export("wistia_engagement_fr.csv", text.encode("utf-8"), records)


# -- all of it ----------------------------------------------------------------------------------


def build() -> dict[str, Export]:
    """Every file, by name; the same bytes on every run."""
    rng = random.Random(SEED)
    table = youtube_table(rng)
    chart = youtube_chart(rng)
    exports = [
        meta(rng),
        tiktok(rng),
        table,
        chart,
        youtube_zip(table, chart),
        youtube_retention(rng),
        linkedin(rng),
        google_ads(rng),
        wistia_stats(rng),
        wistia_engagement(rng),
    ]
    return {e.name: e for e in exports}


def long_french_csv(rows: int, plain_rows: int) -> tuple[str, list[int]]:
    """A canonical ';' file whose first `plain_rows` rows hold plain whole numbers and the rest French ones.

    Returns the text and the spends in cents. Detection sees only the first lines: a decimal
    comma that first shows up further down must still read as one.
    """
    rng = random.Random(SEED + 1)
    lines = ["date;platform;campaign;video_id;impressions;spend"]
    spends = []
    for n in range(rows):
        cents = rng.randint(100, 99_999) // 100 * 100 if n < plain_rows else rng.randint(101, 99_999)
        if cents % 100 == 0 and n >= plain_rows:
            cents += 1
        spends.append(cents)
        # The sampled lines only hold days up to the 12th: '03/02/2026' could be either order.
        day = 1 + n % (12 if n < plain_rows else 28)
        spend = str(cents // 100) if cents % 100 == 0 else fr_dec(cents, NNBSP)
        impressions = str(1000 + n) if n < plain_rows else fr_int(1000 + n)
        lines.append(f"{day:02d}/02/2026;youtube;FR_AWA_Longue;v{n:05d};{impressions};{spend}")
    return "\n".join(lines) + "\n", spends


def main(argv: list[str]) -> int:
    check = "--check" in argv
    HERE.mkdir(exist_ok=True)
    stale = []
    for name, export in build().items():
        path = HERE / name
        if check:
            if not path.is_file() or path.read_bytes() != export.data:
                stale.append(name)
        else:
            path.write_bytes(export.data)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
