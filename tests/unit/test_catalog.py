"""The README's table of recognised exports is the one the formats and header dictionaries generate."""

from __future__ import annotations

from pathlib import Path

from vmdash.ingest import catalog, detect

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_readme_table_is_the_generated_one():
    start, end = README.index(catalog.START), README.index(catalog.END) + len(catalog.END)
    assert README[start:end] == catalog.markdown(), (
        "regenerate it: python -c 'from vmdash.ingest import catalog; print(catalog.markdown())'"
    )


def test_every_detected_format_is_in_the_catalog():
    listed = {fmt.name for _, formats in catalog.PLATFORMS for fmt in formats}
    assert listed == {fmt.name for fmt in detect.FORMATS}


def test_a_language_is_listed_only_when_every_required_header_has_a_spelling():
    by_label = {label: names for _, label, names, _ in catalog.rows()}
    assert "Portuguese" in by_label["Google Ads (campaign report)"]
    assert by_label["YouTube Analytics API (audience retention)"] == "English"
