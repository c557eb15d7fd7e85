"""Date presets and comparison periods against hand-computed dates for fixed days."""

from __future__ import annotations

import datetime as dt

import pytest

from vmdash import links, periods, share
from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState

D = dt.date

# (preset, today, first day, last day): "last N days" end yesterday; this-month and
# this-quarter run to today; last-month and last-12-months are whole calendar months.
PRESETS = [
    ("last-7-days", D(2026, 3, 29), D(2026, 3, 22), D(2026, 3, 28)),
    ("last-28-days", D(2026, 3, 29), D(2026, 3, 1), D(2026, 3, 28)),
    ("last-90-days", D(2026, 3, 29), D(2025, 12, 29), D(2026, 3, 28)),
    # Crossing a year, and a leap day inside the range.
    ("last-7-days", D(2026, 1, 3), D(2025, 12, 27), D(2026, 1, 2)),
    ("last-28-days", D(2024, 3, 10), D(2024, 2, 11), D(2024, 3, 9)),
    ("last-90-days", D(2024, 3, 1), D(2023, 12, 2), D(2024, 2, 29)),
    ("this-month", D(2026, 3, 29), D(2026, 3, 1), D(2026, 3, 29)),
    ("this-month", D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1)),
    ("last-month", D(2026, 3, 29), D(2026, 2, 1), D(2026, 2, 28)),
    ("last-month", D(2024, 3, 15), D(2024, 2, 1), D(2024, 2, 29)),
    ("last-month", D(2026, 1, 10), D(2025, 12, 1), D(2025, 12, 31)),
    ("this-quarter", D(2026, 3, 29), D(2026, 1, 1), D(2026, 3, 29)),
    ("this-quarter", D(2026, 4, 1), D(2026, 4, 1), D(2026, 4, 1)),
    ("this-quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
    ("this-quarter", D(2026, 8, 15), D(2026, 7, 1), D(2026, 8, 15)),
    ("last-12-months", D(2026, 3, 29), D(2025, 3, 1), D(2026, 2, 28)),
    ("last-12-months", D(2026, 1, 1), D(2025, 1, 1), D(2025, 12, 31)),
    ("last-12-months", D(2024, 3, 5), D(2023, 3, 1), D(2024, 2, 29)),
]


@pytest.mark.parametrize(("period", "today", "first", "last"), PRESETS)
def test_each_preset_covers_the_hand_computed_days(period, today, first, last):
    assert periods.resolve(period, today) == (first, last)


def test_every_preset_word_is_tested_and_all_time_and_custom_have_no_range():
    assert {p for p, *_ in PRESETS} | {"all-time", "custom"} == set(periods.PERIODS)
    assert periods.resolve("all-time", D(2026, 3, 29)) is None
    assert periods.resolve("custom", D(2026, 3, 29)) is None


def test_an_unknown_preset_is_refused_with_the_words_allowed():
    with pytest.raises(InvalidChoice, match="last-28-days"):
        periods.resolve("last-28-day", D(2026, 3, 29))


# (first, last, compare, compared first, compared last)
COMPARISONS = [
    # Days: the same number of days just before.
    (D(2026, 3, 16), D(2026, 3, 31), "previous-period", D(2026, 2, 28), D(2026, 3, 15)),
    (D(2026, 1, 1), D(2026, 1, 7), "previous-period", D(2025, 12, 25), D(2025, 12, 31)),
    (D(2024, 3, 1), D(2024, 3, 28), "previous-period", D(2024, 2, 2), D(2024, 2, 29)),
    # Whole months: the same number of months before, whatever their lengths.
    (D(2026, 3, 1), D(2026, 3, 31), "previous-period", D(2026, 2, 1), D(2026, 2, 28)),
    (D(2024, 3, 1), D(2024, 3, 31), "previous-period", D(2024, 2, 1), D(2024, 2, 29)),
    (D(2026, 1, 1), D(2026, 3, 31), "previous-period", D(2025, 10, 1), D(2025, 12, 31)),
    (D(2025, 3, 1), D(2026, 2, 28), "previous-period", D(2024, 3, 1), D(2025, 2, 28)),
    # A year earlier: a leap day has no twin, a month's last day stays its last.
    (D(2026, 3, 1), D(2026, 3, 28), "same-period-last-year", D(2025, 3, 1), D(2025, 3, 28)),
    (D(2024, 2, 1), D(2024, 2, 29), "same-period-last-year", D(2023, 2, 1), D(2023, 2, 28)),
    (D(2025, 2, 1), D(2025, 2, 28), "same-period-last-year", D(2024, 2, 1), D(2024, 2, 29)),
    (D(2024, 2, 29), D(2024, 3, 6), "same-period-last-year", D(2023, 2, 28), D(2023, 3, 6)),
]


@pytest.mark.parametrize(("first", "last", "compare", "before_first", "before_last"), COMPARISONS)
def test_each_comparison_period_is_the_hand_computed_one(first, last, compare, before_first, before_last):
    assert periods.comparison(first, last, compare) == (before_first, before_last)


def test_compared_keeps_the_other_filters_and_needs_a_date_range():
    chosen = FilterState(date_from=D(2026, 3, 1), date_to=D(2026, 3, 28), platforms=("youtube",))
    before = periods.compared(chosen, "previous-period")
    assert before == FilterState(date_from=D(2026, 2, 1), date_to=D(2026, 2, 28), platforms=("youtube",))
    assert periods.compared(FilterState(platforms=("youtube",))) is None
    with pytest.raises(InvalidChoice, match="previous-period"):
        periods.compared(chosen, "last-year")


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (D(2026, 2, 1), D(2026, 2, 28), "1–28 Feb 2026"),
        (D(2026, 1, 30), D(2026, 2, 5), "30 Jan – 5 Feb 2026"),
        (D(2025, 12, 1), D(2026, 1, 31), "1 Dec 2025 – 31 Jan 2026"),
        (D(2026, 3, 30), D(2026, 3, 30), "30 Mar 2026"),
    ],
)
def test_a_range_reads_as_people_write_it(first, last, words):
    assert periods.span_label(first, last) == words


def test_the_chip_names_the_period_it_compares_with():
    march = FilterState(date_from=D(2026, 3, 1), date_to=D(2026, 3, 28))
    assert periods.versus(march, "previous-period") == "vs 1–28 Feb 2026"
    assert periods.versus(march, "same-period-last-year") == "vs 1–28 Mar 2025"
    assert periods.versus(FilterState()) is None


def test_today_can_be_fixed_and_a_bad_fixed_day_is_refused(monkeypatch):
    monkeypatch.setenv(periods.TODAY_ENV, "2026-03-29")
    assert periods.today() == D(2026, 3, 29)
    monkeypatch.setenv(periods.TODAY_ENV, "29/03/2026")
    with pytest.raises(InvalidChoice, match="29/03/2026"):
        periods.today()
    monkeypatch.delenv(periods.TODAY_ENV)
    assert periods.today() == dt.date.today()


def test_a_link_with_an_unknown_period_gets_one_note_naming_the_presets():
    notes = share.dropped({"period": "last-year"}, {"period": "custom"})
    assert len(notes) == 1
    assert "“last-year” is not a preset" in notes[0] and "last-28-days" in notes[0]
    assert share.dropped({"period": "last-28-days"}, {"period": "last-28-days"}) == []
    assert links.BY_KEY["period"] is links.PERIOD and links.BY_KEY["compare"] is links.COMPARE
