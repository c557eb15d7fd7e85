"""The Video page: a `?video=` link opens it on that video; with none chosen it offers a picker that sets the filter."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT

KEY = "NOqiywd2Jz1"  # "5 mistakes with retinol" on YouTube, in the samples
LABEL = "5 mistakes with retinol · YouTube · 2025-12-17"


@pytest.fixture
def video_app(app_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(app_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return at


def _open(at: AppTest, **params: list[str]) -> AppTest:
    at.switch_page("pages/video.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_a_link_naming_the_video_by_key_opens_its_page(video_app):
    at = _open(video_app, video=[KEY])
    assert not at.exception, at.exception
    assert at.title[0].value == "5 mistakes with retinol"
    assert at.multiselect(key="video").value == [LABEL]
    assert not any("dropped" in w.value for w in at.warning)
    assert [s.value for s in at.subheader][:3] == ["Plan and scorecard", "KPIs against your typical video", "Retention"]
    assert any("This video has no plan" in i.value for i in at.info)


def test_with_no_video_the_page_offers_a_picker_that_sets_the_filter(video_app):
    at = _open(video_app)
    assert not at.exception, at.exception
    assert at.title[0].value == "Video"
    picker = at.selectbox(key="_video_pick")
    assert LABEL in picker.options
    picker.select(LABEL).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="video").value == [LABEL]
    assert at.title[0].value == "5 mistakes with retinol"


def test_ranked_lists_and_the_video_filter_link_to_the_page_keeping_the_filters(video_app):
    video_app.query_params["platform"] = ["youtube"]
    at = video_app.run()
    assert not at.exception, at.exception
    ranked = "\n".join(m.value for m in at.markdown if "](./video?" in m.value)
    assert "[Dermatologist answers 10 questions · YouTube](./video?platform=YouTube&video=ZK6rMzwxq1I)" in ranked
    # A changed address is a new session in a browser (it loads the page again).
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["platform"] = ["YouTube"]
    at.query_params["video"] = [LABEL]
    at.run()
    assert not at.exception, at.exception
    sidebar = [m.value for m in at.sidebar.markdown if "Open this video's page" in m.value]
    assert sidebar == [f"[Open this video's page](./video?platform=YouTube&video={KEY})"]
