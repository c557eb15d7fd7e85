"""The analysis pages under several filter combinations: no exception, and the numbers shown equal
`python -m vmdash summary --json` or plain SQL on the same database, formatted the same way.

Each combination is a fresh AppTest whose URL is set before its first run (the way a shared link
opens). Expected numbers are computed here with hand-written SQL, not with vmdash.queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import shown_table
from vmdash import charts, metrics, model, periods
from vmdash.queries import overview
from vmdash.store import Store

# Left out of the fast loop: every page through AppTest, checked against SQL and a second process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MIXED = "Mixes platforms whose 'view' differs"
META_VIEW = "Meta has no single view: vmdash uses 3-second plays"
TITLES = {"overview": "Overview", "retention": "Retention", "completion": "Completion", "funnel": "Funnel impact"}


def _open(app_db: Path, monkeypatch, page: str, params: dict[str, list[str] | str]) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page != "overview":
        # A page switched to before the first run would run without app.py's frame (and its
        # filter bar): open the link's default page first, then the page, as a browser would.
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
    assert at.title[0].value == TITLES[page]
    filters = [k for k in ("dates", "channel", "platform", "objective") if k in params]
    sentence = at.caption[0].value.replace("\\", "")
    assert sentence.startswith("Showing " if filters else "All data"), sentence
    for key in filters:
        named = [model.platform_label(v) for v in params[key]] if key == "platform" else params[key]
        assert (" to " if key == "dates" else ", ").join(named) in sentence, (key, sentence)
    return at


def _where(params: dict) -> tuple[str, dict]:
    """The filters of a combination as plain SQL (rows whose period meets the dates)."""
    clauses, bound = ["TRUE"], {}
    if "dates" in params:
        clauses.append('coalesce(date_end, "date") >= CAST($d0 AS DATE) AND "date" <= CAST($d1 AS DATE)')
        bound |= {"d0": params["dates"][0], "d1": params["dates"][1]}
    for key, column in (("platform", "platform"), ("objective", "objective"), ("channel", "channel")):
        if key in params:
            clauses.append(f"list_contains($p_{key}, {column})")
            bound[f"p_{key}"] = list(params[key])
    return " AND ".join(clauses), bound


def _kpi(db: Store, name: str, where: str, bound: dict) -> float | None:
    m = metrics.get(name)
    # A row counts when it reports the denominator and any numerator column (interactions sum those it reports).
    any_num = " OR ".join(f'"{c}" IS NOT NULL' for c in m.numerators)
    # The platforms whose two sides do not nest (Google's quartiles are of impressions) never count.
    kept = [f"platform NOT IN ({', '.join(repr(p) for p in m.not_on)})"] if m.not_on else []
    both = " AND ".join([f"({any_num})", *(f'"{c}" IS NOT NULL' for c in m.denominator), *kept])
    num = " + ".join(f'coalesce("{c}", 0)' for c in m.numerators)
    den = " * ".join(f'"{c}"' for c in m.denominator)
    value = db.scalar(f"SELECT sum({num}) / nullif(sum({den}), 0) FROM active_facts WHERE {where} AND {both}", bound)
    return None if value is None else float(value) * m.scale


def _previous(params: dict) -> dict:
    import datetime as dt

    d0, d1 = (dt.date.fromisoformat(d) for d in params["dates"])
    if d0.day == 1 and (d1 + dt.timedelta(days=1)).day == 1 and (d0.year, d0.month) == (d1.year, d1.month):
        # One whole month is compared with the whole month before.
        last = d0 - dt.timedelta(days=1)
        return params | {"dates": [str(last.replace(day=1)), str(last)]}
    days = (d1 - d0).days + 1
    return params | {"dates": [str(d0 - dt.timedelta(days=days)), str(d1 - dt.timedelta(days=days))]}


@pytest.fixture(scope="module")
def db(app_db, summary_by_platform):
    # The CLI summary runs first: while this process holds the file, no other process can open it.
    s = Store(app_db, idle_release_s=None)
    yield s
    s.close()


def _spec(at: AppTest, i: int) -> dict:
    return json.loads(at.get("vega_lite_chart")[i].proto.spec)


def _title(spec: dict) -> dict:
    """The chart's title block (on the top level, or on its first layer)."""
    for node in (spec, *spec.get("layer", [])):
        if isinstance(node.get("title"), dict):
            return node["title"]
    return {}


def _subtitle(spec: dict) -> list[str]:
    # The subtitle as read: its lines are wrapped to a phone's width, so a note spans several.
    lines = _title(spec).get("subtitle", [])
    return [" ".join([lines] if isinstance(lines, str) else lines)] if lines else []


