"""Key moments, hook retention and the typical band on the shared retention exports; length buckets; coverage.

Expected positions below were read off the CSVs by hand (and are re-checked against the raw
files by `test_the_fixture_jumps_are_where_the_comments_say`), not computed with vmdash.
"""

from __future__ import annotations

import csv
import math
import shutil
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vmdash import metrics, model, queries, retention
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "fixtures" / "exports"
EXPORTS = SHARED if SHARED.is_dir() else ROOT / "data" / "samples"


def _studio() -> tuple[list[float], list[float]]:
    with (EXPORTS / "youtube_audience_retention.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        [float(r["Video position (%)"]) for r in rows],
        [float(r["Absolute audience retention (%)"]) / 100 for r in rows],
    )


def _api(video: str) -> tuple[list[float], list[float]]:
    with (EXPORTS / "youtube_api_audience_retention.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["video"] == video]
    return [float(r["elapsedVideoTimeRatio"]) * 100 for r in rows], [float(r["audienceWatchRatio"]) for r in rows]


def _wistia_seconds(media: str) -> tuple[list[int], list[float]]:
    with (EXPORTS / "wistia_engagement.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["media_id"] == media]
    return [int(r["second"]) for r in rows], [float(r["percent_watching"]) / 100 for r in rows]


def _wistia(media: str) -> tuple[list[float], list[float]]:
    seconds, ratios = _wistia_seconds(media)
    length = max(seconds) + 1  # one point per second, 0 .. length - 1
    return [s * 100 / length for s in seconds], ratios


# Lengths from the companion exports: YouTube table data (487 s, 493 s, 35 s), Wistia media stats.
CURVES = {
    # "5 mistakes with retinol", YouTube Studio, 487 s, points at 0..99 %.
    # 0 % 100.0 -> 6 % 62.9, 7 % 62.3: the intro (30 s = 6.16 %) loses 37.2 points.
    # Steepest drop at the end: 96 % 35.9 -> 97 % 31.5 -> 98 % 28.6 -> 99 % 25.1 (-10.8 pts);
    # elsewhere no step loses more than 0.7 points.
    # Rises: 67->68 % +2.3 (43.9 -> 46.2), 51->52 % +2.1, 85->86 % +1.8, 35->36 % +1.4, 47->48 % +1.1.
    "studio": {
        "curve": _studio,
        "duration": 487.0,
        "intro": (0.0, 30 / 487 * 100, 0.629 - 0.006 * (30 / 4.87 - 6) - 1.0),
        "drops": [(96.0, 99.0, 0.251 - 0.359)],
        "spikes": [(67.0, 68.0, 0.023), (51.0, 52.0, 0.021), (85.0, 86.0, 0.018)],
        "labels": [
            "Intro drop: −37 pts in the first 0:30",
            "Steep drop: −11 pts at 7:48–8:02",  # 96 % and 99 % of 487 s = 467.5 s and 482.1 s
            "Spike (rewatches): +2.3 pts at 5:26–5:31",  # 326.3 s and 331.2 s
            "Spike (rewatches): +2.1 pts at 4:08–4:13",
            "Spike (rewatches): +1.8 pts at 6:54–6:59",
        ],
        # 3 s = 0.616 % (between 100.0 and 91.5); 30 s = 6.160 % (between 62.9 and 62.3).
        "hooks": {3.0: 1.0 - 0.0850 * (3 / 4.87), 30.0: 0.629 - 0.006 * (30 / 4.87 - 6)},
    },
    # "How we make our serum in Lyon", Analytics API, 493 s, ratios 0.01..1.00 -> 1..100 %.
    # 1 % 1.000 -> 6 % 0.639, 7 % 0.637: intro (30 s = 6.09 %) loses 36.1 points.
    # End: 97 % 0.369 -> 98 % 0.341 -> 99 % 0.301 -> 100 % 0.270 (-9.9 pts).
    # Rises: 7->8 % +1.9 (0.637 -> 0.656), 57->58 % +1.4, 86->87 % +1.3, 79->80 % +0.7 (below 1 pt).
    "sbq4JgYUL4u": {
        "curve": lambda: _api("sbq4JgYUL4u"),
        "duration": 493.0,
        "intro": (1.0, 30 / 493 * 100, 0.639 - 0.002 * (30 / 4.93 - 6) - 1.0),
        "drops": [(97.0, 100.0, 0.270 - 0.369)],
        "spikes": [(7.0, 8.0, 0.019), (57.0, 58.0, 0.014), (86.0, 87.0, 0.013)],
        "labels": [
            "Intro drop: −36 pts in the first 0:30",
            "Steep drop: −9.9 pts at 7:58–8:13",
            "Spike (rewatches): +1.9 pts at 0:35–0:39",
            "Spike (rewatches): +1.4 pts at 4:41–4:46",
            "Spike (rewatches): +1.3 pts at 7:04–7:09",
        ],
        # 3 s = 0.61 %, before the first point (1 %): the first point's 1.000.
        "hooks": {3.0: 1.0, 30.0: 0.639 - 0.002 * (30 / 4.93 - 6)},
    },
    # "Shorts: 15-second glow", Analytics API, 35 s; starts above 1 (rewatches): 1.068.
    # Intro = 10 % (30 s would be 86 % of it): 1.068 -> 0.955 = -11.3 pts.
    # End: 97 % 0.589 -> 100 % 0.502 (-8.7 pts). One rise of a full point: 52->53 % 0.750 -> 0.760.
    "WHzEV1FaQY9": {
        "curve": lambda: _api("WHzEV1FaQY9"),
        "duration": 35.0,
        "intro": (1.0, 10.0, 0.955 - 1.068),
        "drops": [(97.0, 100.0, 0.502 - 0.589)],
        "spikes": [(52.0, 53.0, 0.010)],
        "labels": [
            "Intro drop: −11 pts in the first 0:04",  # 10 % of 35 s = 3.5 s
            "Steep drop: −8.7 pts at 0:34–0:35",
            "Spike (rewatches): +1.0 pts at 0:18–0:19",
        ],
        # 3 s = 8.57 % (between 0.961 and 0.957); 30 s = 85.71 % (between 0.646 and 0.640).
        "hooks": {3.0: 0.961 - 0.004 * (300 / 35 - 8), 30.0: 0.646 - 0.006 * (3000 / 35 - 85)},
    },
    # "Product demo: Glow Serum", Wistia, one point per second, 0..74 s (75 s long).
    # Intro = 10 % = 7.5 s: 100 -> 70 (seconds 6-8 all 70): -30 pts.
    # End: 72 s 51 -> 73 s 48 -> 74 s 46 (-5 pts); no other second loses more than one point.
    # Rises: 11->12 s 68 -> 70 (+2), 33->34 s 64 -> 65 (+1).
    "op2cypacez": {
        "curve": lambda: _wistia("op2cypacez"),
        "duration": 75.0,
        "intro": (0.0, 10.0, 0.70 - 1.0),
        "drops": [(72 / 0.75, 74 / 0.75, 0.46 - 0.51)],
        "spikes": [(11 / 0.75, 12 / 0.75, 0.02), (33 / 0.75, 34 / 0.75, 0.01)],
        "labels": [
            "Intro drop: −30 pts in the first 0:08",  # 7.5 s
            "Steep drop: −5.0 pts at 1:12–1:14",
            "Spike (rewatches): +2.0 pts at 0:11–0:12",
            "Spike (rewatches): +1.0 pts at 0:33–0:34",
        ],
        "hooks": {3.0: 0.84, 30.0: 0.65},
    },
    # "How-to: refill", Wistia, 0..57 s (58 s long).
    # Intro = 5.8 s: 100 -> between 78 (5 s) and 77 (6 s) = 77.2: -22.8 pts.
    # End: 54 s 56 -> 55 s 53 -> 56 s 50 -> 57 s 47 (-9 pts). Rises: 8->9 s 76 -> 77, 37->38 s 62 -> 63.
    "7efpgru2nb": {
        "curve": lambda: _wistia("7efpgru2nb"),
        "duration": 58.0,
        "intro": (0.0, 10.0, 0.78 - 0.8 * 0.01 - 1.0),
        "drops": [(54 / 0.58, 57 / 0.58, 0.47 - 0.56)],
        "spikes": [(8 / 0.58, 9 / 0.58, 0.01), (37 / 0.58, 38 / 0.58, 0.01)],
        "labels": [
            "Intro drop: −23 pts in the first 0:06",
            "Steep drop: −9.0 pts at 0:54–0:57",
            "Spike (rewatches): +1.0 pts at 0:08–0:09",
            "Spike (rewatches): +1.0 pts at 0:37–0:38",
        ],
        "hooks": {3.0: 0.88, 30.0: 0.66},
    },
}


def test_the_fixture_jumps_are_where_the_comments_say():
    # The hand-read positions, checked on the raw files: largest rises and the final fall.
    pos, ratio = _studio()
    steps = {int(pos[i]): round((ratio[i + 1] - ratio[i]) * 100, 1) for i in range(len(pos) - 1)}
    rises = sorted((s for s in steps.items() if s[1] > 0), key=lambda s: -s[1])
    assert rises[:5] == [(67, 2.3), (51, 2.1), (85, 1.8), (35, 1.4), (47, 1.1)]
    body = {p: -d for p, d in steps.items() if p >= 7}
    assert sorted(sorted(body, key=lambda p: -body[p])[:3]) == [96, 97, 98]  # steps starting there
    assert max(v for p, v in body.items() if p < 96) <= 0.7

    seconds, watching = _wistia_seconds("op2cypacez")
    change = {seconds[i]: round((watching[i + 1] - watching[i]) * 100) for i in range(len(seconds) - 1)}
    assert [s for s, d in change.items() if d > 0] == [11, 33]
    assert [s for s, d in change.items() if d <= -2 and s >= 8] == [72, 73]

    pos, ratio = _api("WHzEV1FaQY9")
    assert ratio[0] > 1.0  # a Short's rewatches start it above everyone who started
    assert [int(pos[i]) for i in range(99) if ratio[i + 1] - ratio[i] >= 0.00999] == [52]


@pytest.mark.parametrize("name", list(CURVES))
def test_key_moments_are_found_where_the_curve_moves(name):
    case = CURVES[name]
    pos, ratio = case["curve"]()
    duration = case["duration"]
    found = retention.key_moments(pos, ratio, duration)
    intro = [m for m in found if m.kind == "intro"]
    drops = [m for m in found if m.kind == "drop"]
    spikes = [m for m in found if m.kind == "spike"]

    start, end, change = case["intro"]
    assert len(intro) == 1
    assert intro[0].start_pct == pytest.approx(start)
    assert intro[0].end_pct == pytest.approx(end)
    assert intro[0].change == pytest.approx(change, abs=1e-9)
    assert intro[0].end_s == pytest.approx(min(30.0, duration / 10))

    assert [(m.start_pct, m.end_pct) for m in drops] == [pytest.approx(d[:2]) for d in case["drops"]]
    assert [m.change for m in drops] == [pytest.approx(d[2], abs=1e-9) for d in case["drops"]]
    assert [(m.start_pct, m.end_pct) for m in spikes] == [pytest.approx(s[:2]) for s in case["spikes"]]
    assert [m.change for m in spikes] == [pytest.approx(s[2], abs=1e-9) for s in case["spikes"]]
    for m in found:
        assert m.start_s == pytest.approx(m.start_pct / 100 * duration)
        assert m.end_s == pytest.approx(m.end_pct / 100 * duration)
    assert [m.label for m in found] == case["labels"]


@pytest.mark.parametrize("name", list(CURVES))
def test_hook_retention_at_3_and_30_seconds(name):
    case = CURVES[name]
    pos, ratio = case["curve"]()
    hooks = retention.hook_retention(pos, ratio, case["duration"])
    assert hooks == {s: pytest.approx(v, abs=1e-9) for s, v in case["hooks"].items()}


def test_moments_without_a_known_length_are_placed_in_percent():
    pos, ratio = _studio()
    found = retention.key_moments(pos, ratio, None)
    assert found[0].kind == "intro" and found[0].end_pct == 10.0  # first 10 % without a length
    assert found[0].label == "Intro drop: −38 pts in the first 10 %"  # 100.0 -> 61.7
    assert all(m.start_s is None for m in found)
    assert retention.hook_retention(pos, ratio, None) == {3.0: None, 30.0: None}
    assert retention.hook_retention(pos, ratio, 20.0)[30.0] is None  # shorter than 30 s


def test_a_dense_curve_is_judged_on_1_percent_steps_and_keeps_its_last_point():
    # One point per second of a 10-minute video: 0.167 % apart. A one-point wobble every other
    # second is noise; the 8-point fall over the last 3 seconds is a real drop.
    seconds = np.arange(600)
    ratio = 0.6 - 0.0003 * seconds + np.where(seconds % 2 == 0, 0.0, 0.01)
    ratio[-3:] = [0.37, 0.33, 0.30]
    found = retention.steep_drops(seconds / 6, ratio, 600.0)
    assert len(found) == 1
    assert found[0].end_pct == pytest.approx(599 / 6)
    assert found[0].change == pytest.approx(0.30 - ratio[-6:-3].mean() - 0.0003 * 1.5, abs=0.02)
    assert retention.spikes(seconds / 6, ratio, 600.0) == []


# -- the same moments and hooks in the app's query, on the imported exports ----------------


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory, sample_db_file) -> Store:
    path = tmp_path_factory.mktemp("ret") / "vmdash.duckdb"
    shutil.copyfile(sample_db_file, path)
    s = Store(path, idle_release_s=None)
    yield s
    s.close()


# Retention keys in the database: the Studio export is named by the title in its ZIP's name.
DB_KEYS = {"studio": "5 mistakes with retinol"} | {k: k for k in CURVES if k != "studio"}


@pytest.mark.parametrize("name", list(CURVES))
def test_the_retention_view_marks_the_same_moments_and_hooks(samples_db, name):
    case = CURVES[name]
    view = queries.retention_view(samples_db, [DB_KEYS[name]], FilterState(), "seconds")
    assert view.unit == "seconds"
    assert list(view.moments["label"]) == case["labels"]
    marks = view.moments.set_index("kind")
    # The intro is marked where it ends; a drop where it starts; a spike at its top.
    assert marks.loc["intro", "x"] == pytest.approx(min(30.0, case["duration"] / 10), abs=0.1)
    assert view.moments[view.moments["kind"] == "drop"]["x"].tolist() == [
        pytest.approx(d[0] / 100 * case["duration"], abs=0.1) for d in case["drops"]
    ]
    assert view.moments[view.moments["kind"] == "spike"]["x"].tolist() == [
        pytest.approx(s[1] / 100 * case["duration"], abs=0.1) for s in case["spikes"]
    ]
    hooks = view.hooks.iloc[0]
    assert hooks["length_s"] == case["duration"]
    assert hooks["hook_3s"] == pytest.approx(case["hooks"][3.0], abs=0.002)
    assert hooks["hook_30s"] == pytest.approx(case["hooks"][30.0], abs=0.002)
    assert hooks["end_ratio"] == pytest.approx(case["curve"]()[1][-1])


# -- typical band ----------------------------------------------------------------------------


def _band_bin(position_pct: float) -> float:
    # Bins of 2 % of the length, half away from zero (DuckDB's round), e.g. 1 % and 2 % -> 2 %.
    return math.floor(position_pct / 2 + 0.5) * 2


def _expected_band(curves: list[tuple[list[float], list[float]]]) -> dict[float, tuple[float, float, float, int]]:
    per_bin: dict[float, list[float]] = {}
    for pos, ratio in curves:
        mine: dict[float, list[float]] = {}
        for p, r in zip(pos, ratio, strict=True):
            mine.setdefault(_band_bin(p), []).append(r)
        for b, values in mine.items():
            per_bin.setdefault(b, []).append(statistics.fmean(values))
    return {
        b: (statistics.median(v), float(np.percentile(v, 25)), float(np.percentile(v, 75)), len(v))
        for b, v in sorted(per_bin.items())
    }


def _assert_band(band: pd.DataFrame, expected: dict) -> None:
    assert list(band["position_pct"]) == list(expected)
    for row in band.itertuples():
        median, q1, q3, n = expected[row.position_pct]
        assert (row.median, row.q1, row.q3) == pytest.approx((median, q1, q3), abs=1e-9), row.position_pct
        assert row.videos == n


def _shifted(ratio: list[float], by: float) -> list[float]:
    return [round(r + by, 4) for r in ratio]


@pytest.fixture(scope="module")
def band_db(tmp_path_factory, sample_db_file) -> Store:
    """The samples plus two more YouTube videos of 3-10 min (API curves and their lengths)."""
    folder = tmp_path_factory.mktemp("band")
    shutil.copyfile(sample_db_file, folder / "vmdash.duckdb")
    s = Store(folder / "vmdash.duckdb", idle_release_s=None)
    pos, ratio = _api("sbq4JgYUL4u")
    extra = {"bandVideoA1": -0.05, "bandVideoB2": 0.08}
    retention_csv = folder / "more_retention.csv"
    with retention_csv.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "elapsedVideoTimeRatio", "audienceWatchRatio", "relativeRetentionPerformance"])
        for vid, by in extra.items():
            for p, r in zip(pos, _shifted(ratio, by), strict=True):
                w.writerow([vid, f"{p / 100:.2f}", f"{r:.4f}", "0.5"])
    table_csv = folder / "more_table.csv"
    with table_csv.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Content", "Video title", "Duration", "Views", "Watch time (hours)"])
        w.writerow(["bandVideoA1", "Band video A", "240", "1000", "20.5"])
        w.writerow(["bandVideoB2", "Band video B", "600", "2000", "70.25"])
    reports = import_files(s, [Upload(retention_csv, retention_csv.name), Upload(table_csv, table_csv.name)])
    assert [r.rows_loaded for r in reports] == [200, 2]
    yield s
    s.close()


