"""Synthetic platform exports at scale, in the platforms' real header formats.

Meta Ads Manager ("Export table data", ad level, daily, Platform breakdown), TikTok Ads
Manager (custom report, ad by day, `--` for n/a, a trailing `Total of N results` row) and
YouTube Analytics API audience-retention rows, shaped after the fixtures in
shared/fixtures/exports. Numbers are seeded and internally consistent (quartiles decrease,
ThruPlays <= 3-second plays, clicks <= impressions). Files are written in chunks, so memory
stays flat at any size, and are deterministic for a given row count.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

CHUNK = 250_000
START = pd.Timestamp("2024-01-01")
MAX_DAYS = 730  # two years of daily rows

META_HEADER = [
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Ad set name",
    "Ad name",
    "Platform",
    "Objective",
    "Results",
    "Result indicator",
    "Amount spent (EUR)",
    "Impressions",
    "Reach",
    "Frequency",
    "CPM (cost per 1,000 impressions) (EUR)",
    "Link clicks",
    "CTR (link click-through rate)",
    "3-second video plays",
    "ThruPlays",
    "Cost per ThruPlay (EUR)",
    "Video plays at 25%",
    "Video plays at 50%",
    "Video plays at 75%",
    "Video plays at 95%",
    "Video plays at 100%",
    "Video average play time",
    "Landing page views",
    "Purchases",
    "Purchases conversion value",
]

TIKTOK_HEADER = [
    "By Day",
    "Campaign name",
    "Ad group name",
    "Ad name",
    "Currency",
    "Cost",
    "Impressions",
    "Reach",
    "Frequency",
    "CPM",
    "Clicks (destination)",
    "CTR (destination)",
    "CPC (destination)",
    "Video views",
    "2-second video views",
    "6-second video views",
    "Video views at 25%",
    "Video views at 50%",
    "Video views at 75%",
    "Video views at 100%",
    "Average play time per video view",
    "Average play time per user",
    "Conversions",
    "Cost per conversion",
]

RETENTION_HEADER = ["video", "elapsedVideoTimeRatio", "audienceWatchRatio", "relativeRetentionPerformance"]

# Campaign-name tokens carry the objective (the fixtures' convention); Meta's own Objective
# column says the same in Ads Manager's words.
_OBJECTIVES = (
    ("AWA", "Awareness", "reach"),
    ("ACQ", "Traffic", "link_click"),
    ("CONV", "Sales", "purchase"),
    ("FID", "Engagement", "thruplay"),
)
_CREATIVES = ("UGC_Claire", "Demo_Serum", "Founders", "Hook-Test_A", "Hook-Test_B", "Tuto_Routine", "Promo_-20")
_FORMATS = ("9x16", "1x1", "4x5", "16x9")
_LENGTHS = np.array([6, 10, 15, 20, 30, 45, 60, 90])
_AUDIENCES = ("Femmes 25-44 FR", "Intérêts beauté FR", "Lookalike 1% FR", "Visiteurs 30j", "Broad 18-34 FR")


@dataclass(frozen=True)
class Layout:
    """How `rows` daily rows spread over days and ads: row i is day i // per_day."""

    rows: int
    days: int
    per_day: int

    @classmethod
    def of(cls, rows: int, placements: int = 1) -> Layout:
        """A plausible account for this many rows: a few weeks at 1k rows, two years from ~400k."""
        days = int(min(MAX_DAYS, max(14, rows // 500)))
        per_day = max(placements, math.ceil(rows / days / placements) * placements)
        return cls(int(rows), days, per_day)


def _names(ad: np.ndarray, platform_tag: str) -> dict[str, np.ndarray]:
    """Campaign, ad set and ad names for ad numbers (8 ads per campaign, 3 audiences per campaign)."""
    # Names are built once per distinct ad and gathered: string work on every row is slow.
    unique, index = np.unique(ad, return_inverse=True)
    campaign = unique // 8
    objective = campaign % len(_OBJECTIVES)
    camp_names = np.array(
        [f"FR_{platform_tag}_{_OBJECTIVES[o][0]}_Campaign-{c:04d}" for o, c in zip(objective, campaign, strict=True)]
    )
    audience = np.array(_AUDIENCES)[(campaign + (unique % 3)) % len(_AUDIENCES)]
    length = _LENGTHS[(unique * 7) % len(_LENGTHS)]
    ad_names = np.array(
        [
            f"{_CREATIVES[a % len(_CREATIVES)]}_{_FORMATS[(a // 3) % len(_FORMATS)]}_{n}s_{a:05d}"
            for a, n in zip(unique, length, strict=True)
        ]
    )
    return {
        "campaign": camp_names[index],
        "ad_set": audience[index],
        "ad": ad_names[index],
        "objective": objective[index],
        "length": length.astype(float)[index],
    }


def _dates(day: np.ndarray) -> np.ndarray:
    unique, index = np.unique(day, return_inverse=True)
    return np.array((START + pd.to_timedelta(unique, unit="D")).strftime("%Y-%m-%d"))[index]


def _funnel(rng: np.random.Generator, n: int, length: np.ndarray) -> dict[str, np.ndarray]:
    """Consistent counts for one row each: impressions down to completions, clicks and purchases."""
    impressions = np.maximum(50, rng.lognormal(9.0, 1.1, n)).astype(np.int64)
    reach = np.maximum(1, (impressions / rng.uniform(1.05, 2.2, n))).astype(np.int64)
    plays = (impressions * rng.uniform(0.55, 0.85, n)).astype(np.int64)
    views_2s = (plays * rng.uniform(0.55, 0.8, n)).astype(np.int64)
    views_3s = (plays * rng.uniform(0.25, 0.6, n)).astype(np.int64)
    p25 = (views_3s * rng.uniform(0.55, 0.85, n)).astype(np.int64)
    p50 = (p25 * rng.uniform(0.55, 0.85, n)).astype(np.int64)
    p75 = (p50 * rng.uniform(0.6, 0.9, n)).astype(np.int64)
    p95 = (p75 * rng.uniform(0.75, 0.95, n)).astype(np.int64)
    p100 = (p95 * rng.uniform(0.85, 0.99, n)).astype(np.int64)
    thruplays = np.minimum(views_3s, np.where(length <= 15, p100, p50)).astype(np.int64)
    clicks = (impressions * rng.uniform(0.002, 0.015, n)).astype(np.int64)
    purchases = rng.binomial(clicks, rng.uniform(0.0, 0.06, n))
    spend = np.round(impressions * rng.uniform(0.003, 0.012, n), 2)
    value = np.round(purchases * rng.uniform(25, 90, n), 2)
    avg_play = np.round(length * rng.uniform(0.15, 0.6, n), 2)
    return {
        "impressions": impressions,
        "reach": reach,
        "plays": plays,
        "views_2s": views_2s,
        "views_3s": views_3s,
        "p25": p25,
        "p50": p50,
        "p75": p75,
        "p95": p95,
        "p100": p100,
        "thruplays": thruplays,
        "clicks": clicks,
        "purchases": purchases,
        "spend": spend,
        "value": value,
        "avg_play": avg_play,
    }


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0, digits: int = 2) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.round(np.where(den > 0, num / np.maximum(den, 1) * scale, 0.0), digits)


def meta_chunk(layout: Layout, lo: int, hi: int, seed: int = 11) -> pd.DataFrame:
    """Rows lo..hi of a Meta Ads Manager daily export (ad level, Platform breakdown)."""
    rng = np.random.default_rng([seed, lo])
    i = np.arange(lo, hi, dtype=np.int64)
    day = i // layout.per_day
    slot = i % layout.per_day
    ad = slot // 2
    placement = np.where(slot % 2 == 0, "facebook", "instagram")
    names = _names(ad, "META")
    n = len(i)
    f = _funnel(rng, n, names["length"])
    dates = _dates(day)
    objective = names["objective"]
    result_kind = np.array([o[2] for o in _OBJECTIVES])[objective]
    results = np.select(
        [objective == 0, objective == 1, objective == 2],
        [f["reach"], f["clicks"], f["purchases"]],
        f["thruplays"],
    )
    # Ads Manager leaves Purchases blank when there were none (NaN is written as an empty cell).
    none = f["purchases"] == 0
    purchases = pd.array(np.where(none, 0, f["purchases"]), dtype="Int64")
    purchases[none] = pd.NA
    value = np.where(none, np.nan, f["value"])
    return pd.DataFrame(
        {
            "Reporting starts": dates,
            "Reporting ends": dates,
            "Campaign name": names["campaign"],
            "Ad set name": names["ad_set"],
            "Ad name": names["ad"],
            "Platform": placement,
            "Objective": np.array([o[1] for o in _OBJECTIVES])[objective],
            "Results": results,
            "Result indicator": result_kind,
            "Amount spent (EUR)": f["spend"],
            "Impressions": f["impressions"],
            "Reach": f["reach"],
            "Frequency": _ratio(f["impressions"], f["reach"]),
            "CPM (cost per 1,000 impressions) (EUR)": _ratio(f["spend"], f["impressions"], 1000),
            "Link clicks": f["clicks"],
            "CTR (link click-through rate)": _ratio(f["clicks"], f["impressions"], 100),
            "3-second video plays": f["views_3s"],
            "ThruPlays": f["thruplays"],
            "Cost per ThruPlay (EUR)": _ratio(f["spend"], f["thruplays"]),
            "Video plays at 25%": f["p25"],
            "Video plays at 50%": f["p50"],
            "Video plays at 75%": f["p75"],
            "Video plays at 95%": f["p95"],
            "Video plays at 100%": f["p100"],
            "Video average play time": np.round(f["avg_play"]).astype(np.int64),
            "Landing page views": (f["clicks"] * 0.7).astype(np.int64),
            "Purchases": purchases,
            "Purchases conversion value": value,
        },
        columns=META_HEADER,
    )


def tiktok_chunk(layout: Layout, lo: int, hi: int, seed: int = 23) -> pd.DataFrame:
    """Rows lo..hi of a TikTok Ads Manager custom report (ad, by day)."""
    rng = np.random.default_rng([seed, lo])
    i = np.arange(lo, hi, dtype=np.int64)
    day = i // layout.per_day
    ad = i % layout.per_day
    names = _names(ad, "TikTok")
    n = len(i)
    f = _funnel(rng, n, names["length"])
    dates = _dates(day)
    conversions = f["purchases"]
    ctr = pd.Series(_ratio(f["clicks"], f["impressions"], 100)).map("{:.2f}%".format).to_numpy()
    per_user = np.round(f["avg_play"] * _ratio(f["plays"], f["reach"]), 2)
    return pd.DataFrame(
        {
            "By Day": dates,
            "Campaign name": names["campaign"],
            "Ad group name": names["ad_set"],
            "Ad name": names["ad"],
            "Currency": "EUR",
            "Cost": f["spend"],
            "Impressions": f["impressions"],
            "Reach": f["reach"],
            "Frequency": _ratio(f["impressions"], f["reach"]),
            "CPM": _ratio(f["spend"], f["impressions"], 1000),
            "Clicks (destination)": f["clicks"],
            "CTR (destination)": ctr,
            "CPC (destination)": np.where(f["clicks"] > 0, _ratio(f["spend"], f["clicks"]), np.nan),
            "Video views": f["plays"],
            "2-second video views": f["views_2s"],
            "6-second video views": f["views_3s"],
            "Video views at 25%": f["p25"],
            "Video views at 50%": f["p50"],
            "Video views at 75%": f["p75"],
            "Video views at 100%": f["p100"],
            "Average play time per video view": f["avg_play"],
            "Average play time per user": per_user,
            "Conversions": conversions,
            "Cost per conversion": np.where(conversions > 0, _ratio(f["spend"], conversions), np.nan),
        },
        columns=TIKTOK_HEADER,
    )


def _write(path: Path, header: list[str], chunks, na_rep: str | None = None) -> Path:
    """Write frames as one CSV (pyarrow's writer: pandas' to_csv is ten times slower at this size).

    Missing values are written as empty cells, or as `na_rep` (TikTok's '--').
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    writer = None
    try:
        for frame in chunks:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if na_rep is not None:
                table = pa.table(
                    {
                        name: pc.fill_null(pc.cast(col, pa.string()), na_rep) if col.null_count else col
                        for name, col in zip(table.column_names, table.columns, strict=True)
                    }
                )
            if writer is None:
                # The header is written as the platforms do (quoted only where it holds a comma);
                # the values hold no delimiter, so they go unquoted, as in a real export.
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh, lineterminator="\n").writerow(header)
                sink = tmp.open("ab")
                writer = pacsv.CSVWriter(
                    sink, table.schema, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none")
                )
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
            sink.close()
    tmp.replace(path)
    return path


def _ranges(lo: int, hi: int):
    for start in range(lo, hi, CHUNK):
        yield start, min(hi, start + CHUNK)


def write_meta(path: Path, rows: int, *, lo: int = 0, hi: int | None = None, layout: Layout | None = None) -> Path:
    """A Meta Ads Manager export holding rows lo..hi of an account of `rows` daily rows."""
    layout = layout or Layout.of(rows, placements=2)
    hi = rows if hi is None else hi
    return _write(path, META_HEADER, (meta_chunk(layout, a, b) for a, b in _ranges(lo, hi)))


def write_tiktok(path: Path, rows: int, *, lo: int = 0, hi: int | None = None, layout: Layout | None = None) -> Path:
    """A TikTok Ads Manager export holding rows lo..hi of an account of `rows` daily rows."""
    layout = layout or Layout.of(rows)
    hi = rows if hi is None else hi
    totals = {"cost": 0.0, "impressions": 0}

    def chunks():
        for a, b in _ranges(lo, hi):
            frame = tiktok_chunk(layout, a, b)
            totals["cost"] += float(frame["Cost"].sum())
            totals["impressions"] += int(frame["Impressions"].sum())
            yield frame

    # TikTok writes '--' where a ratio has no denominator.
    path = _write(path, TIKTOK_HEADER, chunks(), na_rep="--")
    # TikTok closes its export with a totals row that must never be loaded.
    blanks = "," * (len(TIKTOK_HEADER) - 7)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"Total of {hi - lo} results,,,,,{totals['cost']:.2f},{totals['impressions']}{blanks}\n")
    return path


def _video_ids(n: int, seed: int = 5) -> list[str]:
    rng = np.random.default_rng(seed)
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    picks = rng.integers(0, len(alphabet), (n, 11))
    ids = ["".join(alphabet[row]) for row in picks]
    # Ids must be unique; the few collisions an 11-character draw could give get a suffix.
    seen: dict[str, int] = {}
    out = []
    for vid in ids:
        seen[vid] = seen.get(vid, 0) + 1
        out.append(vid if seen[vid] == 1 else f"{vid[:9]}{seen[vid]:02d}")
    return out


def retention_frame(videos: int, points: int = 100, seed: int = 31) -> pd.DataFrame:
    """YouTube Analytics API retention rows: `points` per video, a drop at the intro then a slow decline."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.array(_video_ids(videos)), points)
    ratio = np.tile(np.arange(1, points + 1) / points, videos)
    hook = np.repeat(rng.uniform(0.45, 0.85, videos), points)
    decay = np.repeat(rng.uniform(0.2, 1.2, videos), points)
    rewatch = np.repeat(rng.uniform(0.0, 0.25, videos), points)
    watch = 1.0 - (1.0 - hook) * np.minimum(ratio / 0.08, 1.0)
    watch = watch * np.exp(-decay * ratio) + rewatch * np.exp(-((ratio - 0.5) ** 2) / 0.002)
    noise = np.where(ratio == ratio.min(), 0.0, rng.normal(0, 0.01, len(ratio)))
    watch = np.where(ratio == ratio.min(), 1.0, watch)
    return pd.DataFrame(
        {
            "video": ids,
            "elapsedVideoTimeRatio": np.round(ratio, 2),
            "audienceWatchRatio": np.round(np.clip(watch + noise, 0.0, 1.6), 4),
            "relativeRetentionPerformance": np.round(rng.uniform(0.2, 0.8, len(ratio)), 4),
        },
        columns=RETENTION_HEADER,
    )


def write_retention(path: Path, videos: int, points: int = 100) -> Path:
    """One YouTube Analytics API retention file (the API gives every video's curve in one table)."""
    return _write(path, RETENTION_HEADER, [retention_frame(videos, points)])


@dataclass(frozen=True)
class Dataset:
    """The export files that make a database of about `rows` fact rows."""

    rows: int
    meta: list[Path]
    tiktok: list[Path]
    retention: Path

    @property
    def files(self) -> list[Path]:
        """Every file, in import order."""
        return [*self.meta, *self.tiktok, self.retention]


META_SHARE = 0.7
MAX_FILE_ROWS = 2_000_000  # ~450 MB of Meta CSV: under vmdash's default 1.5 GB per-file cap


def dataset(outdir: Path, rows: int) -> Dataset:
    """Meta (70 %) and TikTok (30 %) daily exports and a retention file; reuses files already written.

    Large accounts come as several exports split by date range, as a team downloads them.
    """
    meta_rows = int(rows * META_SHARE)
    tiktok_rows = int(rows) - meta_rows
    folder = outdir / f"dataset_{rows}"
    meta_files = _split(folder, "meta_ads_manager", meta_rows, Layout.of(meta_rows, placements=2), write_meta)
    tiktok_files = _split(folder, "tiktok_ads", tiktok_rows, Layout.of(tiktok_rows), write_tiktok)
    videos = int(min(5000, max(12, rows // 2000)))
    retention = folder / f"youtube_api_audience_retention_{videos}_videos.csv"
    if not retention.exists():
        write_retention(retention, videos)
    return Dataset(rows, meta_files, tiktok_files, retention)


def _split(folder: Path, stem: str, rows: int, layout: Layout, writer) -> list[Path]:
    parts = max(1, math.ceil(rows / MAX_FILE_ROWS))
    # Split on day boundaries so parts never overlap (an overlap would replace earlier rows).
    days_per_part = math.ceil(layout.days / parts)
    files = []
    for p in range(parts):
        lo = min(rows, p * days_per_part * layout.per_day)
        hi = min(rows, (p + 1) * days_per_part * layout.per_day)
        if hi <= lo:
            continue
        suffix = "" if parts == 1 else f"_part{p + 1}"
        path = folder / f"{stem}_{rows}{suffix}.csv"
        if not path.exists():
            writer(path, rows, lo=lo, hi=hi, layout=layout)
        files.append(path)
    return files


def meta_export(outdir: Path, rows: int) -> Path:
    """One Meta Ads Manager export of exactly `rows` rows (the import benchmark's input)."""
    path = outdir / f"meta_ads_manager_{rows}.csv"
    if not path.exists():
        write_meta(path, rows)
    return path
