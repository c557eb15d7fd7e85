"""The loop log: decisions along test -> learn -> amplify -> optimise, kept in DuckDB.

An entry says what was decided (a stage), when, why (a note) and about which videos or
campaigns. Items keep the label they had when written, so an entry whose video was later
undone is shown as orphaned, never lost. Each entry is judged by its objective's KPI over
the WINDOW_DAYS before and from its date.
"""

# No `from __future__ import annotations`: that import binds the name `annotations`, which is
# this module's `annotations()` (loop-log marks for charts); every annotation here evaluates on 3.11.

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vmdash import cache, metrics, model, queries, roles, stats
from vmdash.errors import NotFound, OutOfRange, TooLong, UnknownChoice, WrongKind, given_text
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.numbers import float_or_none
from vmdash.sql import ident
from vmdash.store import Store

STAGES: dict[str, str] = {
    "test_started": "Test started",
    "learning": "Learning",
    "amplified": "Amplified",
    "optimised": "Optimised",
}
WINDOW_DAYS = 14
MAX_NOTE = 500
MAX_ITEMS = 50
# What an item's key is compared with in the facts.
_ITEM_SQL = {"video": VIDEO_KEY_SQL, "campaign": '"campaign"'}


@dataclass(frozen=True)
class Entry:
    """One logged decision as written."""

    entry_id: int
    stage: str
    happened_on: dt.date
    note: str
    objective: str


def stage_key(label_or_key: str) -> str:
    """The stored stage for a label ("Test started") or a key ("test_started")."""
    for key, label in STAGES.items():
        if label_or_key in (key, label):
            return key
    raise UnknownChoice("stage", label_or_key, tuple(STAGES.values()))


def clean_note(note: str) -> str:
    """A note as stored: printable, single-spaced, at most MAX_NOTE characters."""
    text = " ".join("".join(ch for ch in str(note) if ch.isprintable()).split())
    if len(text) > MAX_NOTE:
        raise TooLong("note", len(text), MAX_NOTE)
    return text


def _labels(store: Store, kind: str, keys: Sequence[str]) -> dict[str, str]:
    """Labels of the items that exist in the data: a video as the Video filter names it (queries.video_label),
    a campaign with its platforms."""
    if not keys:
        return {}
    expr = _ITEM_SQL[kind]
    if kind != "video":
        rows = store.rows(
            f"""SELECT {expr} AS key, {expr} || ' · ' || string_agg(DISTINCT "platform", ', ' ORDER BY "platform")
                FROM active_facts WHERE list_contains($keys, {expr}) GROUP BY 1""",
            {"keys": list(keys)},
        )
        return dict(rows)
    rows = store.rows(
        f"""SELECT {expr} AS key, coalesce(any_value("video_title"), {expr}),
                   list_sort(list_distinct(list("platform"))), min("published_at")
            FROM active_facts WHERE list_contains($keys, {expr}) GROUP BY 1""",
        {"keys": list(keys)},
    )
    return {key: queries.video_label(title, platforms, published) for key, title, platforms, published in rows}


def _main_objective(store: Store, videos: Sequence[str], campaigns: Sequence[str]) -> str:
    """The objective most of these items' impressions served (assigned objectives first)."""
    row = store.rows(
        f"""SELECT "objective" FROM active_facts
            WHERE list_contains($videos, {VIDEO_KEY_SQL}) OR list_contains($campaigns, "campaign")
            GROUP BY 1 ORDER BY "objective" = 'unassigned', sum(coalesce("impressions", 0)) DESC, count(*) DESC
            LIMIT 1""",
        {"videos": list(videos), "campaigns": list(campaigns)},
    )
    return row[0][0] if row else "unassigned"


