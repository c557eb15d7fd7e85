"""Platforms and videos read as people know them on every page: never a raw platform id or a bare video key.

Walks every page on the samples (and the modes that split by platform) and reads what a person
sees: text, tables' cells and headers (grids and static tables), widget options, and the values charts put in legends,
tooltips and labels.
"""

from __future__ import annotations

import io
import json
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ANALYST_KEY, shown_table
from vmdash import model, queries
from vmdash.store import Store

# A raw id whose label differs (case aside, "other" is an English word, and "meta" too often).
RAW_PLATFORMS = [p for p in model.PLATFORMS if p not in ("other", "meta")]
_RAW = re.compile(r"(?<![\w./=?&-])(" + "|".join(RAW_PLATFORMS) + r")(?![\w.(])")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
# (page, URL parameters): every page, and the modes that break numbers down by platform or video.
VISITS = [
    ("pages/overview.py", {}),
    ("pages/overview.py", {"split": ["platform and channel"]}),
    ("pages/overview.py", {"platform": ["google_ads", "youtube"]}),
    ("pages/plans.py", {}),
    ("pages/video.py", {}),
    ("pages/video.py", {"video": ["NOqiywd2Jz1"]}),
    ("pages/retention.py", {}),
    ("pages/completion.py", {}),
    ("pages/completion.py", {"by": ["platform"]}),
    ("pages/funnel.py", {}),
    ("pages/funnel.py", {"funnel_by": ["platform"]}),
    ("pages/discovery.py", {}),
    ("pages/test-learn.py", {}),
    ("pages/data.py", {}),
]


@pytest.fixture(scope="module")
def video_keys(app_db) -> set[str]:
    """Keys of videos whose key is an id, not a name people gave them (ad names stand in for Meta and TikTok)."""
    s = Store(app_db, idle_release_s=None)
    try:
        choices = queries.video_choices(s)
    finally:
        s.close()
    return {k for k, title in zip(choices["key"], choices["title"], strict=True) if k != title and " " not in k}


def _chart_values(spec: dict, datasets: dict[str, list[dict]]) -> list[str]:
    """The values a chart shows as words: nominal fields of its legends, tooltips, labels and axes."""
    fields: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("nominal", "ordinal") and isinstance(node.get("field"), str):
                fields.add(node["field"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    shown = [str(v) for v in json.dumps(spec.get("encoding", {})).split('"') if v]
    for rows in datasets.values():
        for row in rows:
            shown += [str(row[f]) for f in fields if row.get(f) is not None]
    return shown


def _seen(app: AppTest) -> list[str]:
    """Everything a person reads on the page and in the sidebar, one string per piece."""
    seen: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        seen += [_LINK_TARGET.sub("]", str(e.value)) for e in getattr(app, kind)]
    for m in app.metric:
        seen += [m.label, str(m.value)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(app, kind):
            seen += [str(o) for o in w.options]
    for w in app.get("segmented_control"):
        seen += [str(o) for o in w.options]
    for t in app.dataframe:
        frame = t.value
        config = json.loads(t.proto.columns or "{}")
        for column in frame.columns:
            shown = config.get(str(column), {})
            if shown is None or shown.get("hidden"):
                continue
            seen.append(shown.get("label", str(column)))
            link_text = (shown.get("type_config") or {}).get("display_text")
            if link_text:  # a link column shows its display text, not its addresses
                seen.append(link_text)
            elif frame[column].dtype == object or str(frame[column].dtype).startswith(("string", "str")):
                seen += [str(v) for v in frame[column].dropna()]
    for i in range(len(app.table)):
        frame = shown_table(app, i)
        seen += [str(c) for c in frame.columns]
        seen += [_LINK_TARGET.sub("]", str(v)) for column in frame.columns for v in frame[column]]
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        datasets = {
            d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pylist() for d in chart.proto.datasets
        }
        seen += _chart_values(spec, datasets)
    return seen


def _visit(app: AppTest, page: str, params: dict[str, list[str]]) -> AppTest:
    for key, values in params.items():
        app.query_params[key] = values
    if page == "pages/data.py":
        app.run()
        app.text_input(key="_analyst_key").input(ANALYST_KEY).run()
    if page != "pages/overview.py":
        app.switch_page(page)
    return app.run()


@pytest.mark.parametrize(("page", "params"), VISITS, ids=[f"{p[6:-3]}-{'-'.join(q) or 'default'}" for p, q in VISITS])
def test_no_raw_platform_id_or_bare_video_key_is_shown(app, monkeypatch, video_keys, page, params):
    monkeypatch.setenv("VMDASH_ANALYST_KEY", ANALYST_KEY)
    app = _visit(app, page, params)
    assert not app.exception, app.exception
    seen = _seen(app)
    assert len(seen) > 10
    raw = sorted({m.group(1) + " in " + s[:80] for s in seen for m in _RAW.finditer(s)})
    assert raw == [], raw
    bare = sorted({k + " in " + s[:80] for s in seen for k in video_keys if k in s and f"· {k}" not in s})
    assert bare == [], bare


def test_filters_offer_only_values_present_in_the_data(app, app_db):
    s = Store(app_db, idle_release_s=None)
    try:
        present = {c: {v for (v,) in s.rows(f"SELECT DISTINCT {c} FROM active_facts")} for c in ("platform", "channel")}
        objectives = {v for (v,) in s.rows("SELECT DISTINCT objective FROM active_facts")}
    finally:
        s.close()
    app.run()
    assert not app.exception
    platforms = [model.platform_label(p) for p in model.PLATFORMS if p in present["platform"]]
    assert app.multiselect(key="platform").options == platforms
    assert "Google Ads" in platforms and "Messenger" not in platforms
    assert app.multiselect(key="channel").options == [c for c in model.CHANNELS if c in present["channel"]]
    assert "sales" not in app.multiselect(key="channel").options
    assert set(app.multiselect(key="objective").options) == objectives - {None}


def test_a_link_naming_platforms_by_id_reads_them_by_name(app):
    app.query_params["platform"] = ["google_ads", "tiktok"]
    app.run()
    assert not app.exception
    assert app.multiselect(key="platform").value == ["Google Ads", "TikTok"]
    assert app.query_params["platform"] == ["Google Ads", "TikTok"]
    assert [w.value for w in app.warning] == []
    assert any(c.value.startswith("Showing platform Google Ads, TikTok") for c in app.caption)
