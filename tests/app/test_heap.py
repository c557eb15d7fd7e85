"""The post-run garbage collection walks only what later runs made, not the process's startup heap."""

from __future__ import annotations

import gc

from vmdash.ui import navigation


def test_only_the_first_run_freezes_what_the_process_holds(app, monkeypatch):
    # Another test's app run in this process may have frozen it already.
    gc.unfreeze()
    monkeypatch.setattr(navigation, "_heap_frozen", False)
    app.run()
    assert not app.exception
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # modules, Altair's schema, the store

    # Later runs' objects stay collectable: freezing again would keep their garbage for good
    # (frozen objects freed by reference counting leave the count, so it may shrink). Nor do
    # they count the frozen objects: that walks all of them, tens of ms in a server.
    counted = []
    count = gc.get_freeze_count
    monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(1) or count())
    app.run()
    app.switch_page("pages/retention.py").run()
    assert not app.exception
    assert not counted
    assert count() <= frozen
