"""Test & learn on a purpose-built database: verdicts, name tokens, lifecycle windows, benchmarks, warnings."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math

import pytest
from scipy.stats import binomtest, chi2_contingency

from vmdash import cache, metrics, testlearn
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files
from vmdash.model import DIMENSION_NAMES, MEASURE_NAMES
from vmdash.store import Store

COLUMNS = [
    "date",
    "platform",
    "channel",
    "objective",
    "campaign",
    "ad",
    "video_id",
    "video_title",
    "video_duration_s",
    "published_at",
    "currency",
    "impressions",
    "views",
    "views_3s",
    "clicks",
    "conversions",
    "spend",
]
MARCH = dt.date(2026, 3, 1)


def _days(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(**row: object) -> None:
        rows.append({"channel": "ads", "currency": "EUR", **row})

    # CTR tests, 10 days x 1,000 impressions each: win_b doubles win_a's clicks; tie_d is 10 % above tie_c.
    for video, clicks in {"win_a": 10, "win_b": 20, "tie_c": 10, "tie_d": 11}.items():
        for day in _days(MARCH, 10):
            add(
                date=day,
                platform="youtube",
                objective="acquisition",
                campaign="CTR_TEST",
                video_id=video,
                video_title=video,
                impressions=1000,
                clicks=clicks,
            )
    # The same test on two platforms, whose short plays differ (YouTube 3 s, TikTok 2 s).
    for video, platform in {"plat_yt": "youtube", "plat_tt": "tiktok"}.items():
        for day in _days(MARCH, 10):
            add(
                date=day,
                platform=platform,
                objective="awareness",
                campaign="PLATFORMS",
                video_id=video,
                video_title=video,
                impressions=1000,
                views_3s=300,
            )
    # The same test in two different months.
    for video, start in {"date_a": MARCH, "date_b": dt.date(2026, 4, 1)}.items():
        for day in _days(start, 10):
            add(
                date=day,
                platform="youtube",
                objective="acquisition",
                campaign="DATES",
                video_id=video,
                video_title=video,
                impressions=1000,
                clicks=10,
            )
    # Naming-token test on TikTok ads (no video id): A = 1,900 / 8,000 short plays, B = 2,800 / 8,000.
    ads = {
        "Hook-Test_A_9x16_v1": (5000, 1000),
        "Hook-Test_A_9x16_v2": (3000, 900),
        "Hook-Test_B_9x16_v1": (4000, 1200),
        "Hook-Test_B_9x16_v2": (4000, 1600),
    }
    for ad, (impressions, plays) in ads.items():
        add(
            date=MARCH,
            platform="tiktok",
            objective="awareness",
            campaign="HOOK_TEST",
            ad=ad,
            impressions=impressions,
            views_3s=plays,
        )
    # Lifecycle, all published on 1 Feb: life_1 100 views a day for 30 days (and one row the day
    # before publish, which must not count), life_2 200 a day for 30 days, life_3 300 a day for
    # 5 days only; life_t is alone on TikTok.
    feb = dt.date(2026, 2, 1)
    for video, per_day, days in (("life_1", 100, 30), ("life_2", 200, 30), ("life_3", 300, 5), ("life_t", 50, 30)):
        platform = "tiktok" if video == "life_t" else "youtube"
        for day in _days(feb, days):
            add(
                date=day,
                platform=platform,
                objective="awareness",
                campaign="LIFE",
                video_id=video,
                video_title=video,
                published_at=feb,
                impressions=1000,
                views=per_day,
            )
    add(
        date=feb - dt.timedelta(days=1),
        platform="youtube",
        objective="awareness",
        campaign="LIFE",
        video_id="life_1",
        video_title="life_1",
        published_at=feb,
        impressions=1000,
        views=999,
    )
    # Benchmarks: four 30-second awareness videos at 10 / 20 / 30 / 40 % view rate (median 25 %);
    # two 5-minute ones (too few peers); three conversion videos at CPA 10 / 20 / 40 (median 20).
    for i, views in enumerate((100, 200, 300, 400), start=1):
        add(
            date=MARCH,
            platform="youtube",
            objective="awareness",
            campaign="BENCH",
            video_id=f"aw_{i}",
            video_title=f"aw_{i}",
            video_duration_s=30,
            impressions=1000,
            views=views,
        )
    for i in (1, 2):
        add(
            date=MARCH,
            platform="youtube",
            objective="awareness",
            campaign="BENCH",
            video_id=f"long_{i}",
            video_title=f"long_{i}",
            video_duration_s=300,
            impressions=1000,
            views=100 * i,
        )
    for i, conversions in enumerate((10, 5, 2.5), start=1):
        add(
            date=MARCH,
            platform="youtube",
            objective="conversion",
            campaign="BENCH",
            video_id=f"cv_{i}",
            video_title=f"cv_{i}",
            video_duration_s=30,
            impressions=1000,
            clicks=50,
            conversions=conversions,
            spend=100,
        )
    # One impression each: nothing can be told apart yet.
    for video, clicks in {"tiny_a": 0, "tiny_b": 1}.items():
        add(
            date=MARCH,
            platform="youtube",
            objective="acquisition",
            campaign="TINY",
            video_id=video,
            video_title=video,
            impressions=1,
            clicks=clicks,
        )
    # A CPA test where one variant has spent without a single result.
    for video, conversions in {"cpa_none": 0, "cpa_some": 8}.items():
        add(
            date=MARCH,
            platform="youtube",
            objective="conversion",
            campaign="CPA_TEST",
            video_id=video,
            video_title=video,
            impressions=1000,
            clicks=40,
            conversions=conversions,
            spend=200,
        )
    return rows


@pytest.fixture(scope="module")
def tl_store(tmp_path_factory):
    assert set(COLUMNS) <= set(DIMENSION_NAMES) | set(MEASURE_NAMES)  # canonical headers only
    folder = tmp_path_factory.mktemp("testlearn")
    path = folder / "canonical.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, COLUMNS, restval="")
        out.writeheader()
        out.writerows(_rows())
    s = Store(folder / "vmdash.duckdb", idle_release_s=None)
    (report,) = import_files(s, [Upload(path, path.name)])
    assert report.rows_rejected == 0
    yield s
    s.close()


Z = 1.959963984540054


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def _newcombe(ka: int, na: int, kb: int, nb: int) -> tuple[float, float]:
    """Newcombe's method 10 for pb - pa, written out from the paper (independent of statsmodels)."""
    pa, pb = ka / na, kb / nb
    (la, ua), (lb, ub) = _wilson(ka, na), _wilson(kb, nb)
    d = pb - pa
    return d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)


