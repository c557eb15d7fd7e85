"""Browser fixtures: a real `streamlit run` on a free localhost port, driven by Debian's Chromium (tests/support/browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, sample_server


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("VMDASH_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(tmp_path_factory, sample_db_file):
    """The app on the sample data."""
    with sample_server(tmp_path_factory.mktemp("browser"), source=sample_db_file) as srv:
        yield srv


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no shared cookies or storage) and its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # The suite shares two cores with a browser and a server: allow slow, not wrong.
    context.set_default_timeout(120_000)
    pg = context.new_page()
    yield pg
    context.close()
