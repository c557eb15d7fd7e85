"""Link audit: every value a URL carries is either used or reported as dropped, inertly."""

from __future__ import annotations

import datetime as dt

import pytest

from vmdash import share


def test_a_clean_link_has_no_notes():
    asked = {"dates": ["2026-03-01", "2026-03-31"], "platform": ["tiktok", "meta"], "kpi": "CTR"}
    assert share.dropped(asked, asked) == []


@pytest.mark.parametrize(
    ("asked", "kept", "fragment"),
    [
        ({"platform": ["myspace", "meta"]}, {"platform": ["meta"]}, "platform “myspace”, which does not exist"),
        ({"campaign": ["undone campaign"]}, {}, "campaign “undone campaign”"),
        ({"dates": ["2026-13-01"]}, {}, "dates “2026-13-01” are not a valid range"),
        ({"utm_source": "mail"}, {"utm_source": "mail"}, "“utm_source” is not used by vmdash and was removed"),
        ({"curves": ["Gone video · youtube"]}, {}, "retention video “Gone video · youtube”"),
    ],
)
def test_dropped_values_are_reported(asked, kept, fragment):
    notes = share.dropped(asked, kept)
    assert len(notes) == 1 and fragment in notes[0]


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE facts; --",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "x" * 100_000,
        "\u202e\x00\x1b[31m",
        "$\\alpha$ **bold** _it_",
    ],
)
def test_hostile_values_are_dropped_and_shown_inert(hostile):
    for key in ("platform", "campaign", hostile):
        notes = share.dropped({key: [hostile]}, {})
        assert len(notes) == 1
        note = notes[0]
        quoted = note.split("“")[1].split("”")[0]
        assert len(quoted) <= share.MAX_SHOWN + 1
        for ch in "<>`[]()*$\x00\x1b\u202e":
            assert ch not in quoted
        assert len(note) < 220


def test_streamlit_keys_are_not_reported():
    assert share.dropped({"embed": "true", "embed_options": "dark_theme"}, {}) == []


def test_unknown_parameters_are_the_ones_vmdash_does_not_read():
    assert share.unknown({"utm_source": "mail", "platform": ["meta"], "embed": "true", "kpi": "CTR"}) == ["utm_source"]


SPAN = (dt.date(2026, 2, 1), dt.date(2026, 3, 31))
D = dt.date


@pytest.mark.parametrize(
    ("values", "fixed", "note"),
    [
        (
            ["2026-03-15", "2026-02-10"],
            (D(2026, 2, 10), D(2026, 3, 15)),
            "The link's dates 2026-03-15 to 2026-02-10 ran backwards; they are read as 2026-02-10 to 2026-03-15.",
        ),
        (
            ["2025-11-01", "2026-02-15"],
            (D(2026, 2, 1), D(2026, 2, 15)),
            "The data runs from 2026-02-01 to 2026-03-31, so the link's dates show 2026-02-01 to 2026-02-15.",
        ),
        (
            ["2026-03-01", "2027-01-01"],
            (D(2026, 3, 1), D(2026, 3, 31)),
            "The data runs from 2026-02-01 to 2026-03-31, so the link's dates show 2026-03-01 to 2026-03-31.",
        ),
        (
            ["2026-05-01", "2026-01-20"],
            (D(2026, 2, 1), D(2026, 3, 31)),
            "The link's dates 2026-05-01 to 2026-01-20 ran backwards; they are read as 2026-01-20 to 2026-05-01. "
            "The data runs from 2026-02-01 to 2026-03-31, so the link's dates show 2026-02-01 to 2026-03-31.",
        ),
        (
            ["2020-01-01", "2020-02-01"],
            SPAN,
            "The link's dates 2020-01-01 to 2020-02-01 fall outside the data, which runs from 2026-02-01 to "
            "2026-03-31: all of it is shown.",
        ),
        (
            ["2025-12-25"],
            SPAN,
            "The link's date 2025-12-25 falls outside the data, which runs from 2026-02-01 to 2026-03-31: "
            "all of it is shown.",
        ),
    ],
)
def test_link_dates_are_put_in_order_and_clamped_with_a_note(values, fixed, note):
    assert share.fix_dates(values, SPAN) == (fixed, note)


@pytest.mark.parametrize(
    "values", [[], ["2026-02-01", "2026-03-31"], ["2026-02-10"], ["2026-13-01", "2026-02-01"], ["a", "b", "c"]]
)
def test_link_dates_in_order_or_malformed_are_left_alone(values):
    assert share.fix_dates(values, SPAN) == (None, "")
