"""The Upload page's preview says, per file, what will load, what will not and why, before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from vmdash.store import Store

YT = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions"
TABLE = "\n".join(
    [
        YT,
        "Total,,,,1500,60.5,12,40000",
        'aaaaaaaaaa1,First,"Feb 2, 2026",493,1000,40.25,10,30000',
        'aaaaaaaaaa2,"Zero-view\nshort","Feb 3, 2026",31,,,0,5000',
        "aaaaaaaaaa3,Cut,31",
        'aaaaaaaaaa4,Second,"Feb 4, 2026",120,500,20.25,2,5000',
        "Showing top 500 results",
    ]
)


def _preview_script(db_path: str, text: str) -> None:
    from vmdash import ui
    from vmdash.store import Store

    s = Store(db_path, idle_release_s=None)

    class Uploaded:  # what st.file_uploader hands the page
        name = "Table data.csv"
        file_id = "p1"

        def getbuffer(self) -> bytes:
            return text.encode("utf-8")

    ui.upload_flow(s, [Uploaded()], None, None)
    s.close()


def test_the_preview_names_platform_layout_locale_rejections_nulls_and_skipped_rows(tmp_path: Path):
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    app = AppTest.from_function(_preview_script, args=(str(db), TABLE), default_timeout=60).run()
    assert not app.exception
    # As a person reads them: data text in captions is Markdown-escaped.
    captions = re.sub(r"\\(.)", r"\1", " ".join(c.value for c in app.caption))
    assert "YouTube · YouTube Studio (table data) · locale en" in captions, captions
    assert "3 rows to load, 1 rejected, 1 total row(s) and 1 trailer row(s) skipped" in captions, captions
    frames = [d.value for d in app.dataframe]
    rejected = next(f for f in frames if "why it was not loaded" in f.columns)
    assert rejected["line"].tolist() == [6]  # the physical line, after a quoted line break
    assert "3 of the header's 8 fields" in rejected["why it was not loaded"][0]
    nulls = next(f for f in frames if "cells read as NULL" in f.columns)
    assert dict(zip(nulls["measure"], nulls["cells read as NULL"], strict=True)) == {
        "views": 1,
        "watch_time_s": 1,
    }


def test_a_rerun_stages_the_same_file_once_until_what_its_preview_reads_changes(tmp_path: Path, monkeypatch):
    from vmdash import roles
    from vmdash.ingest import rules
    from vmdash.ui import upload

    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    staged = []
    real = upload.preview
    monkeypatch.setattr(upload, "preview", lambda *a, **k: staged.append(a[1].name) or real(*a, **k))
    app = AppTest.from_function(_preview_script, args=(str(db), TABLE), default_timeout=60).run()
    shown = [c.value for c in app.caption]
    app.run()  # a rerun: a widget changed, or the Import click
    assert not app.exception and staged == ["Table data.csv"]
    assert [c.value for c in app.caption] == shown
    # An objective rule changes what the rows would load as: the file is previewed again.
    s = Store(db, idle_release_s=None)
    rules.save_objective_rules(s, roles.ANALYST, [("first", "awareness")])
    s.close()
    app.run()
    assert not app.exception and staged == ["Table data.csv"] * 2
