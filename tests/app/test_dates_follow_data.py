"""After an import or an undo, a date range that was the data's follows the data; one a person chose stays."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from vmdash import periods
from vmdash.ingest import Upload, import_files, undo
from vmdash.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(tmp_path_factory, sample_db_file) -> Path:
    path = tmp_path_factory.mktemp("dates") / "base.duckdb"
    shutil.copyfile(sample_db_file, path)
    return path


def _span(db: Path) -> tuple[dt.date, dt.date]:
    s = Store(db, idle_release_s=None)
    try:
        return tuple(s.rows('SELECT min("date"), max(coalesce("date_end", "date")) FROM active_facts')[0])
    finally:
        s.close()


def _later_export(tmp_path: Path) -> Path:
    # The LinkedIn sample a year later: it moves the data's last day.
    text = (ROOT / "data" / "samples" / "linkedin_campaign_manager.csv").read_text(encoding="utf-8")
    path = tmp_path / "linkedin_2027.csv"
    path.write_text(text.replace("2026", "2027"), encoding="utf-8")
    return path


def _import(db: Path, export: Path) -> int:
    s = Store(db, idle_release_s=None)
    try:
        [report] = import_files(s, [Upload(export, export.name)])
        return int(report.import_id)
    finally:
        s.close()


def _undo(db: Path, import_id: int) -> None:
    s = Store(db, idle_release_s=None)
    try:
        undo(s, import_id)
    finally:
        s.close()


def _app(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("VMDASH_DB", str(db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_a_range_set_by_the_data_follows_imports_and_undo(base, tmp_path, monkeypatch):
    db = tmp_path / "live.duckdb"
    shutil.copy(base, db)
    at = _app(db, monkeypatch).run()
    first = _span(db)
    assert tuple(at.date_input(key="dates").value) == first
    views = next(m.value for m in at.metric if m.label.startswith("Views"))

    new_id = _import(db, _later_export(tmp_path))
    wider = _span(db)
    assert wider[1] > first[1]
    at.run()
    assert not at.exception
    assert tuple(at.date_input(key="dates").value) == wider

    _undo(db, new_id)
    at.run()
    assert tuple(at.date_input(key="dates").value) == first
    # Back to the whole span: the lifetime totals without dates count again, as before the import.
    assert next(m.value for m in at.metric if m.label.startswith("Views")) == views


def test_a_range_the_person_chose_stays(base, tmp_path, monkeypatch):
    db = tmp_path / "live.duckdb"
    shutil.copy(base, db)
    at = _app(db, monkeypatch).run()
    first = _span(db)
    chosen = (first[0] + dt.timedelta(days=3), first[1] - dt.timedelta(days=3))
    at.date_input(key="dates").set_value(chosen).run()
    _import(db, _later_export(tmp_path))
    at.run()
    assert not at.exception
    assert tuple(at.date_input(key="dates").value) == chosen
    # The new days stay hidden, and the sidebar says so until the range changes.
    wider = _span(db)
    note = (
        f"The data now runs {periods.span_label(*wider)}, past the dates you chose "
        f"({periods.span_label(*chosen)}): widen them to see the new days."
    )
    assert note in [c.value for c in at.sidebar.caption]
    at.run()
    assert note in [c.value for c in at.sidebar.caption]
    at.date_input(key="dates").set_value(wider).run()
    assert not [c.value for c in at.sidebar.caption if c.value.startswith("The data now runs")]
