"""Four YouTube videos with hand-countable numbers: first days, peers and traffic sources (the Video page's tests)."""

from __future__ import annotations

from pathlib import Path

HEADER = "date,platform,channel,objective,video_id,video_title,published_at,video_duration_s,impressions,views,traffic_source"


def rows() -> list[str]:
    """The export's rows; the comments give each video's sums."""
    out = []
    for day in range(1, 8):  # A: 100 views on day 1, then 50 a day; 1,000 impressions a day
        views = 100 if day == 1 else 50
        out.append(f"2026-03-0{day},youtube,social,awareness,A,Alpha,2026-03-01,60,1000,{views},")
    for day in range(1, 8):  # B: 200 views a day
        out.append(f"2026-03-0{day},youtube,social,awareness,B,Beta,2026-03-01,60,1000,200,")
    for day in range(2, 9):  # C: published a day later, 300 views a day
        out.append(f"2026-03-0{day},youtube,social,awareness,C,Gamma,2026-03-02,60,1000,300,")
    # D: lifetime views by traffic source, no impressions (no view rate)
    out.append(",youtube,social,awareness,D,Delta,2026-01-10,30,,30,YT_SEARCH")
    out.append(",youtube,social,awareness,D,Delta,2026-01-10,30,,70,RELATED_VIDEO")
    return out


def write_export(folder: Path) -> Path:
    """The four videos as a CSV export in `folder`."""
    path = folder / "videos.csv"
    path.write_text("\n".join([HEADER, *rows()]) + "\n", encoding="utf-8")
    return path