def _definitions(at: AppTest) -> str:
    return "\n".join(m.value for e in at.expander if e.label == "Definitions" for m in e.markdown)


# -- Overview ----------------------------------------------------------------------------------

OVERVIEW = {
    "all data": {},
    "tiktok awareness, second half of March": {
        "platform": ["tiktok"],
        "objective": ["awareness"],
        "dates": ["2026-03-16", "2026-03-31"],
    },
    "ads for conversion and acquisition, March": {
        "channel": ["ads"],
        "objective": ["conversion", "acquisition"],
        "dates": ["2026-03-01", "2026-03-31"],
    },
}


@pytest.mark.parametrize("combo", list(OVERVIEW))
def test_overview_cards_equal_sql(app_db, db, monkeypatch, combo):
    params = OVERVIEW[combo]
    at = _open(app_db, monkeypatch, "overview", params)
    where, bound = _where(params)
    present = [
        r[0]
        for r in db.rows(
            f"SELECT objective FROM active_facts WHERE {where} GROUP BY objective "
            "ORDER BY list_position(['awareness', 'acquisition', 'conversion', 'loyalty', 'unassigned'], objective)",
            bound,
        )
    ]
    objectives = [h.value for h in at.subheader if h.value.lower() in model.OBJECTIVES]
    assert objectives == [o.capitalize() for o in present]
    expected, deltas = [], []
    for objective in present:
        scoped_where = f"{where} AND objective = $only"
        for name in metrics.BY_OBJECTIVE[objective]:
            value = _kpi(db, name, scoped_where, bound | {"only": objective})
            expected.append((metrics.get(name).label, metrics.format_value(value, metrics.get(name).fmt, "EUR")))
            if "dates" in params:
                p_where, p_bound = _where(_previous(params))
                before = _kpi(db, name, f"{p_where} AND objective = $only", p_bound | {"only": objective})
                change = None if value is None or not before else (value - before) / abs(before)
                versus = "vs " + periods.span_label(*(dt.date.fromisoformat(d) for d in _previous(params)["dates"]))
                deltas.append("" if change is None else f"{change:+.1%} {versus}")
    # The headline volumes come first (tests/unit/test_overview_volumes.py checks them).
    cards = at.metric[len(overview.HEADLINE_VOLUMES) :]
    assert [(m.label, m.value) for m in cards] == expected
    if "dates" in params:
        assert [f"{m.delta} {m.proto.delta_description}" if m.delta else "" for m in cards] == deltas
        assert any(d for d in deltas)  # the period-over-period change is really shown


def test_overview_trend_says_when_platforms_count_views_differently(app_db, monkeypatch):
    mixed = _open(app_db, monkeypatch, "overview", {})
    trend = _spec(mixed, 0)
    assert _title(trend)["text"] == "View rate over time"
    assert any(MIXED in s and "Facebook" in s and "TikTok" in s for s in _subtitle(trend))
    assert META_VIEW in _definitions(mixed)

    one = _open(app_db, monkeypatch, "overview", {"platform": ["tiktok"]})
    assert not any(MIXED in s for s in _subtitle(_spec(one, 0)))
    assert META_VIEW not in _definitions(one)


# -- Retention ---------------------------------------------------------------------------------


