"""Impossible numbers are flagged with their rows at import, and loaded as the export says."""

from __future__ import annotations

from vmdash import demo
from vmdash.ingest import Upload, import_files, preview


def _export(tmp_path, mutate):
    frame = demo.synthetic_frame(12, seed=5)
    frame.loc[:, "platform"] = "tiktok"
    mutate(frame)
    path = tmp_path / "checks.csv"
    frame.to_csv(path, index=False)
    return path


def test_impossible_numbers_are_flagged_with_their_rows(store, tmp_path):
    def mutate(f):
        f.loc[1, "plays_p50"] = f.loc[1, "plays_p25"] + 10  # quartiles increase
        f.loc[3, "views"] = f.loc[3, "impressions"] + 1
        f.loc[4, "clicks"] = f.loc[4, "impressions"] * 2
        f.loc[6, "spend"] = -12.5
        f.loc[7, "reach"] = -3

    path = _export(tmp_path, mutate)
    report, _ = preview(store, Upload(path, path.name))
    flags = {f.check: f.rows for f in report.parts[0].flags}
    assert flags == {
        "quartile plays increase (25 % ≥ 50 % ≥ 75 % ≥ 95 % ≥ 100 % expected)": (2,),
        "more views than impressions": (4,),
        "more clicks than impressions": (5,),
        "negative spend": (7,),
        "a negative count": (8,),
    }
    (done,) = import_files(store, [Upload(path, path.name)])
    assert done.rows_loaded == 12 and done.rows_rejected == 0
    assert "check: 1 row(s) with negative spend (rows 7)" in done.summary_line()


def test_a_clean_export_has_no_flags(store, tmp_path):
    path = _export(tmp_path, lambda f: None)
    report, _ = preview(store, Upload(path, path.name))
    assert report.parts[0].flags == []
