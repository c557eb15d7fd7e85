"""Chart specs read as intended: shared scales, room for every label, moments apart, context in exports."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import pandas as pd
import pytest

from vmdash import charts, export, metrics
from vmdash import retention as reading


def _ranked(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "video": [f"Video {i}" for i in range(len(values))],
            "platform": ["youtube"] * len(values),
            "key": [f"k{i}" for i in range(len(values))],
            "value": values,
            "volume": [1000.0] * len(values),
        }
    )


def test_top_and_bottom_share_one_x_domain():
    top, bottom = _ranked([0.8, 0.7, 0.6]), _ranked([0.05, 0.02, 0.01])
    domain = charts.shared_domain(top, bottom)
    assert domain == (0.0, 0.8)
    specs = [
        charts.to_spec(charts.ranked_bars(frame, metrics.get("view_rate"), title, domain=domain))
        for frame, title in ((top, "Top 5"), (bottom, "Bottom 5"))
    ]
    scales = [spec["encoding"]["x"]["scale"] for spec in specs]
    assert scales[0] == scales[1] == {"domain": [0.0, 0.8], "nice": False}


def test_shared_domain_of_nothing_is_a_unit_range():
    empty = _ranked([])
    assert charts.shared_domain(empty, empty) == (0.0, 1.0)
    assert charts.shared_domain(_ranked([-0.2, 0.5])) == (-0.2, 0.5)


def _steps(groups: list[str]) -> pd.DataFrame:
    names = ["Impressions → Views", "Views → Half-watched plays", "Half-watched plays → Clicks", "Clicks → Conversions"]
    return pd.DataFrame(
        [
            {
                "group": g,
                "step": step,
                "order": order,
                "kpi": "k",
                "rate": 0.1 * (order + 1),
                "coverage": 1.0,
                "index": 1.0,
                "weakest": order == 0,
            }
            for g in groups
            for order, step in enumerate(names)
        ]
    )


def test_funnel_step_bars_keep_their_thickness_however_many_groups():
    platforms = ["youtube", "facebook", "instagram", "tiktok", "linkedin", "google_ads", "vimeo", "wistia"]
    for groups in (["ads"], ["social", "ads", "website"], platforms):
        spec = charts.to_spec(charts.funnel_rates(_steps(groups), "platform" if len(groups) > 3 else "channel"))
        # The height is the plot's own (title and legend come on top of it): a bar per group per step.
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
        assert spec["height"] >= 4 * len(groups) * charts.FUNNEL_BAR_PX
        y = spec["layer"][0]["encoding"]["y"]
        # Every step's name is drawn, on two lines if need be, never dropped for overlapping.
        assert y["axis"]["labelOverlap"] is False
        assert "split(datum.label" in y["axis"]["labelExpr"]
        assert spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_every_funnel_step_name_is_drawn_whole():
    svg = export.svg_bytes(charts.funnel_rates(_steps(["social", "ads", "website"]), "channel")).decode()
    for first, second in (
        ("Impressions →", "Views"),
        ("Views →", "Half-watched plays"),
        ("Half-watched plays →", "Clicks"),
        ("Clicks →", "Conversions"),
    ):
        assert f'<tspan>{first}</tspan><tspan x="0" dy="14">{second}</tspan>' in svg


def _legends(node: object) -> list[dict]:
    """Every legend a spec sets, anywhere in it."""
    if isinstance(node, dict):
        own = [node["legend"]] if isinstance(node.get("legend"), dict) else []
        return own + [legend for value in node.values() for legend in _legends(value)]
    if isinstance(node, list):
        return [legend for value in node for legend in _legends(value)]
    return []


def test_funnel_costs_stack_their_charts_to_fit_a_phone():
    data = pd.DataFrame(
        [
            {"group": g, "kpi": kpi, "value": value, "coverage": 1.0}
            for g in ("ads", "social")
            for kpi, value in (("cpm", 8.0), ("cpv", 0.01), ("cpc", 0.5), ("cpa", 12.0))
        ]
    )
    spec = charts.to_spec(charts.funnel_costs(data, "channel", "EUR"))
    # Stacked, not side by side: Streamlit fits each chart of a stack to the page's width.
    assert "hconcat" not in spec and len(spec["vconcat"]) == 4
    assert all("width" not in child for child in spec["vconcat"])
    # Every chart names its rows: read alone on a phone, a chart without names means nothing.
    assert all(child["encoding"]["y"]["axis"].get("labels", True) for child in spec["vconcat"])
    # A file has no page to fit: each chart of the stack takes the file's width.
    assert [child["width"] for child in export._spec(charts.funnel_costs(data, "channel"))["vconcat"]] == [720] * 4


def test_legends_sit_below_the_plot():
    quartiles = pd.DataFrame(
        {
            "group": ["tiktok"] * 2,
            "step": ["Starts", "25 %"],
            "order": [0, 1],
            "rate": [1.0, 0.5],
            "plays": [10.0, 5.0],
            "coverage": [1.0, 1.0],
        }
    )
    videos = pd.DataFrame(
        {
            "video": ["A"],
            "platform": ["vimeo"],
            "duration_s": [40.0],
            "completion_rate": [0.3],
            "starts": [100.0],
        }
    )
    for chart in (
        charts.quartile_funnel(quartiles, "platform"),
        charts.completion_vs_length(videos),
        charts.funnel_rates(_steps(["ads"]), "channel"),
    ):
        legends = _legends(charts.to_spec(chart))
        assert legends and all(legend.get("orient") == "bottom" for legend in legends)


def test_ranked_labels_shrink_with_the_container_and_keep_their_width_in_a_file():
    axis = charts.to_spec(charts.ranked_bars(_ranked([0.5]), metrics.get("view_rate"), "Top 5"))["encoding"]["y"][
        "axis"
    ]
    limit = axis["labelLimit"]["expr"]
    assert "containerSize()[0]" in limit and limit.endswith(": 260)")
    # The same room for labels in Top 5 and Bottom 5: their plots are as wide as each other.
    assert axis["minExtent"] == axis["maxExtent"]
    plots = []
    for name in ("short", "a very long name that the limit of the labels cuts short, well before its end"):
        svg = export.svg_bytes(charts.ranked_bars(_ranked([0.5]).assign(video=[name]), metrics.get("view_rate"), "x"))
        plots.append(re.search(r"translate\(([0-9.]+),", svg.decode()).group(1))
    assert plots[0] == plots[1]


def _curve(duration_s: float | None = 60.0) -> pd.DataFrame:
    seconds = [float(s) for s in range(0, 61, 3)]
    return pd.DataFrame(
        {
            "key": "w1",
            "title": "How-to: refill",
            "platform": "wistia",
            "duration_s": duration_s,
            "position_pct": [s / 60 * 100 for s in seconds],
            "seconds": seconds,
            # 100 % at the start, 90 % at 3 s, then one point lost every 3 s: 71 % at the end.
            "audience_ratio": [1.0] + [0.9 - 0.01 * i for i in range(20)],
        }
    )


def _moments() -> pd.DataFrame:
    # An intro drop and a spike a few seconds apart at the same height: their tags met before.
    return pd.DataFrame(
        {
            "key": ["w1", "w1", "w1"],
            "title": ["How-to: refill"] * 3,
            "x": [10.0, 15.5, 93.0],
            "audience_ratio": [0.772, 0.770, 0.56],
            "kind": ["intro", "spike", "drop"],
            "change": [-0.228, 0.01, -0.09],
            "label": ["Intro drop", "Spike", "Steep drop"],
        }
    )


def _overlap(a: tuple[float, float], b: tuple[float, float], x_span: float) -> bool:
    return abs(a[0] - b[0]) < reading.TAG_WIDTH * x_span and abs(a[1] - b[1]) < reading.TAG_HEIGHT


def test_tags_close_together_are_moved_apart():
    places = reading.place_tags([10.0, 12.0, 14.0, 60.0], [0.5, 0.5, 0.51, 0.5], x_span=100.0)
    assert places[0] == (10.0, 0.5 + reading.TAG_LIFT)
    assert places[3] == (60.0, 0.5 + reading.TAG_LIFT)  # far from the others: stays where it is
    assert not any(_overlap(a, b, 100.0) for i, a in enumerate(places) for b in places[i + 1 :])
    # Inside the axis: a tag at the very start or end is moved in by half its width.
    lifted = 0.2 + reading.TAG_LIFT
    assert reading.place_tags([0.0, 100.0], [0.2, 0.2], 100.0) == [(8.5, lifted), (91.5, lifted)]


def test_retention_moment_tags_never_overlap():
    spec = charts.to_spec(charts.retention(_curve(), pd.DataFrame(), _moments()))
    tag_layer = next(layer for layer in spec["layer"] if layer["mark"].get("type") == "text")
    rows = spec["datasets"][tag_layer["data"]["name"]]
    # Three moments, the hook and the end: five tags, no two on top of each other.
    assert {r["tag"] for r in rows} == {"+1.0 pts", "−23 pts", "−9.0 pts", "1:00", "3 s: 90%"}
    places = [(r["tag_x"], r["tag_y"]) for r in rows]
    assert not any(_overlap(a, b, 100.0) for i, a in enumerate(places) for b in places[i + 1 :])


def test_per_second_curves_show_their_hook_and_length():
    marks = reading.hook_and_end(_curve(), "seconds")
    assert marks[["kind", "x", "tag"]].values.tolist() == [["hook", 3.0, "3 s: 90%"], ["end", 60.0, "1:00"]]
    assert marks["audience_ratio"].tolist() == pytest.approx([0.9, 0.71])
    assert marks["label"].tolist() == [
        "Hook: 90% still watching at 3 s",
        "Length 1:00: 71% still watching at the end",
    ]
    # In % of the length, the hook sits at 3 s of 60: 5 %.
    assert reading.hook_and_end(_curve(), "position_pct")["x"].tolist() == pytest.approx([5.0, 100.0])
    # Without a known length there is neither.
    assert reading.hook_and_end(_curve(None), "position_pct").empty


CONTEXT = export.Context(
    filters="Platform YouTube",
    period="2026-03-01 to 2026-03-31",
    import_id=13,
    imported_at=dt.datetime(2026, 4, 2, 9, 5),
)


def test_chart_files_carry_filters_period_and_import():
    assert CONTEXT.lines() == [
        "Period: 2026-03-01 to 2026-03-31",
        "Filters: Platform YouTube",
        "Data as of import #13 (2026-04-02 09:05)",
    ]
    chart = charts.ranked_bars(_ranked([0.5]), metrics.get("view_rate"), "Top 5")
    svg = export.svg_bytes(chart, context=CONTEXT).decode()
    for line in ("Top 5", *CONTEXT.lines()):
        assert f">{line}<" in svg, line
    # A chart with a subtitle of its own keeps it, the context's lines after it.
    spec = export.with_context(export._spec(charts.funnel_rates(_steps(["ads"]), "channel")), CONTEXT)
    assert spec["title"]["subtitle"][0].startswith("Each step over the previous one")
    assert spec["title"]["subtitle"][-3:] == CONTEXT.lines()
    # A stack of charts carries it above them all; a chart without a title gets one to hold it.
    costs = pd.DataFrame({"group": ["ads"], "kpi": ["cpm"], "value": [8.0], "coverage": [1.0]})
    svg = export.svg_bytes(charts.funnel_costs(costs, "channel"), context=CONTEXT).decode()
    assert all(f">{line}<" in svg for line in CONTEXT.lines())
    untitled = export.svg_bytes(alt.Chart(costs).mark_bar().encode(x="value:Q"), context=CONTEXT).decode()
    assert all(f">{line}<" in untitled for line in CONTEXT.lines())
    assert export.png_bytes(chart, context=CONTEXT).startswith(b"\x89PNG")


def test_csv_columns_are_labelled_with_rounded_typed_values_and_raw_twins():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-01", "2026-03-02"]),
            "platform": ["google_ads", "youtube"],
            "kpi": ["cpv", "cpv"],
            "value": [0.0061234, 1.23456],
            "volume": [1200.0, None],
            "coverage": [0.8912, None],
        }
    )
    out = export.labelled(frame, value=("CPV", "money"), currency="EUR")
    assert list(out.columns) == [
        "Period start",
        "Platform",
        "KPI",
        "CPV (EUR)",
        "CPV (EUR) (raw)",
        "Volume",
        "Coverage (%)",
        "Coverage (%) (raw)",
    ]
    assert out["Period start"].tolist() == ["2026-03-01", "2026-03-02"]
    assert out["Platform"].tolist() == ["Google Ads", "YouTube"]
    assert out["KPI"].tolist() == ["CPV", "CPV"]
    # Money keeps the digits that tell a small cost apart; shares are written in %.
    assert out["CPV (EUR)"].tolist() == [0.0061, 1.23]
    assert out["CPV (EUR) (raw)"].tolist() == [0.0061234, 1.23456]
    assert out["Volume"].dtype == "Int64" and out["Volume"].tolist()[0] == 1200 and out["Volume"].isna().tolist()[1]
    assert out["Coverage (%)"].tolist()[0] == 89.1 and out["Coverage (%)"].isna().tolist()[1]
    # Not reported stays an empty cell, never 0.
    csv = export.csv_bytes(out).decode("utf-8-sig").splitlines()
    assert csv[0] == (
        '"Period start","Platform","KPI","CPV (EUR)","CPV (EUR) (raw)","Volume","Coverage (%)","Coverage (%) (raw)"'
    )
    assert csv[1] == '"2026-03-01","Google Ads","CPV",0.0061,0.0061234,1200,89.1,0.8912'
    assert csv[2] == '"2026-03-02","YouTube","CPV",1.23,1.23456,"","",""'


def test_a_chart_built_again_from_equal_answers_is_the_same_chart_converted_once():
    view_rate = metrics.get("view_rate")
    first = charts.ranked_bars(_ranked([0.5, 0.25]), view_rate, "Top 5")
    again = charts.ranked_bars(_ranked([0.5, 0.25]), view_rate, "Top 5")
    assert again is first
    # Any other cell, title or metric is another chart.
    assert charts.ranked_bars(_ranked([0.5, 0.26]), view_rate, "Top 5") is not first
    assert charts.ranked_bars(_ranked([0.5, 0.25]), view_rate, "Top 3") is not first
    assert charts.ranked_bars(_ranked([0.5, 0.25]), metrics.get("hook_rate"), "Top 5") is not first
    sent = charts.sent_spec(first)
    assert charts.sent_spec(again) is sent
    assert sent == charts.page_spec(first.configure_title(subtitleColor=charts.INK))
    assert sent["config"]["title"]["subtitleColor"] == charts.INK


def test_a_chart_from_cells_that_cannot_be_told_apart_is_built_anew():
    listed = _ranked([0.5]).assign(tags=[["a", "b"]])
    assert charts.ranked_bars(listed, metrics.get("view_rate"), "x") is not charts.ranked_bars(
        listed, metrics.get("view_rate"), "x"
    )
