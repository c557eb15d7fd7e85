"""Link audit: every value a URL carries is either used or reported as dropped, inertly."""

from __future__ import annotations

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
        ({"utm_source": "mail"}, {"utm_source": "mail"}, "“utm_source” is not used"),
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
