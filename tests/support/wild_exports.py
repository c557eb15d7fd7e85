"""Meta, TikTok, LinkedIn and Google Ads exports found in the wild, as the tests read them.

The fixtures live in tests/data/ads and tests/data/social (see their README.md). `raw` reads
one with the csv module, independently of the importer, and `total` sums a column of it;
CASES maps each fixture to what an import of it must hold (rows, format, totals per measure,
rows per platform and channel, and where known the date ranges and video ids). The unit tests
import the fixtures through the command line and `import_files`, the app tests through the
Upload page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
ADS = DATA / "ads"
SOCIAL = DATA / "social"


def raw(path: Path, header_line: int = 0, delimiter: str = ",", wrapped: bool = False) -> list[dict[str, str]]:
    """The file's data rows as dicts, read with the csv module (BOM and UTF-16 handled)."""
    data = path.read_bytes()
    text = data.decode("utf-16") if data[:2] == b"\xff\xfe" else data.decode("utf-8-sig")
    if wrapped:  # one quoted field per line holding the real CSV line
        text = "\n".join(row[0] for row in csv.reader(io.StringIO(text)))
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[header_line:]
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(c.strip() for c in row)]


def num(cell: str, decimal_comma: bool = False) -> float | None:
    """A cell as a number; None for blank or '--'."""
    cell = cell.strip().replace("%", "")
    if cell in ("", "--"):
        return None
    if decimal_comma:
        cell = cell.replace(".", "").replace(",", ".")
    else:
        cell = cell.replace(",", "")
    return float(cell)


def total(rows: list[dict[str, str]], column: str, decimal_comma: bool = False) -> float | None:
    """Sum of a column over rows; None when every cell is blank (NULL, never 0)."""
    values = [num(r[column], decimal_comma) for r in rows]
    kept = [v for v in values if v is not None]
    return round(sum(kept), 6) if kept else None


def seconds(cell: str) -> float:
    """An "h:mm:ss" duration in seconds."""
    h, m, s = (int(p) for p in cell.split(":"))
    return h * 3600 + m * 60 + s


# -- the fixtures and what the raw file says -----------------------------------------------------


def _meta_no_campaign():
    rows = raw(ADS / "meta_ad_level_no_campaign.csv")
    watch = sum(seconds(r["Video average play time"]) * num(r["Video plays"]) for r in rows)
    return dict(
        rows=len(rows),
        format="meta_ads_manager",
        totals={
            "spend": total(rows, "Amount spent (USD)"),
            "impressions": total(rows, "Impressions"),
            "clicks": total(rows, "Link clicks"),
            "views_3s": total(rows, "3-second video plays"),
            "views": total(rows, "3-second video plays"),
            "video_starts": total(rows, "Video plays"),
            "plays_p75": total(rows, "Video plays at 75%"),
            "conversion_value": total(rows, "Purchases conversion value"),
            "conversions": total([r for r in rows if r["Result type"] == "Purchases"], "Results"),
            "watch_time_s": watch,
            "reach": None,
            "thruplays": None,
        },
        groups={("meta", "ads", None): len(rows)},
    )


def _meta_placements():
    rows = raw(ADS / "meta_placements_objectives.csv")
    return dict(
        rows=len(rows),
        format="meta_ads_manager",
        totals={
            c: total(rows, h)
            for c, h in (
                ("spend", "Amount spent (EUR)"),
                ("impressions", "Impressions"),
                ("views", "3-second video plays"),
                ("thruplays", "ThruPlays"),
            )
        },
        groups={
            (p, "ads", None): sum(r["Platform"] == p for r in rows)
            for p in ("facebook", "instagram", "audience_network", "messenger")
        },
    )


def _google(name: str, delimiter: str = ",", decimal_comma: bool = False, total_col: str = "Total"):
    rows = [r for r in raw(ADS / name, 2, delimiter) if not next(iter(r.values())).startswith("Total")]
    headers = {
        "campaign": ("Campaign", "Campanha"),
        "type": ("Campaign type", "Tipo de campanha"),
        "impressions": ("Impr.",),
        "interactions": ("Interactions", "Interações"),
        "cost": ("Cost", "Custo"),
        "conversions": ("Conversions", "Conversões"),
    }
    h = {k: next(x for x in v if x in rows[0]) for k, v in headers.items()}
    not_video = [r for r in rows if not r[h["type"]].lower().startswith(("video", "vídeo"))]
    return dict(
        rows=len(rows),
        format="google_ads_campaign_report",
        totals={
            "impressions": total(rows, h["impressions"], decimal_comma),
            "spend": total(rows, h["cost"], decimal_comma),
            "conversions": total(rows, h["conversions"], decimal_comma),
            "clicks": total(not_video, h["interactions"], decimal_comma),
            "views": None,
            "video_starts": None,
            "plays_p25": None,
        },
        groups={("google_ads", "ads", None): len(rows)},
        dates={(dt.date(2026, 3, 1), dt.date(2026, 3, 31)): len(rows)},
    )


