"""An import after a preview loads the rows the preview staged, exactly as parsing the file again would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import store_checks
from vmdash import demo
from vmdash.ingest import Options, Upload, import_files, pipeline, preview
from vmdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
SOCIAL = ROOT / "tests" / "data" / "social"


def _meta_with_a_broken_row(folder: Path) -> Upload:
    """The Meta sample with its fifth data row's date unreadable: rejected, the rows after it keep their numbers."""
    lines = (ROOT / "data" / "samples" / "meta_ads_manager.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = "not a date" + lines[5][len("2026-03-01") :]
    path = folder / "meta_broken_row.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return Upload(path, path.name)


def _uploads(folder: Path) -> list[Upload]:
    # A rejected row, rows a format leaves out, and a Studio ZIP whose daily rows the table data
    # already gives (the preview drops them): each leaves the staged table's rowids with gaps.
    business_suite = SOCIAL / "May-25-2026_Jun-21-2026_1493633672508178.csv"  # left out: rows 2 and 4
    youtube = next(u for u in demo.sample_uploads(folder) if u.name.startswith("Content "))
    return [_meta_with_a_broken_row(folder), Upload(business_suite, business_suite.name), youtube]


def _copy(base: Path, target: Path) -> Store:
    target.write_bytes(base.read_bytes())
    return Store(target, idle_release_s=None)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A store holding one other export: the uploads are new to it."""
    path = tmp_path / "base.duckdb"
    s = Store(path, idle_release_s=None)
    tiktok = ROOT / "data" / "samples" / "tiktok_ads.csv"
    import_files(s, [Upload(tiktok, tiktok.name)])
    s.close()
    return path


def test_an_import_after_a_preview_stores_what_parsing_the_file_again_stores(tmp_path, base, monkeypatch):
    uploads = _uploads(tmp_path)
    parsed = _copy(base, tmp_path / "parsed.duckdb")
    from_file = import_files(parsed, uploads)

    kept = _copy(base, tmp_path / "kept.duckdb")
    # Named like a partition ('key=value'), which DuckDB would read as a column of every row.
    folder = tmp_path / "platform=tiktok"
    folder.mkdir()
    previewed = {u.path: preview(kept, u, keep_in=folder)[0] for u in uploads}
    assert all(p.kept is not None and p.kept.is_file() for r in previewed.values() for p in r.parts)

    def parse_again(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(pipeline, "_stage_upload", parse_again)
    from_preview = import_files(kept, uploads, previewed=previewed)

    assert [r.summary_line() for r in from_preview] == [r.summary_line() for r in from_file]
    assert any(r.rows_rejected for r in from_file) and any(p.left_out for r in from_file for p in r.parts)
    # Every stored row, its row number in the file (source_row) included, and the rollup.
    assert store_checks.fingerprint(kept, ignore={"imported_at"}) == store_checks.fingerprint(
        parsed, ignore={"imported_at"}
    )
    assert store_checks.rollup_agrees(kept)
    # Used once: the staged copies are gone, and the previews' own reports are as they were shown.
    assert list(folder.iterdir()) == []
    assert all(r.import_id is None for r in previewed.values())
    parsed.close()
    kept.close()


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = pipeline._stage_upload
    monkeypatch.setattr(
        pipeline, "_stage_upload", lambda con, upload, *a: parsed.append(upload.name) or real(con, upload, *a)
    )
    return parsed


def _previewed(tmp_path: Path, base: Path) -> tuple[Store, Upload, pipeline.ImportReport]:
    """A store, the broken-row Meta export, and its preview with the staged rows kept."""
    store = _copy(base, tmp_path / "vmdash.duckdb")
    folder = tmp_path / "kept"
    folder.mkdir()
    upload = _meta_with_a_broken_row(tmp_path)
    return store, upload, preview(store, upload, keep_in=folder)[0]


def test_a_preview_made_before_the_data_changed_is_parsed_again(tmp_path, base, monkeypatch):
    store, upload, report = _previewed(tmp_path, base)
    # Another import lands between the preview and the click: it may make this file a duplicate,
    # or give a retention file's title its video, so the file is read as it is now.
    other = tmp_path / "other.csv"
    demo.write_synthetic_csv(other, rows=20, seed=4)
    import_files(store, [Upload(other, other.name)])
    parsed = _count_parses(monkeypatch)
    [done] = import_files(store, [upload], previewed={upload.path: report})
    assert parsed == [upload.name] and done.rows_loaded == report.parts[0].loadable
    store.close()


def test_other_choices_or_a_lost_copy_parse_the_file_again(tmp_path, base, monkeypatch):
    store, upload, report = _previewed(tmp_path, base)
    folder = tmp_path / "kept"
    parsed = _count_parses(monkeypatch)
    # Chosen after the preview: the rows must get this channel, not the previewed ones.
    [done] = import_files(store, [upload], Options(channel="email"), previewed={upload.path: report})
    assert parsed == [upload.name]
    assert (
        store.scalar("SELECT count(*) FROM facts WHERE import_id = $id AND channel <> 'email'", {"id": done.import_id})
        == 0
    )
    store.close()

    for broken in ("gone", "garbled"):
        store = _copy(base, tmp_path / f"{broken}.duckdb")
        report, _ = preview(store, upload, keep_in=folder)
        [part] = report.parts
        assert part.kept is not None
        if broken == "gone":
            part.kept.unlink()
        else:
            part.kept.write_bytes(b"PAR1 not really")
        parsed.clear()
        [done] = import_files(store, [upload], previewed={upload.path: report})
        assert parsed == [upload.name] and done.rows_loaded == part.loadable
        store.close()


def test_a_duplicate_keeps_no_staged_rows(tmp_path, sample_store):
    folder = tmp_path / "kept"
    folder.mkdir()
    sample = ROOT / "data" / "samples" / "meta_ads_manager.csv"
    report, _ = preview(sample_store, Upload(sample, sample.name), keep_in=folder)
    assert report.duplicate_of is not None
    assert list(folder.iterdir()) == []
