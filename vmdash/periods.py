"""Date presets and comparison periods: the words a link carries and the dates they mean today.

A shared link says `?period=last-28-days`, never two dates, so it still shows "the last 28
days" when opened tomorrow: the dates are resolved from today each time a page runs
(`resolve(period, today)`, pure, so tests fix today). `compare=` names the period each change
chip compares against (`comparison(date_from, date_to, compare)`); one definition serves the
cards, the headline volumes and the benchmark's reference.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

from vmdash.errors import InvalidChoice
from vmdash.filters import FilterState

# The preset words, in the order the filter bar offers them. "custom" reads the `dates`
# parameter; it is the default, so links from before presets existed keep their dates.
LAST_DAYS = {"last-7-days": 7, "last-28-days": 28, "last-90-days": 90}
PERIODS: tuple[str, ...] = (
    *LAST_DAYS,
    "this-month",
    "last-month",
    "this-quarter",
    "last-12-months",
    "all-time",
    "custom",
)
ALL_TIME = "all-time"
CUSTOM = "custom"
DEFAULT_PERIOD = CUSTOM

PREVIOUS_PERIOD = "previous-period"
SAME_PERIOD_LAST_YEAR = "same-period-last-year"
COMPARISONS: tuple[str, ...] = (PREVIOUS_PERIOD, SAME_PERIOD_LAST_YEAR)
DEFAULT_COMPARISON = PREVIOUS_PERIOD

PERIOD_HELP = (
    "“last-N-days” end yesterday (today's figures are still arriving); “this-month” and “this-quarter” "
    "run to today; “last-month” and “last-12-months” are whole calendar months; “custom” uses the dates below. "
    "A copied link keeps the word, so it shows the same period relative to the day it is opened."
)
COMPARE_HELP = (
    "What each change chip compares with: the period of equal length just before (whole months: the same "
    "number of months before), or the same dates one year earlier."
)

# A fixed "today" for demos of dated sample data and for tests; unset in production.
TODAY_ENV = "VMDASH_TODAY"


def today() -> dt.date:
    """The day presets count from: `$VMDASH_TODAY` (YYYY-MM-DD) when set, else the local date."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise InvalidChoice(TODAY_ENV, fixed, ("a date as YYYY-MM-DD",)) from None
    return dt.date.today()


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def resolve(period: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day a preset covers on `today`; None for "all-time" and "custom" (no preset range)."""
    if period not in PERIODS:
        raise InvalidChoice("period", period, PERIODS)
    yesterday = today - dt.timedelta(days=1)
    if period in LAST_DAYS:
        return yesterday - dt.timedelta(days=LAST_DAYS[period] - 1), yesterday
    if period == "this-month":
        return today.replace(day=1), today
    if period == "last-month":
        first = _months_before(today, 1)
        return first, month_end(first)
    if period == "this-quarter":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if period == "last-12-months":
        return _months_before(today, 12), today.replace(day=1) - dt.timedelta(days=1)
    return None


def _whole_months(start: dt.date, end: dt.date) -> int:
    """How many calendar months [start, end] spans when it is whole months, else 0."""
    if start.day != 1 or end != month_end(end) or end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _year_before(day: dt.date) -> dt.date:
    # 29 February has no twin the year before: the 28th stands in.
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def comparison(start: dt.date, end: dt.date, compare: str) -> tuple[dt.date, dt.date]:
    """The period [start, end] is compared against.

    "previous-period": the same number of whole months before when [start, end] is whole
    months (March against February), else the same number of days just before.
    "same-period-last-year": the same dates a year earlier (a month's last day stays its last).
    """
    if compare not in COMPARISONS:
        raise InvalidChoice("comparison", compare, COMPARISONS)
    months = _whole_months(start, end)
    if compare == SAME_PERIOD_LAST_YEAR:
        first, last = _year_before(start), _year_before(end)
        return first, (month_end(last) if end == month_end(end) else last)
    if months:
        first = _months_before(start, months)
        return first, month_end(_months_before(end, months))
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), end - dt.timedelta(days=length)


def compared(filters: FilterState, compare: str = DEFAULT_COMPARISON) -> FilterState | None:
    """The same filters over the comparison period; None when no date range is chosen (nothing to compare)."""
    if filters.date_from is None or filters.date_to is None:
        return None
    first, last = comparison(filters.date_from, filters.date_to, compare)
    return replace(filters, date_from=first, date_to=last)


def phrase(period: str) -> str:
    """A period word inside a sentence: "the last 28 days", "last month", "the chosen dates"."""
    if period == CUSTOM:
        return "the chosen dates"
    words = period.replace("-", " ")
    return f"the {words}" if any(ch.isdigit() for ch in words) else words


def span_label(start: dt.date, end: dt.date) -> str:
    """A date range as people write it: "1–28 Feb 2026", "30 Jan – 5 Feb 2026", "1 Dec 2025 – 31 Jan 2026"."""
    if start == end:
        return f"{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def versus(filters: FilterState, compare: str = DEFAULT_COMPARISON) -> str | None:
    """What a change chip says it compares with ("vs 1–28 Feb 2026"); None when there is no comparison."""
    before = compared(filters, compare)
    if before is None or before.date_from is None or before.date_to is None:
        return None
    return f"vs {span_label(before.date_from, before.date_to)}"