def test_typical_band_is_the_median_and_middle_half_of_the_same_platform_and_length(band_db):
    videos = queries.retention_videos(band_db)
    in_bucket = videos[(videos["platform"] == "youtube") & (videos["length_bucket"] == "3–10 min")]
    # 600 s is still 3-10 min; the 35-s Short is not in the bucket.
    assert sorted(in_bucket["key"]) == ["5 mistakes with retinol", "bandVideoA1", "bandVideoB2", "sbq4JgYUL4u"]
    pos, ratio = _api("sbq4JgYUL4u")
    curves = [
        _studio(),
        (pos, ratio),
        (pos, _shifted(ratio, -0.05)),
        (pos, _shifted(ratio, 0.08)),
    ]
    expected = _expected_band(curves)
    band = queries.typical_band(band_db, "youtube", "3–10 min")
    _assert_band(band, expected)
    # Spot check on the raw numbers: the 50 % bin averages 49 % and 50 % of each curve:
    # 0.4755 (47.8, 47.3), 0.5115 (0.515, 0.508), 0.4615 and 0.5915 (shifted by -0.05 / +0.08).
    assert expected[50.0][0] == pytest.approx((0.4755 + 0.5115) / 2)
    assert expected[50.0][1:3] == pytest.approx((0.4615 + 0.75 * 0.014, 0.5115 + 0.25 * 0.08))

    video = videos[videos["key"] == "sbq4JgYUL4u"].iloc[0]
    drawn, note = queries.band_for(band_db, video)
    _assert_band(drawn, expected)
    assert note == "Typical: median and middle half of your 4 YouTube videos of 3–10 min."


