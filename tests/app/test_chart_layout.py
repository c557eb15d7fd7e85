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


def test_chart_files_take_the_pages_filters_period_and_import(app):
    app.query_params["platform"] = "youtube"
    app.run()
    assert not app.exception
    context = app.session_state["_export_context"]
    caption = next(c.value for c in app.caption if "data as of import #" in c.value)
    assert f"import #{context.import_id}," in caption
    assert context.period == "all dates"
    # The filters in the words of the page's own caption (which names the platform as it likes).
    assert context.filters.lower() == "platform youtube"
    assert context.filters in caption
    assert context.lines()[1] == f"Filters: {context.filters}"
