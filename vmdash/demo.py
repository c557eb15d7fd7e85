"""The sample data the app opens on, and deterministic synthetic data at any size."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from vmdash import model
from vmdash.ingest import ImportReport, Upload, import_files
from vmdash.store import ROOT, Store

SAMPLES = ROOT / "data" / "samples"

# YouTube Studio hands out ZIPs; the demo bundles the sample CSVs the way Studio names them.
YOUTUBE_CONTENT_ZIP = (
    "Content 2026-03-01_2026-03-31 Maison Lumière.zip",
    {
        "Table data.csv": "youtube_table_data.csv",
        "Chart data.csv": "youtube_chart_data.csv",
    },
)
YOUTUBE_RETENTION_ZIP = (
    "Audience retention 2026-03-01_2026-03-31 5 mistakes with retinol.zip",
    {
        "Organic.csv": "youtube_audience_retention.csv",
    },
)
_BUNDLED = {"youtube_table_data.csv", "youtube_chart_data.csv", "youtube_audience_retention.csv"}


def sample_uploads(workdir: Path) -> list[Upload]:
    """The bundled sample exports, YouTube ones zipped as Studio delivers them."""
    uploads = [Upload(p, p.name) for p in sorted(SAMPLES.glob("*.csv")) if p.name not in _BUNDLED]
    for zip_name, members in (YOUTUBE_CONTENT_ZIP, YOUTUBE_RETENTION_ZIP):
        target = workdir / zip_name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, source in members.items():
                # A fixed timestamp keeps the ZIP's bytes (and so its content hash) stable.
                info = zipfile.ZipInfo(member, date_time=(2026, 4, 1, 9, 0, 0))
                zf.writestr(info, (SAMPLES / source).read_bytes(), zipfile.ZIP_DEFLATED)
        uploads.append(Upload(target, zip_name))
    return uploads


def load_samples(store: Store) -> list[ImportReport]:
    """Import the sample exports (a no-op for files already imported)."""
    with tempfile.TemporaryDirectory(prefix="vmdash-demo-") as tmp:
        return import_files(store, sample_uploads(Path(tmp)))


_AD_PLATFORMS = ("facebook", "instagram", "tiktok", "linkedin", "google_ads", "youtube")


_VIDEOS, _CAMPAIGNS = 400, 40


def synthetic_frame(rows: int, seed: int = 7, start: str = "2025-01-01", account: int | None = None) -> pd.DataFrame:
    """`rows` ad-level daily fact rows in canonical columns, internally consistent.

    Like a real ad account, each video runs as one ad, on one platform, in one campaign with
    one objective, and has one length: the account's catalogue (drawn from `account`, default
    `seed`) is fixed, and the rows (days and numbers, from `seed`) fall on it. Drawing those
    independently per row made nearly every row a group of its own, a shape no export has.
    """
    catalogue = np.random.default_rng(seed if account is None else account)
    video_platform = catalogue.choice(_AD_PLATFORMS, _VIDEOS)
    video_campaign = catalogue.integers(0, _CAMPAIGNS, _VIDEOS)
    video_duration = catalogue.choice([6, 15, 30, 45, 90, 240, 720], _VIDEOS).astype(float)
    campaign_objective = catalogue.choice(model.OBJECTIVES[:4], _CAMPAIGNS)
    rng = np.random.default_rng(seed)
    n = int(rows)
    video_no = rng.integers(0, _VIDEOS, n)
    platform = video_platform[video_no]
    campaign_no = video_campaign[video_no]
    objective = campaign_objective[campaign_no]
    tokens = {"awareness": "AWA", "acquisition": "ACQ", "conversion": "CONV", "loyalty": "FID"}
    impressions = rng.integers(500, 60_000, n)
    starts = (impressions * rng.uniform(0.2, 0.8, n)).astype(np.int64)
    p25 = (starts * rng.uniform(0.5, 0.9, n)).astype(np.int64)
    p50 = (p25 * rng.uniform(0.5, 0.9, n)).astype(np.int64)
    p75 = (p50 * rng.uniform(0.5, 0.9, n)).astype(np.int64)
    p95 = (p75 * rng.uniform(0.7, 0.95, n)).astype(np.int64)
    p100 = (p95 * rng.uniform(0.8, 0.99, n)).astype(np.int64)
    views = (starts * rng.uniform(0.4, 0.9, n)).astype(np.int64)
    clicks = (impressions * rng.uniform(0.001, 0.02, n)).astype(np.int64)
    conversions = np.floor(clicks * rng.uniform(0.0, 0.1, n))
    duration = video_duration[video_no]
    dates = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    obj_token = np.vectorize(tokens.get)(objective)
    frame = pd.DataFrame(
        {
            "date": dates.date,
            "date_end": dates.date,
            "platform": platform,
            "channel": np.where(platform == "youtube", "social", "ads"),
            "objective": objective,
            "campaign": [f"SYN_{t}_{c:02d}" for t, c in zip(obj_token, campaign_no, strict=True)],
            "ad_set": [f"Audience {c % 5}" for c in campaign_no],
            "ad": [f"Ad {v:03d}" for v in video_no],
            "video_id": [f"vid{v:05d}" for v in video_no],
            "video_title": [f"Synthetic video {v}" for v in video_no],
            "video_duration_s": duration,
            "currency": "EUR",
            "impressions": impressions,
            "reach": (impressions * rng.uniform(0.6, 0.95, n)).astype(np.int64),
            "video_starts": starts,
            "views": views,
            "views_3s": (starts * rng.uniform(0.5, 0.95, n)).astype(np.int64),
            "plays_p25": p25,
            "plays_p50": p50,
            "plays_p75": p75,
            "plays_p95": p95,
            "plays_p100": p100,
            "watch_time_s": views * duration * rng.uniform(0.2, 0.8, n),
            "clicks": clicks,
            "conversions": conversions,
            "conversion_value": conversions * rng.uniform(20, 80, n),
            "spend": impressions * rng.uniform(0.002, 0.012, n),
        }
    )
    return frame


def write_synthetic_csv(path: Path, rows: int, seed: int = 7) -> Path:
    """A canonical CSV of synthetic rows, in chunks so memory stays flat at any size."""
    chunk = 200_000
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i, offset in enumerate(range(0, int(rows), chunk)):
            frame = synthetic_frame(min(chunk, int(rows) - offset), seed=seed + i, account=seed)
            frame.to_csv(fh, index=False, header=(i == 0))
    return path


def load_synthetic(store: Store, rows: int, seed: int = 7) -> list[ImportReport]:
    """Import `rows` synthetic rows through the normal import path."""
    with tempfile.TemporaryDirectory(prefix="vmdash-syn-") as tmp:
        path = write_synthetic_csv(Path(tmp) / f"synthetic_{rows}_rows.csv", rows, seed)
        return import_files(store, [Upload(path, path.name)])