def test_typical_band_falls_back_to_the_platform_then_to_none(samples_db):
    videos = queries.retention_videos(samples_db)
    video = videos[videos["key"] == "sbq4JgYUL4u"].iloc[0]
    band, note = queries.band_for(samples_db, video)
    # Only 2 YouTube videos of 3-10 min: the band is every YouTube video (3 curves).
    assert "3 YouTube videos of every length (fewer than 3 of 3–10 min)" in note
    _assert_band(band, _expected_band([_studio(), _api("sbq4JgYUL4u"), _api("WHzEV1FaQY9")]))
    wistia = videos[videos["platform"] == "wistia"].iloc[0]
    band, note = queries.band_for(samples_db, wistia)
    assert band.empty
    assert note.startswith("No typical band: 2 Wistia video(s)")


def test_the_videos_a_filter_keeps_are_those_its_facts_name(samples_db):
    import datetime as dt

    from vmdash.filters import VIDEO_KEY_SQL

    listed = queries.retention_videos(samples_db)
    every = set(listed["video_id"])
    chosen = {*zip(listed["key"], listed["video_id"], strict=True), *((v, v) for v in every)}
    start, end = queries.date_span(samples_db)
    assert start is not None and end is not None and len(every) >= 4
    scopes = [
        FilterState(date_from=start + dt.timedelta(days=3), date_to=end - dt.timedelta(days=40)),
        FilterState(date_from=end - dt.timedelta(days=20)),
        FilterState(date_to=start + dt.timedelta(days=20)),
        FilterState(objectives=("awareness",)),
        FilterState(channels=("organic",), date_from=start + dt.timedelta(days=35)),
    ]
    for filters in scopes:
        where, params = filters.where()
        named = {
            r[0] for r in samples_db.rows(f"SELECT DISTINCT {VIDEO_KEY_SQL} FROM active_facts WHERE {where}", params)
        }
        kept = set(queries.retention_videos.uncached(samples_db, filters)["video_id"])
        assert kept == every & named, filters
        # One video chosen (the Video page), by its id or by its retention key (a title for
        # YouTube Studio): the same answer, looked up through the chosen video's facts alone.
        for key, video_id in chosen:
            one = set(queries.retention_videos.uncached(samples_db, filters.narrowed(videos=(key,)))["video_id"])
            assert one == {video_id} & named, (filters, key)
    # Some scope keeps some of the videos and leaves others out (the check above can tell).
    assert any(0 < len(set(queries.retention_videos.uncached(samples_db, f)["video_id"])) < len(every) for f in scopes)


