"""Dimensions read from name tokens: format and length, and the order groups of a split are shown in.

Format comes from aspect-ratio tokens in ad and video names; length from the export's duration,
else a length token ("Bumper 6s"). Completion and Funnel group by these (`_split_sql`, `_in_order`).
"""

from __future__ import annotations

import pandas as pd

from vmdash import model
from vmdash.errors import InvalidChoice
from vmdash.sql import ident

# -- derived dimensions: format and length ------------------------------------------------

# Aspect-ratio tokens teams put in ad and video names ("UGC_9x16_15s"); the first match wins.
# YouTube Shorts and Reels are vertical by definition.
FORMAT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("vertical", r"(^|[^0-9])(9x16|9:16|4x5|4:5|2x3)([^0-9]|$)|(^|[^a-z])(shorts?|reels?)([^a-z]|$)"),
    ("square", r"(^|[^0-9])(1x1|1:1)([^0-9]|$)"),
    ("horizontal", r"(^|[^0-9])(16x9|16:9)([^0-9]|$)"),
)
FORMATS: tuple[str, ...] = (*(name for name, _ in FORMAT_PATTERNS), "unknown")
# A length token in an ad name ("Bumper 6s", "Demo_Serum_1x1_30s") when the export gives no duration.
DURATION_TOKEN = r"(^|[^0-9a-z])([0-9]{1,4})s([^0-9a-z]|$)"
LENGTH_LABELS: tuple[str, ...] = (*(label for _, label in model.LENGTH_BUCKETS), "unknown")

_NAMES_SQL = """lower(concat_ws(' ', "ad", "video_title", "ad_set", "campaign"))"""


def duration_sql(params: dict[str, object]) -> str:
    """The video's length in seconds: the export's, else a length token in its names (binds its pattern)."""
    params["dur_re"] = DURATION_TOKEN
    return f"""coalesce("video_duration_s", TRY_CAST(nullif(regexp_extract({_NAMES_SQL}, $dur_re, 2), '') AS DOUBLE))"""


def format_sql(params: dict[str, object]) -> str:
    """The video's format (vertical / square / horizontal / unknown) from tokens in its names."""
    whens = []
    for i, (name, pattern) in enumerate(FORMAT_PATTERNS):
        params[f"fmt_re{i}"] = pattern
        params[f"fmt_name{i}"] = name
        whens.append(f"WHEN regexp_matches({_NAMES_SQL}, $fmt_re{i}) THEN $fmt_name{i}")
    return f"(CASE {' '.join(whens)} ELSE 'unknown' END)"


def length_bucket_sql(duration: str, params: dict[str, object]) -> str:
    """The length bucket (model.LENGTH_BUCKETS) of a duration expression, 'unknown' when NULL."""
    whens = [f"WHEN ({duration}) IS NULL THEN 'unknown'"]
    for i, (upper, label) in enumerate(model.LENGTH_BUCKETS):
        params[f"len_label{i}"] = label
        if upper == float("inf"):
            whens.append(f"ELSE $len_label{i}")
        else:
            params[f"len_upper{i}"] = float(upper)
            whens.append(f"WHEN ({duration}) <= $len_upper{i} THEN $len_label{i}")
    return f"(CASE {' '.join(whens)} END)"


COMPLETION_SPLITS: tuple[str, ...] = ("channel", "platform", "format", "length")
_SPLIT_ORDER = {
    "channel": model.CHANNELS,
    "platform": model.PLATFORMS,
    "objective": model.OBJECTIVES,
    "format": FORMATS,
    "length": LENGTH_LABELS,
}


def _split_sql(by: str, params: dict[str, object]) -> str:
    if by in ("channel", "platform", "objective"):
        return ident(by)
    if by == "format":
        return format_sql(params)
    if by == "length":
        return length_bucket_sql(duration_sql(params), params)
    raise InvalidChoice("split", by, (*COMPLETION_SPLITS, "objective"))


def _in_order(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    order = {v: i for i, v in enumerate(_SPLIT_ORDER[by])}
    return frame.sort_values("group", key=lambda s: s.map(lambda v: order.get(v, len(order)))).reset_index(drop=True)


# What a video's name-derived dimensions (length token, format token) are read from.
NAME_KEYS: tuple[tuple[str, str], ...] = tuple(
    (ident(c), c) for c in ("platform", "ad", "video_title", "ad_set", "campaign", "video_duration_s")
)
