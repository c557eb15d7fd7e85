"""A CSV inside a CSV (each line one quoted field) is read twice; ordinary quoted CSVs are left alone."""

from __future__ import annotations

import csv

import pytest

from vmdash.ingest import unwrap


@pytest.mark.parametrize(
    ("lines", "wrapped"),
    [
        (['"Post ID,Title,Views"', '"1,""Hello, world"",10"', '"2,Bye,20"'], True),
        (['"Post ID;Title;Views"', '"1;Hello;10"'], True),
        (['"Post ID","Title","Views"', '"1","Hello, world","10"'], False),  # every field quoted: plain CSV
        (["Post ID,Title,Views", "1,Hello,10"], False),
        (['"Just a sentence, nothing else"', '"and another, one"'], False),  # one comma: no header row
        (['"Post ID,Title,Views"'], False),  # a header alone says nothing
        (['"Post ID,Title,Views"', "1,Hello,10"], False),
    ],
)
def test_what_counts_as_wrapped(lines, wrapped):
    assert unwrap.is_wrapped("\r\n".join(lines) + "\r\n") is wrapped


def test_unwrapping_keeps_inner_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "wrapped.csv"
    path.write_text('"Post ID,Title,Views"\r\n"1,""Two\nlines, and a comma"",10"\r\n"2,Plain,20"\r\n', encoding="utf-8")
    out = unwrap.unwrapped(path, tmp_path)
    assert out is not None
    assert out.read_text(encoding="utf-8") == 'Post ID,Title,Views\n1,"Two\nlines, and a comma",10\n2,Plain,20\n'
    assert unwrap.unwrapped(out, tmp_path) is None


def test_a_huge_wrapped_field_falls_back_to_the_file_as_it_is(tmp_path):
    path = tmp_path / "wrapped.csv"
    path.write_text('"Post ID,Title,Views"\n"1,a,10"\n"2,' + "x" * 300_000 + ',20"\n', encoding="utf-8")
    # The reader raises the csv module's field limit for the whole process; a field past the
    # limit in force is what this is about.
    previous = csv.field_size_limit(100_000)
    try:
        assert unwrap.unwrapped(path, tmp_path) is None
    finally:
        csv.field_size_limit(previous)