# -- length buckets ----------------------------------------------------------------------------

BOUNDARIES = [
    (0.0, "≤ 15 s"),
    (15.0, "≤ 15 s"),
    (15.001, "15–60 s"),
    (60.0, "15–60 s"),
    (60.5, "1–3 min"),
    (180.0, "1–3 min"),
    (180.01, "3–10 min"),
    (600.0, "3–10 min"),
    (600.5, "> 10 min"),
    (7200.0, "> 10 min"),
    (None, "unknown"),
]


@pytest.mark.parametrize(("seconds", "bucket"), BOUNDARIES)
def test_length_buckets_at_their_boundaries(store, seconds, bucket):
    params: dict[str, object] = {"d": seconds}
    expr = queries.length_bucket_sql("CAST($d AS DOUBLE)", params)
    assert store.scalar(f"SELECT {expr}", params) == bucket
    assert model.length_bucket(seconds) == bucket


def test_length_buckets_of_the_sample_videos(samples_db):
    videos = queries.retention_videos(samples_db).set_index("key")
    assert videos["length_bucket"].to_dict() == {
        "5 mistakes with retinol": "3–10 min",  # 487 s
        "sbq4JgYUL4u": "3–10 min",  # 493 s
        "WHzEV1FaQY9": "15–60 s",  # 35 s
        "7efpgru2nb": "15–60 s",  # 58 s
        "op2cypacez": "1–3 min",  # 75 s
    }


