"""The post-run garbage collection walks only what later runs made, not the process's startup heap."""

from __future__ import annotations

import gc


def test_only_the_first_run_freezes_what_the_process_holds(app):
    gc.unfreeze()  # another test's app run in this process may have frozen it already
    app.run()
    assert not app.exception
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # modules, Altair's schema, the store

    # Later runs' objects stay collectable: freezing again would keep their garbage for good
    # (frozen objects freed by reference counting leave the count, so it may shrink).
    app.run()
    app.switch_page("pages/retention.py").run()
    assert not app.exception
    assert gc.get_freeze_count() <= frozen
