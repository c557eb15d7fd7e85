"""A layout vmdash does not know is mapped once by an analyst, then recognised on its own."""

from __future__ import annotations

import pytest

from tests.support import store_checks
from vmdash import queries
from vmdash.errors import PermissionDenied, UnknownFormat, VmdashError
from vmdash.ingest import Upload, import_files, mapping
from vmdash.roles import ANALYST, VIEWER

EXPORT = """Weekly video report
Day;Creative;Shown;Watched;Link clicks;Cost
2026-03-02;Spot A;1 200;300;12;45,50
2026-03-03;Spot A;800;200;8;30,25
2026-03-03;Spot B;--;150;n/a;10
"""
COLUMNS = {"date": "Day", "ad": "Creative", "impressions": "Shown", "views": "Watched", "clicks": "Link clicks"}
COLUMNS |= {"spend": "Cost"}


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "weekly.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def _mapped(store, export):
    delimiter, headers = mapping.header_row(export.read_text(encoding="utf-8").splitlines())
    assert delimiter == ";" and headers[0] == "Day"
    return headers, mapping.save(store, ANALYST, headers, mapping.ColumnMapping("Weekly report", "vimeo", COLUMNS))


def test_an_unknown_layout_is_refused_until_mapped(store, export):
    before = store_checks.fingerprint(store)
    with pytest.raises(UnknownFormat, match="Map its columns"):
        import_files(store, [Upload(export, export.name)])
    assert store_checks.fingerprint(store) == before


def test_a_saved_mapping_imports_this_and_the_next_file(store, export, tmp_path):
    _mapped(store, export)
    (report,) = import_files(store, [Upload(export, export.name)])
    assert report.rows_loaded == 3
    assert "saved mapping “Weekly report”" in report.detection_text()
    totals = queries.summary(store, by="platform").set_index("platform").loc["vimeo"]
    assert totals["impressions"] == 2000 and totals["views"] == 650 and totals["clicks"] == 20
    assert totals["spend"] == pytest.approx(85.75)
    # Next week's file, same headers: recognised without asking.
    nxt = tmp_path / "weekly_next.csv"
    nxt.write_text(EXPORT.replace("2026-03-0", "2026-03-1"), encoding="utf-8")
    (again,) = import_files(store, [Upload(nxt, nxt.name)])
    assert again.rows_loaded == 3 and again.source_format == "mapping:Weekly report"


def test_a_preview_s_state_moves_with_the_saved_mappings_and_the_objective_rules_only(store, export):
    from vmdash.ingest import preview_state, rules

    first = preview_state(store)
    assert preview_state(store) == first
    _mapped(store, export)
    mapped = preview_state(store)
    assert mapped != first and mapped[0] == first[0]
    rules.save_objective_rules(store, ANALYST, [("spot", "awareness")])
    ruled = preview_state(store)
    assert ruled != mapped and ruled[0] == first[0]
    assert preview_state(store) == ruled


@pytest.mark.parametrize(
    ("columns", "platform"),
    [
        ({"date": "Day"}, "vimeo"),  # no measure
        ({"impressions": "Nope"}, "vimeo"),  # a header the file does not have
        ({"impressions": "Shown", "views": "Shown"}, "vimeo"),  # one column twice
        ({"impressions": "Shown", "import_id": "Day"}, "vimeo"),  # not a mappable field
        ({"impressions": "Shown"}, "myspace"),  # unknown platform
    ],
)
def test_a_mapping_that_cannot_work_is_refused(store, export, columns, platform):
    _, headers = mapping.header_row(export.read_text(encoding="utf-8").splitlines())
    before = store_checks.fingerprint(store)
    with pytest.raises(VmdashError):
        mapping.save(store, ANALYST, headers, mapping.ColumnMapping("x", platform, columns))
    assert store_checks.fingerprint(store) == before


def test_viewers_cannot_save_a_mapping(store, export):
    _, headers = mapping.header_row(export.read_text(encoding="utf-8").splitlines())
    with pytest.raises(PermissionDenied):
        mapping.save(store, VIEWER, headers, mapping.ColumnMapping("x", "vimeo", COLUMNS))


def test_signature_ignores_case_and_spacing_not_order():
    assert mapping.signature(["Day", " Cost "]) == mapping.signature(["day", "cost"])
    assert mapping.signature(["Day", "Cost"]) != mapping.signature(["Cost", "Day"])


def test_objective_rules_are_edited_by_analysts_and_used_by_the_next_import(store, tmp_path):
    from vmdash import demo
    from vmdash.ingest import rules

    assert rules.objective_rules(store)  # seeded
    with pytest.raises(PermissionDenied):
        rules.save_objective_rules(store, VIEWER, [("_X_", "loyalty")])
    before = store_checks.fingerprint(store)
    with pytest.raises(VmdashError):
        rules.save_objective_rules(store, ANALYST, [("_X_", "loyalty"), ("", "awareness")])
    assert store_checks.fingerprint(store) == before
    rules.save_objective_rules(store, ANALYST, [("syn_", "loyalty"), ("", ""), ("_ACQ_", "acquisition")])
    assert rules.objective_rules(store) == [("syn_", "loyalty"), ("_ACQ_", "acquisition")]
    frame = demo.synthetic_frame(20, seed=2).assign(objective=None)
    path = tmp_path / "no_objective.csv"
    frame.to_csv(path, index=False)
    import_files(store, [Upload(path, path.name)])
    assert set(queries.summary(store, by="objective")["objective"]) == {"loyalty"}


@pytest.mark.parametrize(
    "body",
    [
        '{"platform": "vimeo", "columns": {"impressions\\" ; DROP TABLE facts; --": "Shown"}}',  # not a field
        '{"platform": "myspace", "columns": {"impressions": "Shown"}}',  # not a platform
        '{"platform": "vimeo", "columns": {"date": "Day"}}',  # no measure
        '{"platform": "vimeo", "columns": ["impressions"]}',  # not a mapping
        "not json",
    ],
)
def test_a_saved_mapping_is_checked_again_when_read(store, export, body):
    good_headers, _ = _mapped(store, export)
    with store.transaction() as tx:
        tx.execute("INSERT INTO column_mappings VALUES ('tampered', 'Tampered', $body, now())", {"body": body})
    rows = store.rows("SELECT name, mapping FROM column_mappings ORDER BY name")
    formats = mapping.saved(rows)
    # The tampered row is passed over; the good one still recognises its files.
    assert [f.name for f in formats] == ["mapping:Weekly report"]
    (report,) = import_files(store, [Upload(export, export.name)])
    assert report.rows_loaded == 3