def _mbs_instagram():
    rows = raw(SOCIAL / "May-25-2026_Jun-21-2026_1493633672508178.csv")
    reels = [r for r in rows if r["Post type"] == "IG reel"]
    return dict(
        rows=len(reels),
        format="meta_business_suite_posts",
        left_out=len(rows) - len(reels),
        totals={
            "views": total(reels, "Views"),
            "reach": total(reels, "Reach"),
            "likes": total(reels, "Likes"),
            "saves": total(reels, "Saves"),
            "subscribers_gained": total(reels, "Follows"),
            "video_duration_s": total(reels, "Duration (sec)"),
            "spend": None,
        },
        groups={("instagram", "social", None): len(reels)},
        dates={(dt.date(2026, 5, 25), dt.date(2026, 6, 21)): len(reels)},
    )


def _mbs_facebook_wrapped():
    rows = raw(SOCIAL / "Apr-01-2026_Apr-30-2026_104858239231101.csv", wrapped=True)
    videos = [r for r in rows if r["Post type"] in ("Reels", "Videos")]
    return dict(
        rows=len(videos),
        format="meta_business_suite_posts",
        left_out=len(rows) - len(videos),
        totals={
            "views": total(videos, "Views"),
            "likes": total(videos, "Reactions"),
            "views_3s": total(videos, "3-second video views"),
            "watch_time_s": total(videos, "Seconds viewed"),
        },
        groups={("facebook", "social", None): len(videos)},
        dates={(dt.date(2026, 4, 1), dt.date(2026, 4, 30)): len(videos)},
    )


def _mbs_daily():
    rows = raw(SOCIAL / "Views.csv", 2)
    return dict(
        rows=len(rows),
        format="meta_business_suite_daily",
        totals={"views": total(rows, "Primary")},
        groups={("meta", "social", None): len(rows)},
        dates={(dt.date(2026, 3, d), dt.date(2026, 3, d)): 1 for d in range(26, 32)},
    )


def _tiktok_overview_named():
    rows = raw(SOCIAL / "Overview 2026-03-06_2026-03-10.csv")
    return dict(
        rows=len(rows),
        format="tiktok_studio_overview",
        totals={c: total(rows, h) for c, h in (("views", "Video Views"), ("likes", "Likes"), ("comments", "Comments"))},
        groups={("tiktok", "social", None): len(rows)},
        dates={(dt.date(2026, 3, d), dt.date(2026, 3, d)): 1 for d in range(6, 11)},
    )


def _tiktok_content():
    rows = raw(SOCIAL / "Content.csv")
    return dict(
        rows=len(rows),
        format="tiktok_studio_content",
        totals={
            "views": total(rows, "Total views"),
            "likes": total(rows, "Total likes"),
            "comments": total(rows, "Total comments"),
            "shares": total(rows, "Total shares"),
        },
        groups={("tiktok", "social", None): len(rows)},
        dates={(dt.date(2026, 2, 26), dt.date(2026, 3, 27)): len(rows)},
        video_ids={r["Video link"].rsplit("/", 1)[-1] for r in rows},
    )


def _tiktok_business_overview():
    rows = raw(SOCIAL / "tiktok_business_overview.csv")
    return dict(
        rows=len(rows),
        format="tiktok_business_overview",
        totals={"views": total(rows, "Video views"), "reach": total(rows, "Reached audience")},
        groups={("tiktok", "social", None): len(rows)},
        dates={(dt.date(2025, 10, d), dt.date(2025, 10, d)): 1 for d in (29, 30, 31)},
    )


def _tiktok_business_videos():
    rows = raw(SOCIAL / "tiktok_business_videos.csv")
    return dict(
        rows=len(rows),
        format="tiktok_studio_content",
        totals={"views": total(rows, "Video views"), "saves": total(rows, "Add to Favorites")},
        groups={("tiktok", "social", None): len(rows)},
        video_ids={r["Video link"].rsplit("/", 1)[-1] for r in rows},
    )


def _linkedin_leads():
    rows = raw(ADS / "linkedin_lead_generation.csv", 4)
    return dict(
        rows=len(rows),
        format="linkedin_campaign_manager",
        totals={
            "spend": total(rows, "Total Spent"),
            "conversions": total(rows, "Conversions"),
            "views": total(rows, "Video Views"),
            "video_starts": total(rows, "Video Starts"),
            "impressions": total(rows, "Impressions"),
        },
        groups={("linkedin", "ads", None): len(rows)},
    )


CASES = {
    "ads/meta_ad_level_no_campaign.csv": _meta_no_campaign,
    "ads/meta_placements_objectives.csv": _meta_placements,
    "ads/google_ads_campaign_report.csv": lambda: _google("google_ads_campaign_report.csv"),
    "ads/google_ads_campaign_report_excel.csv": lambda: _google("google_ads_campaign_report_excel.csv", "\t"),
    "ads/google_ads_relatorio_de_campanha_pt.csv": lambda: _google(
        "google_ads_relatorio_de_campanha_pt.csv", decimal_comma=True
    ),
    "ads/linkedin_lead_generation.csv": _linkedin_leads,
    "social/May-25-2026_Jun-21-2026_1493633672508178.csv": _mbs_instagram,
    "social/Apr-01-2026_Apr-30-2026_104858239231101.csv": _mbs_facebook_wrapped,
    "social/Views.csv": _mbs_daily,
    "social/Overview 2026-03-06_2026-03-10.csv": _tiktok_overview_named,
    "social/Content.csv": _tiktok_content,
    "social/tiktok_business_overview.csv": _tiktok_business_overview,
    "social/tiktok_business_videos.csv": _tiktok_business_videos,
}
