"""Test & learn tables for people: lifecycle and benchmark frames with every value formatted."""

from __future__ import annotations

import pandas as pd

from vmdash import metrics, model
from vmdash.numbers import float_or_none
from vmdash.testlearn.choices import MIN_PEERS, WINDOWS


def lifecycle_table(frame: pd.DataFrame, measure: str, currency: str | None = None) -> pd.DataFrame:
    """One row per video (and its key, for a link to its page): its value over the first 1 / 7 / 28 days in
    words (partial windows said so) and indexes."""
    columns = ["key", "video", "platform", "published_at"]
    for w in WINDOWS:
        columns += [f"first_{w}", f"index_{w}"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    fmt = "number" if measure in model.MEASURE_NAMES else metrics.get(measure).fmt
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for rec in frame.itertuples():
        row = rows.setdefault(
            (rec.key, rec.platform),
            {
                "key": rec.key,
                "video": rec.title,
                "platform": model.platform_label(rec.platform),
                "published_at": pd.Timestamp(rec.published_at).date(),
            },
        )
        text = metrics.format_value(float_or_none(rec.value), fmt, currency)
        if not rec.complete:
            text += f" (days {int(rec.first_day) + 1}–{int(rec.last_day) + 1} only)"
        row[f"first_{rec.window_days}"] = text
        index = float_or_none(rec.index)
        row[f"index_{rec.window_days}"] = f"{index:.0f}" if index is not None else "–"
    out = pd.DataFrame(list(rows.values())).reindex(columns=columns)
    for w in WINDOWS:
        out[f"first_{w}"] = out[f"first_{w}"].astype(object).fillna("no data")
        out[f"index_{w}"] = out[f"index_{w}"].astype(object).fillna("–")
    return out


def benchmark_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The benchmark frame for people: KPI values formatted with their own format, index rounded."""
    if frame.empty:
        return pd.DataFrame(columns=["video", "platform", "objective", "length_bucket", "kpi", "value", "median"])
    out = pd.DataFrame(
        {
            "video": frame["title"],
            "platform": [model.platform_label(p) for p in frame["platform"]],
            "objective": frame["objective"],
            "length_bucket": frame["length_bucket"],
            "kpi": [metrics.get(k).label for k in frame["kpi"]],
            "value": [
                metrics.get(k).format(float_or_none(v)) for k, v in zip(frame["kpi"], frame["value"], strict=True)
            ],
            "median": [
                metrics.get(k).format(float_or_none(v)) if n >= MIN_PEERS else "too few peers"
                for k, v, n in zip(frame["kpi"], frame["median"], frame["peers"], strict=True)
            ],
            "peers": frame["peers"].astype(int),
            "index": frame["index"],
            "volume": frame["volume"],
        }
    )
    return out