def _studio_curve() -> tuple[list[float], list[float]]:
    with (ROOT / "data" / "samples" / "youtube_audience_retention.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [float(r["Video position (%)"]) for r in rows], [float(r["Absolute audience retention (%)"]) for r in rows]


def test_retention_hooks_table_equals_the_export(app_db, monkeypatch):
    at = _open(
        app_db,
        monkeypatch,
        "retention",
        {"curves": ["5 mistakes with retinol · YouTube · 2025-12-17"], "unit": "seconds"},
    )
    table = shown_table(at).set_index("Video")
    row = table.loc["5 mistakes with retinol"]
    pos, pct = _studio_curve()
    # 487 s long (YouTube table data): 3 s is 0.62 % (between 100.0 and 91.5), 30 s is 6.16 %.
    at3 = pct[0] + (pct[1] - pct[0]) * (3 / 4.87)
    at30 = pct[6] + (pct[7] - pct[6]) * (30 / 4.87 - 6)
    assert row["Still watching at 3 s"] == metrics.format_value(at3 / 100, "pct") == "94.8 %"
    assert row["Still watching at 30 s"] == metrics.format_value(at30 / 100, "pct") == "62.8 %"
    # One unit per figure: the table's intro drop reads in points, as the key moment below says it.
    assert row["Intro drop"] == metrics.format_value((at30 - 100) / 100, "pts") == "−37 pts"
    assert row["Still watching at the end"] == metrics.format_value(pct[-1] / 100, "pct") == "25.1 %"
    assert row["Length"] == "8:07"
    assert row["Length bucket"] == "3–10 min"
    spec = _spec(at, 0)
    assert _title(spec)["text"] == "Audience retention"
    assert not any(MIXED in s for s in _subtitle(spec))
    lines = "\n".join(m.value for m in at.markdown)
    assert "Intro drop: −37 pts in the first 0:30" in lines
    assert "Steep drop: −11 pts at 7:48–8:02" in lines


def test_retention_overlay_of_two_platforms_says_so(app_db, monkeypatch):
    at = _open(
        app_db,
        monkeypatch,
        "retention",
        {"curves": ["5 mistakes with retinol · YouTube · 2025-12-17", "Product demo: Glow Serum · Wistia"]},
    )
    spec = _spec(at, 0)
    assert any(MIXED in s and "Wistia" in s and "YouTube" in s for s in _subtitle(spec))
    assert sorted(shown_table(at)["Video"]) == ["5 mistakes with retinol", "Product demo: Glow Serum"]


def test_retention_follows_the_platform_filter(app_db, monkeypatch):
    at = _open(app_db, monkeypatch, "retention", {"platform": ["wistia"]})
    assert sorted(at.multiselect(key="curves").options) == [
        "How-to: refill · Wistia",
        "Product demo: Glow Serum · Wistia",
    ]
    row = shown_table(at).iloc[0]
    assert row["Platform"] == "Wistia"
    assert row["Still watching at 3 s"] == metrics.format_value(0.88, "pct")  # "How-to: refill" at second 3: 88 %


# -- Completion --------------------------------------------------------------------------------

COMPLETION = {
    "by platform": ({}, "platform", "video_starts"),
    "ads by channel in March": (
        {"by": "channel", "channel": ["ads"], "dates": ["2026-03-01", "2026-03-31"]},
        "channel",
        "video_starts",
    ),
    "meta per impression": ({"platform": ["facebook", "instagram"], "base": "impressions"}, "platform", "impressions"),
}
STEPS = {"25 %": "plays_p25", "50 %": "plays_p50", "75 %": "plays_p75", "95 %": "plays_p95", "100 %": "plays_p100"}


@pytest.mark.parametrize("combo", list(COMPLETION))
def test_completion_table_equals_sql(app_db, db, monkeypatch, combo):
    params, by, base = COMPLETION[combo]
    at = _open(app_db, monkeypatch, "completion", params)
    where, bound = _where({k: v for k, v in params.items() if k != "base"})
    table = shown_table(at)
    label = by.capitalize()
    groups = [
        r[0]
        for r in db.rows(
            f'SELECT "{by}" FROM active_facts WHERE {where} GROUP BY 1 HAVING sum("{base}") > 0 ORDER BY 1', bound
        )
    ]
    names = {charts.series_label(by, g): g for g in groups}
    assert sorted(table[label]) == sorted(names)
    for name, group in names.items():
        row = table[table[label] == name].iloc[0]
        for step, measure in STEPS.items():
            value = db.scalar(
                f'SELECT sum("{measure}") / nullif(sum("{base}"), 0) FROM active_facts WHERE {where} '
                f'AND "{by}" = $g AND "{measure}" IS NOT NULL AND "{base}" IS NOT NULL',
                bound | {"g": group},
            )
            assert row[step] == metrics.format_value(value, "pct"), (group, step)
    # A step nobody in the row reports reads "not reported", never 0 %.
    assert "0.0 %" not in set(table.drop(columns=label).to_numpy().ravel())
    if base == "video_starts":
        assert set(table["95 %"]) == {"not reported"}  # only Meta reports 95 %, and Meta has no starts


def test_completion_by_length_buckets_names_and_durations(app_db, db, monkeypatch):
    # Google reports no plays started: its quartiles are shares of impressions.
    at = _open(app_db, monkeypatch, "completion", {"by": "length", "platform": ["google_ads"], "base": "impressions"})
    table = shown_table(at)
    # Google Ads gives no durations: lengths come from tokens like "Bumper 6s", "Demo_15s" in names.
    tokens = db.rows(
        "SELECT DISTINCT regexp_extract(lower(concat_ws(' ', ad, video_title, ad_set, campaign)), "
        "'(^|[^0-9a-z])([0-9]{1,4})s([^0-9a-z]|$)', 2) FROM active_facts WHERE platform = 'google_ads'"
    )
    seconds = {float(t[0]) for t in tokens if t[0]}
    assert set(table["Video length"]) == {model.length_bucket(s) for s in seconds} | (
        {"unknown"} if any(not t[0] for t in tokens) else set()
    )


# -- Funnel impact -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def summary_by_platform(app_db) -> dict[str, dict]:
    out = subprocess.run(
        [sys.executable, "-m", "vmdash", "summary", "--by", "platform", "--json", "--db", str(app_db)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return {row["platform"]: row for row in json.loads(out.stdout)}


def test_funnel_volumes_equal_the_cli_summary(app_db, db, monkeypatch, summary_by_platform):
    at = _open(app_db, monkeypatch, "funnel", {"funnel_by": "platform"})
    table = shown_table(at)
    shown = {r["Platform"]: r for r in table.to_dict("records")}
    for platform, totals in summary_by_platform.items():
        row = shown[model.PLATFORM_LABELS[platform]]
        for step in metrics.FUNNEL_STEPS:
            assert row[step.label] == metrics.format_value(totals[step.measure], "number"), (platform, step.measure)
    everything = {k: sum(t[k] or 0 for t in summary_by_platform.values()) for k in ("impressions", "views")}
    assert shown["All"]["Impressions"] == metrics.format_value(everything["impressions"], "number")
    assert shown["All"]["Views"] == metrics.format_value(everything["views"], "number")
    # YouTube reports no clicks: "not reported", and no cost per click.
    assert shown["YouTube"]["Clicks"] == "not reported" and shown["YouTube"]["CPC"] == "not reported"
    spec = _spec(at, 0)
    assert any(MIXED in s for s in _subtitle(spec))
    assert META_VIEW in _definitions(at)


FUNNEL = {
    "by objective, ads": ({"funnel_by": "objective", "channel": ["ads"]}, "objective"),
    "by channel, tiktok in March": ({"platform": ["tiktok"], "dates": ["2026-03-01", "2026-03-31"]}, "channel"),
}


@pytest.mark.parametrize("combo", list(FUNNEL))
def test_funnel_rates_and_costs_equal_sql(app_db, db, monkeypatch, combo):
    params, by = FUNNEL[combo]
    at = _open(app_db, monkeypatch, "funnel", params)
    where, bound = _where({k: v for k, v in params.items() if k != "funnel_by"})
    table = shown_table(at)
    shown = {r[by.capitalize()]: r for r in table.to_dict("records")}
    groups = [r[0] for r in db.rows(f'SELECT DISTINCT "{by}" FROM active_facts WHERE {where}', bound)]
    assert set(shown) == {*groups, "All"}  # channels and objectives are shown as stored
    for group in [*groups, "All"]:
        scope = where if group == "All" else f'{where} AND "{by}" = $g'
        b = bound if group == "All" else bound | {"g": group}
        for step in metrics.FUNNEL_STEPS:
            for name in filter(None, (step.rate, step.cost)):
                m = metrics.get(name)
                assert shown[group][m.label] == metrics.format_value(_kpi(db, name, scope, b), m.fmt, "EUR"), (
                    group,
                    name,
                )
        assert shown[group]["ROAS"] == metrics.format_value(_kpi(db, "roas", scope, b), "ratio")
    note = any(MIXED in s for s in _subtitle(_spec(at, 0)))
    assert note == ("platform" not in params)


def test_a_campaign_with_no_views_says_so_on_its_cpv_card(app_db, monkeypatch):
    # The bumper campaign reports 0 TrueView views on 5,091.46 € of spend: its CPV is undefined.
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["campaign"] = ["FR | YouTube | Awareness | Bumper 6s"]
    at.run()
    assert not at.exception, at.exception
    (cpv,) = [m for m in at.metric if m.label == "CPV"]
    assert cpv.value == "no views"


def test_a_campaign_with_no_views_says_so_in_the_funnel_table(app_db, monkeypatch):
    # The same bumper campaign: a reported 0 views leaves CPV and view-based rates undefined, and
    # the funnel's table says what is missing; what Google does not report at all stays "not reported".
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["campaign"] = ["FR | YouTube | Awareness | Bumper 6s"]
    at.switch_page("pages/funnel.py").run()
    assert not at.exception, at.exception
    table = shown_table(at)
    total = table[table.iloc[:, 0] == "All"].iloc[0]
    assert total["CPV"] == "no views"
    assert total["View rate"] == "0.0 %"
    assert total["CPC"] != "not reported" and total["CPC"] != "no clicks"
