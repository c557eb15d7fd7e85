"""Saved views: relative links only, clean names, analysts only, kept across migrations."""

from __future__ import annotations

import pytest

from tests.support import store_checks
from vmdash import saved_views as views
from vmdash.errors import InvalidValue, NotFound, PermissionDenied
from vmdash.roles import ANALYST, VIEWER


def test_link_for_repeats_keys_for_several_values():
    link = views.link_for(
        "retention", {"platform": ["tiktok", "meta"], "unit": "seconds", "curves": ["Spot · youtube"]}
    )
    assert link == "retention?platform=tiktok&platform=meta&unit=seconds&curves=Spot+%C2%B7+youtube"
    assert views.link_for("", {}) == ""


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "https://evil.example/?a=1", "//evil.example", "/etc/passwd", "data?x=<script>", "a b"],
)
def test_only_relative_app_links_are_accepted(link):
    with pytest.raises(InvalidValue):
        views.check_link(link)


@pytest.mark.parametrize("name", ["", "   ", "\x00\x1b", "x" * 81])
def test_names_must_be_printable_and_short(name):
    with pytest.raises(InvalidValue):
        views.clean_name(name)


def test_views_are_saved_replaced_listed_and_deleted_by_analysts(store):
    views.save_view(store, ANALYST, "  Q1   TikTok ", "?platform=tiktok")
    views.save_view(store, ANALYST, "Q1 TikTok", "completion?platform=tiktok&by=length")
    assert [(v.name, v.link) for v in views.saved_views(store)] == [
        ("Q1 TikTok", "completion?platform=tiktok&by=length")
    ]
    with pytest.raises(PermissionDenied):
        views.delete_view(store, VIEWER, "Q1 TikTok")
    views.delete_view(store, ANALYST, "Q1 TikTok")
    assert views.saved_views(store) == []
    with pytest.raises(NotFound):
        views.delete_view(store, ANALYST, "Q1 TikTok")


def test_a_viewer_cannot_save(store):
    before = store_checks.fingerprint(store)
    with pytest.raises(PermissionDenied):
        views.save_view(store, VIEWER, "mine", "?platform=meta")
    assert store_checks.fingerprint(store) == before
