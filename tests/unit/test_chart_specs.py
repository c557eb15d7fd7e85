"""Chart specs read as intended: shared scales, room for every label, moments apart, context in exports."""

from __future__ import annotations

import pandas as pd

from vmdash import charts, metrics


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
