"""Link audit: every value a URL carries is either used or reported as dropped, inertly."""

from __future__ import annotations

import pytest

from vmdash import model, share

PARAMS = [
    share.Param("dates", "dates", kind="dates"),
    share.Param("channel", "channel", lambda: model.CHANNELS),
    share.Param("platform", "platform", lambda: model.PLATFORMS),
    share.Param("campaign", "campaign", lambda: ["FR_2026Q1_AWA_Lancement-Serum"]),
    share.Param("kpi", "KPI", lambda: ["View rate", "CTR"], multi=False),
]


def test_a_clean_link_has_no_notes():
    raw = {"dates": ["2026-03-01", "2026-03-31"], "platform": ["tiktok", "meta"], "kpi": "CTR"}
    assert share.audit(raw, PARAMS) == []


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"platform": ["myspace"]}, "platform “myspace”, which does not exist"),
        ({"campaign": ["undone campaign"]}, "campaign “undone campaign”"),
        ({"dates": ["2026-13-01"]}, "dates “2026-13-01” is not a date"),
        ({"dates": ["2026-01-01", "2026-01-02", "2026-01-03"]}, "3 dates"),
        ({"utm_source": "mail"}, "parameter “utm_source” is not used"),
        ({"kpi": ["CTR", "View rate"]}, "several values for KPI"),
    ],
)
def test_dropped_values_are_reported(raw, fragment):
    notes = share.audit(raw, PARAMS)
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
    ],
)
def test_hostile_values_are_dropped_and_shown_inert(hostile):
    for key in ("platform", "campaign", hostile):
        notes = share.audit({key: [hostile]}, PARAMS)
        assert len(notes) == 1
        note = notes[0]
        quoted = note.split("“")[1].split("”")[0]
        assert not set(quoted) & set("()<>`[]\x00\x1b")
        assert len(note) < 220
        for ch in "<>`[]\x00\x1b":
            assert ch not in note


def test_ignored_keys_are_not_reported():
    assert share.audit({"embed": "true"}, PARAMS, ignore={"embed"}) == []