def test_length_split_uses_tokens_in_names_and_keeps_unknown_lengths(samples_db):
    funnel = queries.quartile_funnel(samples_db, FilterState(), "length")
    assert set(funnel["group"]) <= set(queries.LENGTH_LABELS)
    facts = samples_db.df("SELECT * FROM active_facts")
    names = facts[["ad", "video_title", "ad_set", "campaign"]].fillna("").agg(" ".join, axis=1).str.lower()
    token = names.str.extract(r"(?:^|[^0-9a-z])([0-9]{1,4})s(?:[^0-9a-z]|$)")[0].astype(float)
    duration = facts["video_duration_s"].fillna(token)
    facts["bucket"] = [model.length_bucket(None if pd.isna(d) else d) for d in duration]
    with_starts = facts[facts["video_starts"].notna()]
    starts = with_starts.groupby("bucket")["video_starts"].sum()
    got = funnel[funnel["order"] == 0].set_index("group")["plays"]
    assert got.to_dict() == pytest.approx(starts[starts > 0].to_dict())


# -- NULL is "not reported", left out of ratios with the coverage stated ----------------------


def test_a_measure_a_platform_does_not_report_is_left_out_with_its_coverage(samples_db):
    facts = samples_db.df("SELECT platform, video_starts, plays_p100, plays_p95 FROM active_facts")
    # Wistia reports starts (plays) but no completions; Meta reports neither starts nor starts-based rates.
    wistia = facts[facts["platform"] == "wistia"]
    assert wistia["video_starts"].notna().all() and wistia["plays_p100"].isna().all()
    both = facts[facts["video_starts"].notna() & facts["plays_p100"].notna()]
    rate = both["plays_p100"].sum() / both["video_starts"].sum()
    coverage = both["video_starts"].sum() / facts["video_starts"].sum()
    assert 0.5 < coverage < 1.0

    kpi = queries.kpis(samples_db, ("completion_rate",))["completion_rate"]
    assert kpi.value == pytest.approx(rate)
    assert kpi.coverage == pytest.approx(coverage)
    # Counting Wistia as 0 completions would give a lower rate: it is left out instead.
    assert kpi.value > both["plays_p100"].sum() / facts["video_starts"].sum()

    funnel = queries.quartile_funnel(samples_db, FilterState(), "platform")
    steps = funnel.set_index(["group", "step"])
    assert pd.isna(steps.loc[("wistia", "100 %"), "rate"])
    assert metrics.format_value(steps.loc[("wistia", "100 %"), "rate"], "pct") == "not reported"
    assert pd.isna(steps.loc[("wistia", "100 %"), "coverage"])
    # Nobody reporting starts reports 95 %: the step is not reported anywhere, never 0 %.
    assert funnel[funnel["step"] == "95 %"]["rate"].isna().all()
    assert "facebook" not in set(funnel["group"])  # Meta has no starts: no base, no row

    per_impression = queries.quartile_funnel(samples_db, FilterState(), "platform", "impressions").set_index(
        ["group", "step"]
    )
    assert per_impression.loc[("facebook", "95 %"), "rate"] > 0
    assert ("youtube", "Impressions") in per_impression.index
    assert pd.isna(per_impression.loc[("youtube", "25 %"), "rate"])


