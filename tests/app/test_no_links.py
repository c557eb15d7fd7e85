"""Text from data is never a link: bare URLs, www. names and e-mail addresses in titles and campaigns stay text.

GitHub-flavoured Markdown turns `https://…`, `www.…` and `name@host` into links even
after backslash escapes are resolved, so escaping Markdown alone is not enough.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from tests.support.choices import CTR_OPTION
from vmdash import demo
from vmdash.ingest import Upload, import_files
from vmdash.store import Store
from vmdash.ui.common import no_links, safe_text

# Left out of the fast loop: every page through AppTest on a database of link-like titles.
pytestmark = pytest.mark.slow

URL = "https://evil.example/login"
WWW = "www.evil.example"
MAIL = "help@evil.example"
MAILTO = "mailto:help@evil.example"
# What Markdown would link, read as rendered (backslash escapes resolved).
LINKABLE = re.compile(r"(?i)https?://|www\.|[\w.+-]@[\w-]|mailto:\w")
HEADER = "date,platform,video_id,video_title,campaign,impressions,views,clicks,spend\n"
PAGES = [None, "pages/completion.py", "pages/funnel.py", "pages/test-learn.py"]


@pytest.mark.parametrize(
    "text", [URL, WWW, MAIL, MAILTO, "HTTP://EVIL.EXAMPLE", "Www.Evil.Example", f"watch {URL} now", "x:red[big]"]
)
def test_no_links_breaks_every_autolink_and_directive(text):
    for out in (no_links(text), safe_text(text)):
        rendered = out.replace("\\", "")
        assert not LINKABLE.search(rendered), out
        assert rendered.replace("\u2060", "") == text  # shown the same, invisible joiners aside
    assert ":red[" not in safe_text("x:red[big]")


@pytest.fixture(scope="module")
def links_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("links")
    path = folder / "vmdash.duckdb"
    s = Store(path, idle_release_s=None)
    demo.load_samples(s)
    rows = []
    for day in range(1, 15):
        for n, (title, campaign) in enumerate(((URL, WWW), (MAIL, URL), (MAILTO, MAIL))):
            rows.append(
                f"2026-03-{day:02d},youtube,link{n},{title},{campaign},{5000 + 100 * n},{2000 + day},{50 + 20 * n},{9.5}\n"
            )
    csv = folder / f"{URL.replace('/', '_')}.csv"
    csv.write_text(HEADER + "".join(rows), encoding="utf-8")
    import_files(s, [Upload(csv, csv.name)])
    s.close()
    return path


def _rendered(app: AppTest) -> list[str]:
    """Every element whose text is Markdown, as the browser reads it (escapes resolved)."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        texts += [str(getattr(e, "value", "")).replace("\\", "") for e in getattr(app, kind)]
    texts += [str(e.label).replace("\\", "") for e in app.expander]
    return texts


@pytest.mark.parametrize("page", PAGES, ids=["overview", "completion", "funnel", "test_learn"])
def test_pages_show_urls_from_data_as_text(links_db, monkeypatch, page):
    monkeypatch.setenv("VMDASH_DB", str(links_db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.query_params["campaign"] = [URL, WWW, MAIL]
    app.query_params["video"] = [f"{URL} · YouTube", f"{MAIL} · YouTube"]
    if page == "pages/test-learn.py":
        app.query_params["test_by"] = "campaigns"
        app.query_params["test_kpi"] = CTR_OPTION
        app.query_params["test_campaigns"] = [URL, WWW, MAIL]
    if page:
        app.switch_page(page)
    app.run()
    assert not app.exception, [e.value[:300] for e in app.exception]
    texts = _rendered(app)
    # The names are on the page (the filter sentence, the verdicts) ...
    assert any("evil.example" in t for t in texts), texts
    if page == "pages/test-learn.py":
        assert any(
            "evil.example" in t for t in [*map(str, (e.value for e in app.success)), *(e.value for e in app.info)]
        )
    # ... and none of them is something Markdown would link.
    for text in texts:
        assert not LINKABLE.search(text), text[:300]
