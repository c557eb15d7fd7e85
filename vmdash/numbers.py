"""Numbers read back from DuckDB and pandas: one way to turn a missing value into None.

A sum over no reporting rows comes back as NULL, which pandas holds as NaN (or pd.NA);
everything shown to people or passed to the statistics takes None for it instead.
"""

from __future__ import annotations

from typing import SupportsFloat

import pandas as pd


def float_or_none(value: SupportsFloat | None) -> float | None:
    """`value` as a float; None, NaN, pd.NA and NaT read None (infinities stay: they say a sum overflowed)."""
    return None if value is None or pd.isna(value) else float(value)
