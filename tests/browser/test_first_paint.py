"""First visit: the page's title, the filter bar and a progress indication show before its first chart, not a blank area."""

from __future__ import annotations

import json

import pytest

from tests.support.browser import sample_server, wait_for_app
from vmdash.ui.navigation import LOADING

pytestmark = pytest.mark.browser

# When each piece first appeared (ms after the document started), recorded by the page itself:
# the order a person saw them in, however fast the queries ran.
RECORD = """
window.__firstSeen = {};
const start = performance.now();
const seen = (name, found) => {
  if (!(name in window.__firstSeen) && found) window.__firstSeen[name] = performance.now() - start;
};
new MutationObserver(() => {
  const main = document.querySelector("[data-testid='stMain']");
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  if (!main) return;
  seen("title", [...main.querySelectorAll("h1")].some((h) => h.innerText.trim() === window.__title));
  seen("progress", main.innerText.includes(window.__loading));
  seen("filters", sidebar && [...sidebar.querySelectorAll("h2")].some((h) => h.innerText.trim() === "Filters"));
  seen("chart", main.querySelector("[data-testid='stVegaLiteChart']"));
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory, sample_db_file):
    """A server no session has visited: its caches are cold, as on a first visit after a start."""
    with sample_server(tmp_path_factory.mktemp("first_paint"), source=sample_db_file) as srv:
        yield srv


@pytest.mark.parametrize(("path", "title"), [("/video?video=NOqiywd2Jz1", "Video"), ("/", "Overview")])
def test_the_title_and_a_progress_indication_show_before_the_first_chart(fresh_server, browser, path, title):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(120_000)
    context.add_init_script(f"window.__title = {title!r};\nwindow.__loading = {json.dumps(LOADING)};\n" + RECORD)
    page = context.new_page()
    try:
        page.goto(fresh_server.url + path)
        wait_for_app(page)
        page.locator("[data-testid='stMain'] [data-testid='stVegaLiteChart']").first.wait_for()
        seen = page.evaluate("window.__firstSeen")
        assert {"progress", "filters", "chart", "title"} <= set(seen), seen
        assert seen["progress"] < seen["chart"] and seen["filters"] < seen["chart"], seen
        assert seen["title"] < seen["chart"], seen
        # Once the page is drawn, the indication is gone.
        assert LOADING not in page.locator("[data-testid='stMain']").inner_text()
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()
