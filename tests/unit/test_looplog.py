"""The loop log outlives restarts and unrelated imports; an entry whose video was undone is orphaned, not lost."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from vmdash import demo, looplog, roles
from vmdash.errors import VmdashError
from vmdash.ingest import Upload, import_files, undo
from vmdash.store import Store


def _export(path: Path, video: str, title: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "objective", "campaign", "video_id", "video_title", "impressions", "views"])
        for day in range(1, 29):
            out.writerow([f"2026-04-{day:02d}", "youtube", "awareness", "SPRING", video, title, 1000, 400])
    return path


def _status(store: Store) -> dict[str, str]:
    return dict(zip(looplog.entries(store)["note"], looplog.entries(store)["status"], strict=True))


def test_entries_survive_restart_unrelated_imports_and_show_orphans(tmp_path):
    db = tmp_path / "vmdash.duckdb"
    store = Store(db, idle_release_s=None)
    (hero,) = import_files(store, [Upload(_export(tmp_path / "hero.csv", "vid_hero", "Hero cut"), "hero.csv")])
    looplog.record(store, roles.ANALYST, "Test started", dt.date(2026, 4, 10), "Hero vs teaser", videos=["vid_hero"])
    store.close()

    store = Store(db, idle_release_s=None)  # a restart
    assert _status(store) == {"Hero vs teaser": "active"}
    other = demo.write_synthetic_csv(tmp_path / "other.csv", rows=200, seed=4)
    (unrelated,) = import_files(store, [Upload(other, other.name)])
    undo(store, unrelated.import_id)
    assert _status(store) == {"Hero vs teaser": "active"}

    undo(store, hero.import_id)
    entries = looplog.entries(store)
    assert len(entries) == 1
    row = entries.iloc[0]
    assert row["status"] == "orphaned"
    assert "Hero cut" in row["subjects"]  # the label it had is kept
    store.close()


def test_viewers_cannot_write_or_delete(store, tmp_path):
    import_files(store, [Upload(_export(tmp_path / "v.csv", "vid_v", "V"), "v.csv")])
    with pytest.raises(VmdashError):
        looplog.record(store, roles.VIEWER, "learning", dt.date(2026, 4, 2), "no", videos=["vid_v"])
    entry = looplog.record(store, roles.ANALYST, "learning", dt.date(2026, 4, 2), "yes", videos=["vid_v"])
    with pytest.raises(VmdashError):
        looplog.delete(store, roles.VIEWER, entry.entry_id)
    assert list(looplog.entries(store)["note"]) == ["yes"]


def test_before_after_reads_the_objective_kpi_either_side_of_the_date(store, tmp_path):
    # Views per impression: 40 % every day before 2026-04-15, 60 % from it.
    path = tmp_path / "step.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "platform", "objective", "campaign", "video_id", "video_title", "impressions", "views"])
        for day in range(1, 29):
            views = 400 if day < 15 else 600
            out.writerow([f"2026-04-{day:02d}", "youtube", "awareness", "SPRING", "vid_s", "Step", 1000, views])
    import_files(store, [Upload(path, path.name)])
    looplog.record(store, roles.ANALYST, "amplified", dt.date(2026, 4, 15), "Boosted", videos=["vid_s"])
    judged = looplog.before_after(store).iloc[0]
    values = {k: judged[k] for k in judged.index if k in ("before", "after", "kpi")}
    assert values["before"] == pytest.approx(0.4)
    assert values["after"] == pytest.approx(0.6)