def test_the_funnel_shows_not_reported_and_states_coverage(samples_db):
    frame = queries.funnel(samples_db, FilterState(), "platform")
    table = queries.funnel_table(frame).set_index("group")
    assert pd.isna(table.loc["youtube", "Clicks"])
    assert metrics.format_value(table.loc["youtube", "CPC"], "money") == "not reported"
    facts = samples_db.df("SELECT clicks, spend, conversion_value FROM active_facts")
    total = frame[frame["is_total"]].iloc[0]
    reporting = facts[facts["conversion_value"].notna() & facts["spend"].notna()]
    assert total["roas"] == pytest.approx(reporting["conversion_value"].sum() / reporting["spend"].sum())
    assert total["roas__coverage"] == pytest.approx(reporting["spend"].sum() / facts["spend"].sum())
    assert 0 < total["roas__coverage"] < 1


@pytest.mark.parametrize(
    ("change", "shown"), [(-0.372, "−37 pts"), (-0.054, "−5.4 pts"), (0.12, "+12 pts"), (0.0, "+0.0 pts")]
)
def test_a_change_of_a_share_reads_in_points_in_tables_and_sentences_alike(change, shown):
    assert metrics.format_value(change, "pts") == shown
    moment = retention.Moment("drop", 10.0, 20.0, change)
    assert moment.label == f"Steep drop: {shown} at 10 %–20 %"
