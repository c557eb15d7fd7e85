"""Chart specs read as intended: shared scales, room for every label, moments apart, context in exports."""

from __future__ import annotations

import re

import pandas as pd

from vmdash import charts, export, metrics


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
