"""Filter state -> SQL WHERE fragment, bound parameters and a human sentence, together.

Each list filter is declared once in FILTERS: the sidebar's filter bar draws one
multiselect per entry, bound to its URL parameter (which vmdash.links registers for
shared links). Only its registry column name enters SQL text, every value is a bound
parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from vmdash import model
from vmdash.sql import ident


@dataclass(frozen=True)
class ListFilter:
    """A filter that keeps rows whose column is one of the chosen values."""

    key: str  # FilterState field
    param: str  # URL parameter, and the key of the filter bar's widget
    column: str  # canonical column
    label: str  # the words for it in sentences and link notes; capitalised, the widget's label
    allowed: tuple[str, ...] | None = (
        None  # the vocabulary, in the order the filter lists it; None: as the data has them
    )
    sql: str = ""  # the SQL expression compared, when it is not the plain column
    help: str = ""  # the widget's tooltip
    name: Callable[[str], str] = str  # how a value reads to people ("google_ads" -> "Google Ads")

    @property
    def expr(self) -> str:
        """The SQL expression the chosen values are compared with."""
        return self.sql or ident(self.column)


# Ad platforms (Meta, TikTok) export no video id: the ad name is the creative, so it stands in.
VIDEO_KEY_SQL = 'coalesce("video_id", "ad")'


FILTERS: tuple[ListFilter, ...] = (
    ListFilter("channels", "channel", "channel", "channel", model.CHANNELS),
    ListFilter("platforms", "platform", "platform", "platform", model.PLATFORMS, name=model.platform_label),
    ListFilter("objectives", "objective", "objective", "objective", model.OBJECTIVES),
    ListFilter("campaigns", "campaign", "campaign", "campaign"),
    ListFilter(
        "videos",
        "video",
        "video_id",
        "video",
        sql=VIDEO_KEY_SQL,
        help="A video, or an ad where the platform exports no video id (Meta, TikTok).",
    ),
)


@dataclass(frozen=True)
class FilterState:
    """What the user chose; empty tuples mean 'all'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channels: tuple[str, ...] = field(default=())
    platforms: tuple[str, ...] = field(default=())
    objectives: tuple[str, ...] = field(default=())
    campaigns: tuple[str, ...] = field(default=())
    videos: tuple[str, ...] = field(default=())

    def where(self, prefix: str = "f_") -> tuple[str, dict[str, object]]:
        """The WHERE fragment (without 'WHERE'; 'TRUE' when empty) and its parameters."""
        clauses: list[str] = []
        params: dict[str, object] = {}
        # A row covers [date, date_end]; keep it when that span meets the chosen range.
        if self.date_from is not None:
            clauses.append(f'coalesce("date_end", "date") >= ${prefix}date_from')
            params[f"{prefix}date_from"] = self.date_from
        if self.date_to is not None:
            clauses.append(f'"date" <= ${prefix}date_to')
            params[f"{prefix}date_to"] = self.date_to
        for flt in FILTERS:
            values = getattr(self, flt.key)
            if values:
                name = f"{prefix}{flt.key}"
                clauses.append(f"list_contains(${name}, {flt.expr})")
                params[name] = list(values)
        return (" AND ".join(clauses) or "TRUE"), params

    def sentence(self, names: dict[str, str] | None = None) -> str:
        """The filters in words, for captions and exports; `names` reads chosen videos as people know them (their labels)."""
        parts = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the start"
            end = self.date_to.isoformat() if self.date_to else "the latest data"
            parts.append(f"{start} to {end}")
        for flt in FILTERS:
            values = getattr(self, flt.key)
            if values:
                values = tuple((names or {}).get(v) or flt.name(v) for v in values)
                shown = ", ".join(values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3 else "")
                parts.append(f"{flt.label} {shown}")
        return "All data" if not parts else "Showing " + "; ".join(parts)

    @property
    def has_dates(self) -> bool:
        """True when a date range narrows the rows (undated lifetime rows are then left out)."""
        return self.date_from is not None or self.date_to is not None

    def narrowed(self, **changes: Any) -> FilterState:
        """The same filters with some fields set."""
        return replace(self, **changes)

    def without(self, *keys: str) -> FilterState:
        """The same filters with some cleared (e.g. the video choice for a video list)."""
        empty: dict[str, Any] = {f.name: (None if f.name.startswith("date") else ()) for f in fields(self)}
        return replace(self, **{k: empty[k] for k in keys})
