"""The vocabulary and the KPI registry: every name resolves, NULL stays 'not reported'."""

from __future__ import annotations

import math

import pytest

from vmdash import metrics, model
from vmdash.errors import InvalidChoice
from vmdash.ingest import Options, Upload, import_files


def test_vocabularies_have_no_duplicates():
    for names in (model.PLATFORMS, model.CHANNELS, model.OBJECTIVES, model.DIMENSION_NAMES, model.MEASURE_NAMES):
        assert len(names) == len(set(names))
    assert not set(model.DIMENSION_NAMES) & set(model.MEASURE_NAMES)


def test_spec_measures_are_all_present():
    spec = [
        "impressions",
        "reach",
        "video_starts",
        "views",
        "views_3s",
        "plays_p25",
        "plays_p50",
        "plays_p75",
        "plays_p95",
        "plays_p100",
        "thruplays",
        "watch_time_s",
        "clicks",
        "conversions",
        "conversion_value",
        "spend",
        "likes",
        "comments",
        "shares",
        "saves",
        "subscribers_gained",
        "engaged_views",
    ]
    assert list(model.MEASURE_NAMES) == spec


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_metric_reads_existing_columns_and_is_documented(metric):
    tested = ({metric.numerator_if[0]} if metric.numerator_if else set()) | ({"platform"} if metric.not_on else set())
    for column in metric.measures:
        assert column in model.MEASURE_NAMES or column in {"video_duration_s", *tested}
    assert tested <= set(model.DIMENSION_NAMES)
    assert metric.objective in model.OBJECTIVES
    assert metric.fmt in ("pct", "money", "number", "seconds", "ratio")
    assert metric.definition.endswith(".")
    assert metric.label


def test_required_kpis_exist():
    required = {
        "view_rate",
        "hook_rate",
        "hold_rate",
        "p25_rate",
        "p50_rate",
        "p75_rate",
        "completion_rate",
        "avg_view_duration",
        "avg_pct_viewed",
        "ctr",
        "conversion_rate",
        "cpm",
        "cpv",
        "cpc",
        "cpa",
        "roas",
    }
    assert required <= set(metrics.BY_NAME)


def test_objective_cards_name_real_metrics():
    for objective, names in metrics.BY_OBJECTIVE.items():
        assert objective in model.OBJECTIVES
        for name in names:
            metrics.get(name)
    for name in metrics.PRIMARY.values():
        metrics.get(name)


def test_unknown_metric_names_what_exists():
    with pytest.raises(InvalidChoice, match="unknown metric 'nope'; choose one of: view_rate"):
        metrics.get("nope")


@pytest.mark.parametrize(
    ("value", "fmt", "currency", "expected"),
    [
        (None, "pct", None, "not reported"),
        (math.nan, "money", "EUR", "not reported"),
        (0.4682, "pct", None, "46.8 %"),
        (7.2391, "money", "EUR", "7.24 €"),
        (12.5, "money", "CHF", "12.50 CHF"),
        # Below ten cents money keeps two significant digits: these two CPVs differ.
        (0.0061, "money", "EUR", "0.0061 €"),
        (0.01494, "money", "EUR", "0.015 €"),
        (0.1, "money", "EUR", "0.10 €"),
        (0.0, "money", "EUR", "0.00 €"),
        (-0.004, "money", "USD", "-0.0040 $"),
        (1e-300, "money", "EUR", "0.000000 €"),
        (272.4, "seconds", None, "4:32"),
        (8.25, "seconds", None, "8.2 s"),
        (3.756, "ratio", None, "3.76×"),
        (1_234_567, "number", None, "1.23 M"),
        (0, "pct", None, "0.0 %"),
    ],
)
def test_format_value(value, fmt, currency, expected):
    assert metrics.format_value(value, fmt, currency) == expected


def _canonical_csv(tmp_path, text):
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    return Upload(path, "rows.csv")


def test_ratio_leaves_out_rows_that_do_not_report_the_numerator(store, tmp_path):
    # tiktok reports clicks; vimeo does not: CTR must be tiktok's alone, with 50 % coverage.
    upload = _canonical_csv(
        tmp_path,
        "date,platform,campaign,impressions,clicks,spend\n2026-03-01,tiktok,A,1000,20,10\n2026-03-01,vimeo,B,1000,,\n",
    )
    import_files(store, [upload], Options(objective="awareness"))
    ctr = metrics.get("ctr")
    value, coverage = store.rows(f"SELECT {ctr.sql()}, {ctr.coverage_sql()} FROM active_facts")[0]
    assert value == pytest.approx(0.02)
    assert coverage == pytest.approx(0.5)
    cpm = metrics.get("cpm")
    assert store.scalar(f"SELECT {cpm.sql()} FROM active_facts") == pytest.approx(10.0)


def test_ratio_with_no_reporting_rows_is_null_not_zero(store, tmp_path):
    upload = _canonical_csv(tmp_path, "date,platform,campaign,impressions\n2026-03-01,vimeo,B,1000\n")
    import_files(store, [upload])
    ctr = metrics.get("ctr")
    assert store.scalar(f"SELECT {ctr.sql()} FROM active_facts") is None
    assert store.scalar("SELECT sum(clicks) FROM active_facts") is None


def test_every_denominator_multiplies_at_most_one_measure():
    # queries.presummed sums measures before a KPI reads them: a product of two summed
    # measures would be wrong, a measure times a dimension (kept as a key) is exact.
    for metric in metrics.METRICS:
        assert sum(c in model.MEASURE_NAMES for c in metric.denominator) <= 1, metric.name


def test_half_watched_plays_never_borrow_youtubes_engaged_views_name():
    # YouTube's "engaged views" (the engaged_views measure) is its own count; the funnel's 50 % step is not it.
    assert [s.label for s in metrics.FUNNEL_STEPS if s.measure == "plays_p50"] == ["Half-watched plays"]
    for m in metrics.METRICS:
        assert "engaged view" not in f"{m.label} {m.definition} {m.caveat}".lower(), m.name
    for step in (*metrics.FUNNEL_STEPS, *metrics.QUARTILE_STEPS):
        assert "engaged" not in step.label.lower()