def record(
    store: Store,
    role: str,
    stage: str,
    happened_on: dt.date,
    note: str,
    videos: Sequence[str] = (),
    campaigns: Sequence[str] = (),
    objective: str | None = None,
    created_by: str | None = None,
    plan_id: str | None = None,
) -> Entry:
    """Write one decision about some videos (keys) and / or campaigns; analysts only.

    `plan_id` names the plan whose scorecard the decision acted on (an amplify or optimise
    decision, typically); its scorecard then shows the KPI before and after (`plan_before_after`).
    """
    roles.require_analyst(role, "write the loop log")
    key = stage_key(stage)
    text = clean_note(note)
    videos, campaigns = list(dict.fromkeys(videos)), list(dict.fromkeys(campaigns))
    if not 1 <= len(videos) + len(campaigns) <= MAX_ITEMS:
        raise OutOfRange("number of videos and campaigns", len(videos) + len(campaigns), 1, MAX_ITEMS)
    if not isinstance(happened_on, dt.date):
        raise WrongKind("date", happened_on, "a date")
    items = []
    for kind, keys in (("video", videos), ("campaign", campaigns)):
        labels = _labels(store, kind, keys)
        missing = [k for k in keys if k not in labels]
        if missing:
            raise NotFound(f"there is no {kind} {given_text(missing[0])} in the data")
        items += [(kind, k, labels[k]) for k in keys]
    if objective is None:
        objective = _main_objective(store, videos, campaigns)
    if objective not in model.OBJECTIVES:
        raise UnknownChoice("objective", objective, model.OBJECTIVES)
    if plan_id is not None and not store.scalar("SELECT count(*) FROM plans WHERE plan_id = $p", {"p": plan_id}):
        raise NotFound(f"there is no plan {given_text(plan_id)}")
    with store.transaction() as tx:
        entry_id = tx.execute("SELECT nextval('loop_log_seq')").fetchone()[0]
        tx.execute(
            "INSERT INTO loop_log (entry_id, stage, happened_on, note, objective, created_at, created_by, plan_id) "
            "VALUES ($id, $stage, $on, $note, $objective, now()::TIMESTAMP, $by, $plan)",
            {
                "id": entry_id,
                "stage": key,
                "on": happened_on,
                "note": text,
                "objective": objective,
                "by": created_by,
                "plan": plan_id,
            },
        )
        for kind, item_key, label in items:
            tx.execute(
                "INSERT INTO loop_log_items VALUES ($id, $kind, $key, $label)",
                {"id": entry_id, "kind": kind, "key": item_key, "label": label},
            )
    return Entry(int(entry_id), key, happened_on, text, objective)


def delete(store: Store, role: str, entry_id: int) -> None:
    """Remove an entry written by mistake; analysts only."""
    roles.require_analyst(role, "edit the loop log")
    with store.transaction() as tx:
        gone = tx.execute("DELETE FROM loop_log WHERE entry_id = $id", {"id": int(entry_id)}).fetchone()[0]
        tx.execute("DELETE FROM loop_log_items WHERE entry_id = $id", {"id": int(entry_id)})
    if not gone:
        raise NotFound(f"there is no loop-log entry #{entry_id}")


def _present_sql() -> str:
    # The rollup's all-time rows hold every active fact's names, in a hundredth of the rows.
    checks = " ".join(
        f"WHEN '{kind}' THEN EXISTS (SELECT 1 FROM facts_summed WHERE _grain = 'all' AND {expr} = i.key)"
        for kind, expr in _ITEM_SQL.items()
    )
    return f"CASE i.kind {checks} ELSE FALSE END"


@cache.cached
def entries(store: Store) -> pd.DataFrame:
    """Every entry, newest first, with its items in words and whether they still exist in the data.

    `status` is 'active' when every item is in the data, 'partly orphaned' when some are not
    (their import was undone), 'orphaned' when none is.
    """
    frame = store.df(
        f"""WITH items AS (SELECT i.*, {_present_sql()} AS present FROM loop_log_items AS i)
            SELECT l.entry_id, l.stage, l.happened_on, l.note, l.objective, l.created_at, l.created_by, l.plan_id,
                   string_agg(items.label, '; ' ORDER BY items.kind DESC, items.label) AS subjects,
                   string_agg(items.label, '; ' ORDER BY items.label) FILTER (WHERE NOT items.present) AS missing,
                   list(items.key ORDER BY items.key) FILTER (WHERE items.kind = 'video') AS videos,
                   list(items.key ORDER BY items.key) FILTER (WHERE items.kind = 'campaign') AS campaigns,
                   count(items.key) AS items, count(items.key) FILTER (WHERE items.present) AS present
            FROM loop_log AS l LEFT JOIN items USING (entry_id)
            GROUP BY ALL ORDER BY l.happened_on DESC, l.entry_id DESC"""
    )
    frame["stage_label"] = frame["stage"].map(STAGES)
    frame["status"] = [
        "active" if p == n else ("orphaned" if p == 0 else "partly orphaned")
        for p, n in zip(frame["present"], frame["items"], strict=True)
    ]
    return frame


def _candidate_kpis() -> tuple[str, ...]:
    return tuple(dict.fromkeys(metrics.PRIMARY.values()))


# What before_after adds to each entry.
_JUDGED = ("entry_id", "kpi", "kpi_label", "before", "after", "change", "better", "clear")


