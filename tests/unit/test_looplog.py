"""The loop log outlives restarts and unrelated imports; an entry whose video was undone is orphaned, not lost."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
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


def _daily(path: Path, video: str, title: str, days: dict[dt.date, dict[str, object]], objective: str) -> Path:
    columns = ["date", "platform", "objective", "campaign", "video_id", "video_title", "impressions", "views"]
    columns += ["clicks", "conversions", "spend"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, columns, restval="")
        out.writeheader()
        for day, measures in days.items():
            out.writerow(
                {
                    "date": day.isoformat(),
                    "platform": "youtube",
                    "objective": objective,
                    "campaign": "LOOP",
                    "video_id": video,
                    "video_title": title,
                    **measures,
                }
            )
    return path


def _span(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_before_after_change_counts_only_the_two_windows(store, tmp_path):
    decided = dt.date(2026, 5, 15)
    days: dict[dt.date, dict[str, object]] = {}
    # Far outside either 14-day window, the view rate is 90 %: it must not count.
    for day in _span(decided - dt.timedelta(days=40), 26):
        days[day] = {"impressions": 1000, "views": 900}
    for day in _span(decided - dt.timedelta(days=14), 14):  # the 14 days before: 4,200 / 14,000 = 30 %
        days[day] = {"impressions": 1000, "views": 300}
    for day in _span(decided, 14):  # the 14 days from the date: 6,300 / 14,000 = 45 %
        days[day] = {"impressions": 1000, "views": 450}
    for day in _span(decided + dt.timedelta(days=14), 10):
        days[day] = {"impressions": 1000, "views": 50}
    path = _daily(tmp_path / "loop.csv", "vid_loop", "Loop", days, "awareness")
    import_files(store, [Upload(path, path.name)])
    looplog.record(store, roles.ANALYST, "optimised", decided, "New thumbnail", videos=["vid_loop"])

    row = looplog.before_after(store).iloc[0]
    assert row["kpi"] == "view_rate"
    assert row["before"] == pytest.approx(0.30)
    assert row["after"] == pytest.approx(0.45)
    assert row["change"] == pytest.approx(0.45 / 0.30 - 1)  # +50 %
    # 4,200 / 14,000 against 6,300 / 14,000 is far beyond chance.
    assert bool(row["better"]) is True and bool(row["clear"]) is True


def test_the_first_and_last_days_of_the_log_s_windows_count(store, tmp_path):
    # Only the days between the earliest entry's window and the latest one's are read: a bound
    # a day too narrow on either side would drop the one day that holds any views.
    first, last = dt.date(2026, 3, 2), dt.date(2026, 6, 1)
    days = {day: {"impressions": 1000, "views": 0} for day in _span(first - dt.timedelta(days=14), 120)}
    days[first - dt.timedelta(days=14)]["views"] = 700
    days[last + dt.timedelta(days=13)]["views"] = 350
    path = _daily(tmp_path / "edges.csv", "vid_edge", "Edge", days, "awareness")
    import_files(store, [Upload(path, path.name)])
    for on in (first, last):
        looplog.record(store, roles.ANALYST, "optimised", on, "Edge", videos=["vid_edge"])

    judged = looplog.before_after(store).set_index("happened_on")
    assert judged.loc[pd.Timestamp(first), "before"] == pytest.approx(700 / 14_000)
    assert judged.loc[pd.Timestamp(last), "after"] == pytest.approx(350 / 14_000)


def test_an_entry_naming_a_video_and_its_campaign_counts_the_videos_days_once(store, tmp_path):
    decided = dt.date(2026, 5, 15)
    both_sides = _span(decided - dt.timedelta(days=14), 28)
    # Both videos run in campaign LOOP. A: 40 % before the date, 60 % from it; B: 20 % throughout.
    a = {day: {"impressions": 1000, "views": 400 if day < decided else 600} for day in both_sides}
    b = {day: {"impressions": 3000, "views": 600} for day in both_sides}
    for name, days in (("vid_a", a), ("vid_b", b)):
        path = _daily(tmp_path / f"{name}.csv", name, name.upper(), days, "awareness")
        import_files(store, [Upload(path, path.name)])
    looplog.record(store, roles.ANALYST, "optimised", decided, "Both", videos=["vid_a"], campaigns=["LOOP"])

    row = looplog.before_after(store).iloc[0]
    # Each fact once: (400 + 600) / 4,000 before, (600 + 600) / 4,000 after. Counting A's days
    # twice (by its video and by its campaign) would read 28 % and 36 %.
    assert row["before"] == pytest.approx(0.25)
    assert row["after"] == pytest.approx(0.30)


def test_a_lower_cost_after_the_date_is_better(store, tmp_path):
    decided = dt.date(2026, 6, 10)
    days = {
        day: {"impressions": 1000, "clicks": 50, "conversions": 4, "spend": 100}
        for day in _span(decided - dt.timedelta(days=7), 7)
    }
    days |= {day: {"impressions": 1000, "clicks": 50, "conversions": 8, "spend": 100} for day in _span(decided, 7)}
    path = _daily(tmp_path / "cpa.csv", "vid_cpa", "Offer", days, "conversion")
    import_files(store, [Upload(path, path.name)])
    looplog.record(store, roles.ANALYST, "optimised", decided, "New offer", videos=["vid_cpa"])
    row = looplog.before_after(store).iloc[0]
    # CPA: 700 / 28 = 25 before, 700 / 56 = 12.5 after.
    assert (row["kpi"], row["objective"]) == ("cpa", "conversion")
    assert row["before"] == pytest.approx(25.0) and row["after"] == pytest.approx(12.5)
    assert row["change"] == pytest.approx(-0.5)
    assert bool(row["better"]) is True  # a cost going down


def test_an_entry_about_two_videos_is_partly_orphaned_then_whole_again(store, tmp_path):
    (first,) = import_files(store, [Upload(_export(tmp_path / "one.csv", "vid_one", "One"), "one.csv")])
    import_files(store, [Upload(_export(tmp_path / "two.csv", "vid_two", "Two"), "two.csv")])
    looplog.record(store, roles.ANALYST, "learning", dt.date(2026, 4, 20), "Two cuts", videos=["vid_one", "vid_two"])
    undo(store, first.import_id)
    row = looplog.entries(store).iloc[0]
    assert row["status"] == "partly orphaned"
    assert row["missing"] == "One · YouTube"  # the label as written: title and platform, as the video filter names it
    assert row["subjects"] == "One · YouTube; Two · YouTube"
    judged = looplog.before_after(store)  # an orphaned item leaves a number from what remains, no error
    assert judged.iloc[0]["before"] == pytest.approx(0.4)

    # Importing the data again brings the entry back to whole.
    import_files(store, [Upload(_export(tmp_path / "one_again.csv", "vid_one", "One"), "one_again.csv")])
    assert looplog.entries(store).iloc[0]["status"] == "active"


def test_annotations_keep_the_entries_about_the_filtered_videos(store, tmp_path):
    from vmdash.filters import FilterState

    import_files(store, [Upload(_export(tmp_path / "a.csv", "vid_a", "A"), "a.csv")])
    import_files(store, [Upload(_export(tmp_path / "b.csv", "vid_b", "B"), "b.csv")])
    looplog.record(store, roles.ANALYST, "test_started", dt.date(2026, 4, 3), "about a", videos=["vid_a"])
    looplog.record(store, roles.ANALYST, "amplified", dt.date(2026, 4, 9), "about b", videos=["vid_b"])
    looplog.record(store, roles.ANALYST, "learning", dt.date(2026, 6, 1), "after the data", videos=["vid_a"])
    looplog.record(store, roles.ANALYST, "optimised", dt.date(2026, 4, 12), "about spring", campaigns=["SPRING"])
    marks = looplog.annotations(store, FilterState(videos=("vid_a",)))
    assert list(marks["note"]) == ["about a"]
    assert marks.iloc[0]["label"].endswith(" Test started")
    assert list(looplog.annotations(store, FilterState(campaigns=("SPRING",)))["note"]) == ["about spring"]
    # Unfiltered: every entry dated within the data's span (April), newest first.
    assert list(looplog.annotations(store)["note"]) == ["about spring", "about b", "about a"]


def test_kept_entries_move_with_every_recording_and_deletion(store, tmp_path):
    from vmdash import cache

    import_files(store, [Upload(_export(tmp_path / "v.csv", "vid_v", "V"), "v.csv")])
    seen = [cache.data_version(store)]
    first = looplog.record(store, roles.ANALYST, "learning", dt.date(2026, 4, 2), "one", videos=["vid_v"])
    assert list(looplog.entries(store)["note"]) == ["one"]
    seen.append(cache.data_version(store))
    looplog.delete(store, roles.ANALYST, first.entry_id)
    assert looplog.entries(store).empty and looplog.before_after(store).empty
    seen.append(cache.data_version(store))
    # As many entries as after the first recording, but another one: the version differs still.
    looplog.record(store, roles.ANALYST, "learning", dt.date(2026, 4, 3), "two", videos=["vid_v"])
    assert list(looplog.entries(store)["note"]) == ["two"]
    assert list(looplog.before_after(store)["note"]) == ["two"]
    seen.append(cache.data_version(store))
    # An empty log again is the first state again (its kept answers hold); every other differs.
    assert seen[2] == seen[0] and len({seen[0], seen[1], seen[3]}) == 3
