"""Each page, run from app.py, draws what its `load` returns: one call per rerun, with the widgets' values."""

from __future__ import annotations

import pytest

from vmdash.queries import completion, funnel_impact, overview, retention, test_learn

PAGES = {
    "pages/overview.py": overview,
    "pages/retention.py": retention,
    "pages/completion.py": completion,
    "pages/funnel.py": funnel_impact,
    "pages/test-learn.py": test_learn,
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_rerun_of_the_page_calls_its_load_once_with_the_widgets_defaults(app, monkeypatch, page):
    module = PAGES[page]
    original = module.load
    calls, wanted = [], []

    def spy(store, filters, controls):
        calls.append(controls)
        default = original.__defaults__[-1]
        if module is retention:
            # The picker's default is the first video it offers.
            default = retention.RetentionControls(videos=(retention.options(store, filters)["key"].iloc[0],))
        if module is overview:
            # Ranking for None is ranking for the first objective present, which the widget names.
            default = overview.OverviewControls(rank_for=overview.options(store, filters)[0])
        wanted.append(default)
        return original(store, filters, controls)

    monkeypatch.setattr(module, "load", spy)
    app.run()
    calls.clear()
    wanted.clear()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert len(calls) == 1
    assert calls == wanted
