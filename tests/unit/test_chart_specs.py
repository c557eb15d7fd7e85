"""Chart specs read as intended: shared scales, room for every label, moments apart, context in exports."""

from __future__ import annotations

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
