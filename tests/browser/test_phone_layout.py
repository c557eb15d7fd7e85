"""Every chart fits a phone (390 px wide): nothing runs off the screen, nothing squeezed flat."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The pages with charts on the samples, each at an address that draws them all.
PAGES = (
    "",
    "video?platform=youtube&video=NOqiywd2Jz1",
    "retention",
    "completion",
    "funnel?funnel_by=platform",
    "discovery",
    "test-learn",
)

_CHARTS = """() => {
    if (!(document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning')) return null;
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(e => {
        const box = e.getBoundingClientRect();
        const drawn = e.querySelector('canvas, svg.marks');
        const inner = drawn ? drawn.getBoundingClientRect() : null;
        return {width: box.width, height: box.height, drawn: inner && [inner.width, inner.height]};
    });
}"""


@pytest.fixture(scope="module")
def phone(browser):
    """One phone-sized page for the module."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(120_000)
    pg = context.new_page()
    yield pg
    context.close()


def _settled_charts(pg, tries: int = 120) -> list[dict]:
    """The charts' boxes once two reads a second apart agree and every chart is drawn."""
    last = None
    for _ in range(tries):
        now = pg.evaluate(_CHARTS)
        if now and now == last and all(c["drawn"] for c in now):
            return now
        last = now
        pg.wait_for_timeout(1000)
    raise AssertionError(f"the charts never settled: {last}")


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_fits_a_phone(server, phone, path):
    phone.goto(f"{server.url}/{path}")
    phone.wait_for_selector("[data-testid='stVegaLiteChart']")
    charts = _settled_charts(phone)
    assert phone.locator("[data-testid='stException']").count() == 0
    for chart in charts:
        drawn_width, drawn_height = chart["drawn"]
        assert chart["width"] <= PHONE["width"] and drawn_width <= PHONE["width"], (path, chart)
        # Tall enough to read, not a page of scrolling for one chart.
        assert 150 <= drawn_height <= 2000, (path, chart)