def test_a_clear_winner_on_the_real_import(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("win_a", "win_b"), "ctr")
    table = report.table.set_index("variant")
    assert table.loc["win_a", ["successes", "trials", "rows"]].tolist() == [100, 10_000, 10]
    assert table.loc["win_b", ["successes", "trials", "rows"]].tolist() == [200, 10_000, 10]
    assert table.loc["win_b", "value"] == pytest.approx(0.02)
    wl, wh = _wilson(200, 10_000)
    assert (table.loc["win_b", "low"], table.loc["win_b", "high"]) == (pytest.approx(wl), pytest.approx(wh))

    (finding,) = report.findings
    low, high = _newcombe(100, 10_000, 200, 10_000)
    assert finding.significant
    assert finding.diff == pytest.approx(0.01)
    assert (finding.low, finding.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    chi = chi2_contingency([[200, 9_800], [100, 9_900]], correction=False).pvalue
    assert finding.p_value == pytest.approx(chi, rel=1e-9)
    assert finding.verdict == (
        f"win_b beats win_a on click-through rate: +1.0 pts, 95 % CI {low * 100:+.1f} to {high * 100:+.1f} (p < 0.001)."
    )
    assert report.warnings == ()


def test_a_win_under_the_kpis_minimum_effect_is_not_shown_as_a_win(tl_store, monkeypatch, request):
    # win_b's +1.0 pts of CTR is certain; were 2 pts the smallest change worth acting on, it is no win.
    monkeypatch.setitem(metrics.BY_NAME, "ctr", dataclasses.replace(metrics.get("ctr"), min_effect=0.02))
    cache.clear()  # a report computed under the real registry must not answer, nor this one later
    request.addfinalizer(cache.clear)
    (finding,) = testlearn.compare_variants(tl_store, "video", ("win_a", "win_b"), "ctr").findings
    assert not finding.significant
    assert finding.verdict.startswith("No winner worth acting on for click-through rate: win_b leads win_a by +1.0 pts")
    assert finding.verdict.endswith("under the 2 pts that matter.")


def test_an_inconclusive_pair_says_what_volume_it_needs(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ["tie_c", "tie_d"], "ctr", labels={"tie_d": "Tie D"})
    (finding,) = report.findings
    assert not finding.significant
    assert finding.low < 0 < finding.high
    assert finding.variant == "Tie D" and finding.baseline == "tie_c"
    low, high = _newcombe(100, 10_000, 110, 10_000)
    assert finding.verdict.startswith(
        f"No clear winner on click-through rate yet: Tie D vs tie_c +0.1 pts, 95 % CI {low * 100:+.1f} to "
        f"{high * 100:+.1f} (p = 0.49); needs about "
    )
    assert finding.verdict.endswith(" more impressions per variant to tell a 0.1-pt difference.")
    # 2.8 * sqrt(2 * 0.0105 * 0.9895 / 10,000) = 0.00403: about 0.40 pts detectable at this volume.
    assert "10,000 impressions in the smaller variant" in finding.detectable
    assert "about 0.4 pts or more" in finding.detectable


def test_a_variant_without_rows_is_said_not_dropped(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ["win_a", "nothing_here"], "ctr")
    assert list(report.table["variant"]) == ["win_a", "nothing_here"]
    assert report.table["rows"].tolist() == [10, 0]
    assert "nothing_here has no rows reporting Click-through rate under these filters." in report.warnings
    assert report.findings[0].verdict == "nothing_here has no impressions yet: nothing to compare."
    assert not report.findings[0].significant


def test_name_token_variants_sum_every_ad_carrying_the_token(tl_store):
    tokens = testlearn.name_tokens(tl_store, FilterState(campaigns=("HOOK_TEST",)))
    assert set(tokens) == {"Hook-Test", "A", "B", "9x16", "v1", "v2", "HOOK", "TEST"}  # "Hook-Test" stays whole
    report = testlearn.compare_variants(tl_store, "token", ("A", "B"), "hook_rate")
    table = report.table.set_index("variant")
    assert table.loc["A", ["successes", "trials", "rows"]].tolist() == [1900, 8000, 2]
    assert table.loc["B", ["successes", "trials", "rows"]].tolist() == [2800, 8000, 2]
    (finding,) = report.findings
    assert finding.significant and finding.diff == pytest.approx(0.35 - 0.2375)
    assert finding.verdict.startswith("B beats A on hook rate: +11.2 pts, 95 % CI +")
    assert report.warnings == ()


def test_rows_carrying_two_chosen_tokens_count_once_and_are_flagged(tl_store):
    report = testlearn.compare_variants(tl_store, "token", ("v1", "A"), "hook_rate")
    table = report.table.set_index("variant")
    # Hook-Test_A_9x16_v1 carries both: it counts for v1 (listed first) only.
    assert table.loc["v1", "trials"] == 9000 and table.loc["A", "trials"] == 3000
    assert any(w.startswith("1 rows carry more than one of the chosen tokens") for w in report.warnings)


def test_different_platforms_warn_with_their_definitions(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("plat_yt", "plat_tt"), "hook_rate")
    assert report.warnings == (
        "The variants ran on different platforms (plat_yt: YouTube; plat_tt: TikTok). "
        "Meta and Google: 3 s; TikTok and LinkedIn: 2 s. Part of any difference may be the platform, not the creative.",
    )
    (finding,) = report.findings
    assert finding.diff == 0 and not finding.significant


def test_different_date_ranges_warn(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("date_a", "date_b"), "ctr")
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(
        "The variants ran over different dates (date_a: 2026-03-01 to 2026-03-10; date_b: 2026-04-01 to 2026-04-10)"
    )


def test_several_variants_use_a_bonferroni_level(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("win_a", "win_b", "tie_d"), "ctr")
    assert report.level == pytest.approx(0.975)
    assert [f.variant for f in report.findings] == ["win_b", "tie_d"]
    assert "97.5 % CI" in report.findings[0].verdict
    assert any("2 comparisons against win_a" in w for w in report.warnings)


def test_lifecycle_windows_count_the_first_1_7_and_28_days(tl_store):
    frame = testlearn.lifecycle(tl_store, "views", FilterState(campaigns=("LIFE",)))
    got = {(r.key, r.window_days): r for r in frame.itertuples()}
    # (value, complete)
    expected = {
        ("life_1", 1): (100, True),
        ("life_1", 7): (700, True),
        ("life_1", 28): (2800, True),  # days 29 and 30 and the day before publish left out
        ("life_2", 1): (200, True),
        ("life_2", 7): (1400, True),
        ("life_2", 28): (5600, True),
        ("life_3", 1): (300, True),
        ("life_3", 7): (1500, False),  # five days of data only
        ("life_3", 28): (1500, False),
        ("life_t", 1): (50, True),
        ("life_t", 7): (350, True),
        ("life_t", 28): (1400, True),
    }
    assert {k: (r.value, r.complete) for k, r in got.items()} == expected
    # The index compares complete windows on the same platform: 100 = their median.
    index = {k: r.index for k, r in got.items()}
    assert index[("life_1", 1)] == pytest.approx(50) and index[("life_3", 1)] == pytest.approx(150)
    assert index[("life_1", 7)] == pytest.approx(100 * 700 / 1050)
    assert index[("life_2", 28)] == pytest.approx(100 * 5600 / 4200)
    assert index[("life_3", 7)] is None or math.isnan(index[("life_3", 7)])  # partial: not like for like
    assert all(index[("life_t", w)] is None or math.isnan(index[("life_t", w)]) for w in (1, 7, 28))  # no peer

    table = testlearn.lifecycle_table(frame, "views").set_index("video")
    assert table.loc["life_3", "first_7"] == f"{metrics.format_value(1500, 'number')} (days 1–5 only)"
    assert table.loc["life_1", "index_28"] == "67"


def test_lifecycle_of_a_rate_sums_before_dividing(tl_store):
    frame = testlearn.lifecycle(tl_store, "view_rate", FilterState(campaigns=("LIFE",)))
    got = {(r.key, r.window_days): r.value for r in frame.itertuples()}
    assert got[("life_2", 7)] == pytest.approx(1400 / 7000)
    assert got[("life_3", 28)] == pytest.approx(1500 / 5000)


def test_benchmark_index_is_100_at_the_groups_median(tl_store):
    frame = testlearn.benchmarks(tl_store, FilterState(campaigns=("BENCH",)))
    got = {r.key: r for r in frame.itertuples()}
    assert {k: (r.kpi, r.peers) for k, r in got.items() if k.startswith("aw_")} == {
        f"aw_{i}": ("view_rate", 4) for i in (1, 2, 3, 4)
    }
    assert got["aw_1"].median == pytest.approx(0.25)
    assert [round(got[f"aw_{i}"].index, 6) for i in (1, 2, 3, 4)] == [40, 80, 120, 160]
    # A cost: cheaper than typical is above 100 (median CPA 20: CPA 10 -> 200, CPA 40 -> 50).
    assert [round(got[f"cv_{i}"].index, 6) for i in (1, 2, 3)] == [200, 100, 50]
    assert {got[f"cv_{i}"].kpi for i in (1, 2, 3)} == {"cpa"}
    # Two videos in a length bucket are too few for a typical one.
    assert got["long_1"].peers == 2 and (got["long_1"].index is None or math.isnan(got["long_1"].index))
    # On a log scale 40 is furthest from 100, then 200 and 50 (as far as each other), then 160.
    ranked = testlearn.furthest_from_typical(frame, 4)
    assert ranked["key"].iloc[0] == "aw_1"
    assert set(ranked["key"].iloc[1:3]) == {"cv_1", "cv_3"} and ranked["key"].iloc[3] == "aw_4"


def test_a_cost_variant_without_results_is_not_called_a_winner_or_loser(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("cpa_none", "cpa_some"), "cpa", currency="EUR")
    table = report.table.set_index("variant")
    assert table.loc["cpa_some", "value"] == pytest.approx(25.0)  # 200 spent for 8 results
    assert table.loc["cpa_none", "value"] is None or math.isnan(table.loc["cpa_none", "value"])
    (finding,) = report.findings
    assert not finding.significant
    assert finding.verdict == "cpa_none has no results (or no spend) yet: nothing to compare on CPA."


def test_a_cost_comparison_reads_in_the_currency(tl_store):
    report = testlearn.compare_variants(tl_store, "video", ("cv_1", "cv_3"), "cpa", currency="EUR")
    (finding,) = report.findings
    # 100 spent for 10 results against 100 for 2.5 (2 whole results): the cheaper one wins.
    assert finding.significant and finding.diff == pytest.approx(3.0)
    assert finding.verdict.startswith("cv_1 beats cv_3 on CPA: 10.00 € against 40.00 € (cv_3 vs cv_1 +300 %, 95 % CI +")
    # Independently: on equal spend, 10 of 12 results falling to one side is unlikely by chance (exact p = 0.039).
    assert binomtest(10, 12, 0.5).pvalue == pytest.approx(0.0386, abs=1e-4)
    assert finding.p_value < 0.05


def test_one_impression_each_detects_nothing_and_says_so(tl_store):
    (finding,) = testlearn.compare_variants(tl_store, "video", ("tiny_a", "tiny_b"), "ctr").findings
    assert not finding.significant and finding.p_value == pytest.approx(1.0)
    assert finding.verdict.startswith("No clear winner on click-through rate yet: tiny_b vs tiny_a +100.0 pts")
    assert finding.detectable == (
        "At this volume (1 impressions in the smaller variant) the test cannot reliably detect any difference yet "
        "(80 % power)."
    )
