"""As the app runs, every widget it binds to the URL is a parameter registered in vmdash.links, and back."""

from __future__ import annotations

import pytest
from streamlit.runtime.state.query_params import QueryParams

from vmdash import links, share, testlearn
from vmdash.ui.navigation import _ANALYST_PAGES, _PAGES


@pytest.fixture
def bound(monkeypatch) -> set[str]:
    """The URL parameters widgets bind to while the app runs."""
    seen: set[str] = set()
    original = QueryParams.bind_widget

    def record(self, param_key, *args, **kwargs):
        seen.add(param_key)
        return original(self, param_key, *args, **kwargs)

    monkeypatch.setattr(QueryParams, "bind_widget", record)
    return seen


def test_every_widget_bound_to_the_url_is_registered(analyst_app, bound):
    app = analyst_app
    written: set[str] = set()
    for script, *_ in _PAGES + _ANALYST_PAGES:
        app.switch_page(script).run()
        assert not app.exception, script
        written |= set(app.query_params)
    # Each kind of variant has its own picker, bound to its own parameter.
    app.switch_page("pages/test-learn.py").run()
    for kind in testlearn.VARIANT_KINDS:
        app.segmented_control(key=links.TEST_BY.key).set_value(kind).run()
        assert not app.exception, kind
        written |= set(app.query_params)
    assert bound <= set(links.BY_KEY), "register these URL parameters in vmdash/links.py"
    assert written <= set(links.BY_KEY) | share.STREAMLIT_PARAMS
    # And no registered parameter is left that no widget binds any more.
    assert set(links.BY_KEY) <= bound
