"""Charts as the app draws them: scales shared where charts are compared, labels that fit."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else title


def test_top_and_bottom_five_share_one_scale(app):
    app.run()
    assert not app.exception
    ranked = {_title(s): s for s in _specs(app) if _title(s) in ("Top 5", "Bottom 5")}
    assert set(ranked) == {"Top 5", "Bottom 5"}
    top, bottom = (ranked[t]["encoding"]["x"]["scale"]["domain"] for t in ("Top 5", "Bottom 5"))
    assert top == bottom
    assert top[0] == 0.0 and top[1] > 0.0