@cache.cached
def before_after(store: Store, window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """Each entry with its objective's KPI over the `window_days` before its date and from its date.

    Only rows that lie wholly inside a window count (a month-long row belongs to neither side).
    `change` is relative (after / before - 1); `better` reads it the KPI's way round (a lower
    CPA is better); `clear` says whether the change is beyond chance, for rates and costs.
    """
    log = entries(store)
    if log.empty:
        return log.merge(pd.DataFrame(columns=list(_JUDGED)), on="entry_id", how="left")
    kpis = [metrics.get(n) for n in _candidate_kpis()]
    parts = []
    for m in kpis:
        num, den = m.numerator_sql(), " * ".join(ident(c) for c in m.denominator)
        parts.append(
            f'{m.sql()} AS "{m.name}", sum({num}) FILTER (WHERE {m.reported_sql()}) AS "{m.name}__num", '
            f'sum({den}) FILTER (WHERE {m.reported_sql()}) AS "{m.name}__den"'
        )
    # The facts any entry names, in one scan: the entries' keys are bound as lists, which
    # DuckDB tests as it reads (half the time of a join per kind, each scanning the facts; a
    # list read by a subquery is tested row by row and is slower still). Only the days some
    # window can hold are read: DuckDB skips the stored blocks of the rest. (`entries` lists
    # each entry's keys of a kind in the column named for it: videos, campaigns.)
    named = {f"named_{kind}": sorted({k for keys in log[f"{kind}s"].dropna() for k in keys}) for kind in _ITEM_SQL}
    named_sql = " OR ".join(f"list_contains($named_{kind}::VARCHAR[], {expr})" for kind, expr in _ITEM_SQL.items())
    # Each entry's facts: one join on equal keys per kind of item, not one join on an OR (a
    # nested loop). A fact an entry names twice (its video and its campaign) counts once: a
    # later kind's join leaves out the facts an earlier kind of the same entry holds (cheaper
    # than a DISTINCT over whole rows).
    kinds = list(_ITEM_SQL.items())
    joins = []
    for i, (kind, expr) in enumerate(kinds):
        held = [
            f"""NOT EXISTS (SELECT 1 FROM items AS held WHERE held.entry_id = items.entry_id
                   AND held.kind = '{earlier}' AND held.key = {earlier_expr})"""
            for earlier, earlier_expr in kinds[:i]
        ]
        joins.append(
            f"""SELECT items.entry_id, items.happened_on, f.*
                FROM items JOIN named_facts AS f ON items.kind = '{kind}' AND {expr} = items.key"""
            + (f" WHERE {' AND '.join(held)}" if held else "")
        )
    days = dt.timedelta(days=int(window_days))
    span = {"from_day": log["happened_on"].min().date() - days, "to_day": log["happened_on"].max().date() + days}
    windows = store.df(
        f"""WITH items AS (
                SELECT l.entry_id, l.happened_on, i.kind, i.key FROM loop_log AS l JOIN loop_log_items AS i USING (entry_id)
            ), named_facts AS (
                SELECT * FROM active_facts
                WHERE "date" >= $from_day AND "date" < $to_day AND ({named_sql})
            ), scope AS ({" UNION ALL ".join(joins)}), sided AS (
                SELECT *, CASE
                    WHEN "date" >= happened_on - $days::INTEGER AND coalesce("date_end", "date") < happened_on THEN 'before'
                    WHEN "date" >= happened_on AND coalesce("date_end", "date") < happened_on + $days::INTEGER THEN 'after'
                  END AS side
                FROM scope
            )
            SELECT entry_id, side, {", ".join(parts)} FROM sided WHERE side IS NOT NULL GROUP BY ALL""",
        {"days": int(window_days), **span, **named},
    )
    # Each entry's two windows looked up by key, not masked out of the frame per entry.
    found = {(r["entry_id"], r["side"]): r for r in windows.to_dict(orient="records")}
    rows = []
    for rec in log.itertuples():
        m = metrics.get(metrics.PRIMARY.get(rec.objective, "view_rate"))
        got = {s: found.get((rec.entry_id, s)) for s in ("before", "after")}
        before = _value(got["before"], m.name)
        after = _value(got["after"], m.name)
        change = (after / before - 1) if before not in (None, 0) and after is not None else None
        better = None if change is None or change == 0 else (change > 0) == m.higher_is_better
        rows.append(
            {
                "entry_id": rec.entry_id,
                "kpi": m.name,
                "kpi_label": m.label,
                "before": before,
                "after": after,
                "change": change,
                "better": better,
                "clear": _clear(m, got["before"], got["after"]),
            }
        )
    judged = pd.DataFrame(rows, columns=list(_JUDGED))
    return log.merge(judged, on="entry_id", how="left")


# What plan_before_after says of each decision.
PLAN_DECISION_COLUMNS = (
    "plan_id",
    "entry_id",
    "stage",
    "happened_on",
    "note",
    "kpi",
    "before",
    "after",
    "change",
    "better",
)


@cache.cached
def plan_before_after(store: Store, window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """Each decision that names a plan, with the plan's KPI on its video or campaign over the
    `window_days` before the decision's date and from it (equal windows; only rows wholly inside
    a window count), and whether the change is better the KPI's way round."""
    named = store.rows(
        "SELECT l.entry_id, l.stage, l.happened_on, l.note, p.plan_id, p.kind, p.key, p.kpi "
        "FROM loop_log AS l JOIN plans AS p USING (plan_id) ORDER BY l.happened_on DESC, l.entry_id DESC"
    )
    rows = []
    for entry_id, stage, happened_on, note, plan_id, kind, key, kpi in named:
        m = metrics.get(kpi)
        values = dict(
            store.rows(
                f"""SELECT side, {m.sql()} FROM (
                        SELECT *, CASE
                            WHEN "date" >= $on - $days::INTEGER AND coalesce("date_end", "date") < $on THEN 'before'
                            WHEN "date" >= $on AND coalesce("date_end", "date") < $on + $days::INTEGER THEN 'after'
                          END AS side
                        FROM active_facts WHERE {_ITEM_SQL[kind]} = $key
                          -- The days the two windows can hold: DuckDB skips the stored blocks of the rest.
                          AND "date" >= $on - $days::INTEGER AND "date" < $on + $days::INTEGER
                    ) WHERE side IS NOT NULL GROUP BY side""",
                {"on": happened_on, "days": int(window_days), "key": key},
            )
        )
        before, after = float_or_none(values.get("before")), float_or_none(values.get("after"))
        change = (after / before - 1) if before not in (None, 0) and after is not None else None
        better = None if change is None or change == 0 else (change > 0) == m.higher_is_better
        rows.append([plan_id, entry_id, STAGES[stage], happened_on, note, kpi, before, after, change, better])
    return pd.DataFrame(rows, columns=list(PLAN_DECISION_COLUMNS))


def _value(row: Mapping[str, Any] | None, name: str) -> float | None:
    if row is None:
        return None
    return float_or_none(row[name])


def _clear(m: metrics.Metric, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool | None:
    """True when the change is beyond chance (rates: Newcombe interval; costs: Poisson ratio)."""
    if before is None or after is None:
        return None
    counts = [_value(r, f"{m.name}__{part}") for r in (before, after) for part in ("num", "den")]
    known = [c for c in counts if c is not None]
    if len(known) < len(counts):
        return None
    b_num, b_den, a_num, a_den = known
    if m.fmt == "pct" and len(m.denominator) == 1 and b_num <= b_den and a_num <= a_den:
        return stats.compare_rates(b_num, b_den, a_num, a_den).significant
    if m.fmt == "money":
        return stats.compare_costs(b_num, b_den, a_num, a_den, power=False).significant
    return None


@cache.cached
def annotations(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """Entries to mark on a trend: those dated within the filtered data's span, about the filtered videos.

    Columns: date, stage, label (short, for the chart), note, subjects, status.
    """
    log = entries(store)
    start, end = queries.date_span(store, filters)
    columns = ["date", "stage", "label", "note", "subjects", "status"]
    if log.empty or start is None or end is None:
        return pd.DataFrame(columns=columns)
    on = pd.to_datetime(log["happened_on"]).dt.date
    keep = (on >= start) & (on <= end)
    if filters.videos or filters.campaigns:
        about = [
            bool(_keys(v) & set(filters.videos)) or bool(_keys(c) & set(filters.campaigns))
            for v, c in zip(log["videos"], log["campaigns"], strict=True)
        ]
        keep &= pd.Series(about, index=log.index)
    shown = log[keep]
    return pd.DataFrame(
        {
            "date": pd.to_datetime(shown["happened_on"]),
            "stage": shown["stage_label"],
            "label": [f"#{i} {s}" for i, s in zip(shown["entry_id"], shown["stage_label"], strict=True)],
            "note": shown["note"],
            "subjects": shown["subjects"],
            "status": shown["status"],
        },
        columns=columns,
    )


def _keys(value: object) -> set[str]:
    """An entry's item keys as a set: DuckDB hands a list column to pandas as arrays, NULL as NA."""
    if isinstance(value, str) or value is None or not hasattr(value, "__iter__"):
        return set()
    return {str(k) for k in value}
