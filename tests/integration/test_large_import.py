"""A generated export of 150,000 rows imports with every row where the file had it."""

from __future__ import annotations

import csv

from vmdash import demo
from vmdash.ingest.pipeline import Upload, import_files


def test_a_large_file_keeps_each_row_s_number(tmp_path, store):
    # Big enough for DuckDB to read it in parallel: every stored row must still name its own
    # line, or rejected-row reasons and source_row point at the wrong data.
    path = demo.write_synthetic_csv(tmp_path / "many.csv", rows=150_000, seed=3)
    (report,) = import_files(store, [Upload(path, path.name)])
    stored = store.rows(
        "SELECT source_row, video_id, impressions FROM facts WHERE import_id = $id ORDER BY source_row",
        {"id": report.import_id},
    )
    with path.open(newline="", encoding="utf-8") as fh:
        expected = [(n, r["video_id"], int(r["impressions"])) for n, r in enumerate(csv.DictReader(fh), start=1)]
    assert len(stored) == len(expected) == 150_000
    assert stored == expected
