"""The Plans page's `load`: the plans, their history, each planned video's scorecard, and who has no plan.

A scorecard row is one plan on one platform it ran on: the plan's KPI summed over the selection,
the median of the same KPI over videos of the same platform, objective and length bucket
(`typical`, with `peers` videos behind it; none under `testlearn.MIN_PEERS`) and the verdict of
`vmdash.scorecards.judge`. A campaign plan is judged on the campaign as a whole (no typical).
Not re-exported by the package (vmdash.plans reads through vmdash.store only, but this module
reads vmdash.plans and vmdash.scorecards).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vmdash import cache, looplog, metrics, plans, scorecards
from vmdash.filters import VIDEO_KEY_SQL, FilterState
from vmdash.queries.names import NAME_KEYS, duration_sql, length_bucket_sql
from vmdash.queries.selection import currency, date_span
from vmdash.sql import ident
from vmdash.store import Store
from vmdash.store.rollup import presummed
from vmdash.testlearn.choices import MIN_PEERS

CARD_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "kind",
    "key",
    "title",
    "platform",
    "objective",
    "channel",
    "kpi",
    "target",
    "target_text",
    "value",
    "low",
    "high",
    "typical",
    "peers",
    "volume",
    "spend",
    "verdict",
    "reason",
    "launch_on",
    "secondary",
)


@dataclass(frozen=True)
class PlansControls:
    """The Plans page's choices: how many changes of the history it shows."""

    history_rows: int = 200


@dataclass(frozen=True)
class PlansData:
    """Everything the Plans page draws."""

    plans: pd.DataFrame  # plans.table: one row per plan, as a plan file, with in_data
    history: pd.DataFrame
    cards: pd.DataFrame  # CARD_COLUMNS
    summary: pd.DataFrame  # per objective and channel: planned, met, spend_not_met
    unplanned: pd.DataFrame  # videos in the selection without a plan: key, title, platform, objective, channel
    decisions: (
        pd.DataFrame
    )  # loop-log decisions naming a plan, with its KPI before and after (looplog.plan_before_after)
    currency: str | None
    as_of: dt.date | None


def _measures(kpis: list[str]) -> list[str]:
    out = ["spend"]
    for name in kpis:
        out += [c for c in metrics.get(name).measures if c not in out]
    return out


def _sums(m: metrics.Metric, suffix: str = "") -> str:
    """The KPI's value, the sums its interval is read from (num, den) and the spend behind it.

    The numerator is the metric's own (`numerator_sql`): every interaction of an engagement rate,
    only the search views of a search share, not its first column. `suffix` ends each name.
    """
    reported = m.reported_sql()
    den = " * ".join(ident(c) for c in m.denominator)
    return (
        f"{m.sql()} AS value{suffix}, sum({m.numerator_sql()}) FILTER (WHERE {reported}) AS num{suffix}, "
        f'sum({den}) FILTER (WHERE {reported}) AS den{suffix}, sum("spend") AS spend{suffix}'
    )


def _per_video(store: Store, filters: FilterState, kpis: list[str], videos: list[str]) -> pd.DataFrame:
    """Per video, platform and objective: each KPI's sums and value, and the median of its group."""
    if not kpis or not videos:
        return pd.DataFrame()
    _, params = filters.where()
    duration = duration_sql(params)
    bucket = length_bucket_sql("duration_s", params)
    pre = presummed(
        [(VIDEO_KEY_SQL, "key"), ('"objective"', "objective"), ('"channel"', "channel"), *NAME_KEYS],
        filters,
        _measures(kpis),
        f"{VIDEO_KEY_SQL} IS NOT NULL",
    )
    # Every KPI summed in one pass per video (and its length read from its names once), then
    # one row per video and KPI.
    sums = ", ".join(_sums(metrics.get(name), f"_{i}") for i, name in enumerate(kpis))
    parts = []
    for i, name in enumerate(kpis):
        params[f"kpi{i}"] = name
        parts.append(
            f"""SELECT key, "platform", "objective", $kpi{i} AS kpi, title, channel, duration_s,
                       value_{i} AS value, num_{i} AS num, den_{i} AS den, spend_{i} AS spend
                FROM summed"""
        )
    params["videos"] = list(videos)
    # The medians per group as an aggregate joined back to the chosen videos' rows: a window
    # over every video's rows cost twice as much.
    return store.df(
        f"""WITH pre AS MATERIALIZED ({pre}),
            summed AS MATERIALIZED (
                SELECT key, "platform", "objective", coalesce(any_value("video_title"), key) AS title,
                       arg_max("channel", _rows) AS channel, max({duration}) AS duration_s, {sums}
                FROM pre GROUP BY key, "platform", "objective"
            ),
            bucketed AS (SELECT *, {bucket} AS length_bucket FROM ({" UNION ALL ".join(parts)})),
            medians AS (
                SELECT kpi, "platform", "objective", length_bucket,
                       quantile_cont(value, 0.5) AS median, count(value) AS peers
                FROM bucketed GROUP BY ALL
            )
            SELECT b.*, m.median, m.peers
            FROM bucketed AS b JOIN medians AS m USING (kpi, "platform", "objective", length_bucket)
            WHERE list_contains($videos, b.key)""",
        params,
    )


def _per_campaign(store: Store, filters: FilterState, kpis: list[str], campaigns: list[str]) -> pd.DataFrame:
    if not kpis or not campaigns:
        return pd.DataFrame()
    _, params = filters.where()
    params["campaigns"] = list(campaigns)
    pre = presummed(
        [
            ('"campaign"', "campaign"),
            ('"platform"', "platform"),
            ('"objective"', "objective"),
            ('"channel"', "channel"),
        ],
        filters,
        _measures(kpis),
        'list_contains($campaigns, "campaign")',
    )
    parts = []
    for i, name in enumerate(kpis):
        m = metrics.get(name)
        params[f"kpi{i}"] = name
        parts.append(
            f"""SELECT "campaign" AS key, string_agg(DISTINCT "platform", ', ' ORDER BY "platform") AS platform,
                       $kpi{i} AS kpi, arg_max("objective", _rows) AS objective, arg_max("channel", _rows) AS channel,
                       {_sums(m)}
                FROM pre GROUP BY "campaign\""""
        )
    return store.df(f"WITH pre AS MATERIALIZED ({pre}) " + " UNION ALL ".join(parts), params)


@cache.cached
def cards(store: Store, filters: FilterState = FilterState()) -> pd.DataFrame:
    """One scorecard per plan and platform it ran on (CARD_COLUMNS); a plan without data gets one 'no data' row."""
    stored = plans.plans(store)
    _, last = date_span(store, filters)
    as_of = filters.date_to or last
    kpis = sorted({p.kpi for p in stored} | {k for p in stored for k, _ in p.secondary})
    videos = _per_video(store, filters, kpis, [p.key for p in stored if p.kind == "video"])
    camps = _per_campaign(store, filters, kpis, [p.key for p in stored if p.kind == "campaign"])
    # Each plan's rows looked up by key and KPI, not masked out of the frame per plan: the masks
    # over string columns were most of this function's own time.
    found = {"video": _by_key_and_kpi(videos), "campaign": _by_key_and_kpi(camps)}
    rows = []
    for plan in stored:
        mine = found[plan.kind].get((plan.key, plan.kpi), [])
        target = plans.target_value(plan.kpi, plan.target)
        base = {
            "plan_id": plan.plan_id,
            "kind": plan.kind,
            "key": plan.key,
            "kpi": plan.kpi,
            "target": plan.target,
            "target_text": plan.target_text(),
            "launch_on": plan.launch_on,
        }
        if not mine:
            v = scorecards.judge(plan.kpi, target, None, None, plan.launch_on, as_of)
            rows.append(
                {
                    **base,
                    "title": plan.key,
                    "platform": "",
                    "objective": plan.objective,
                    "channel": plan.channels[0] if plan.channels else "",
                    "verdict": v.verdict,
                    "reason": v.reason,
                    "spend": None,
                }
            )
            continue
        for row in mine:
            v = scorecards.judge(plan.kpi, target, row["num"], row["den"], plan.launch_on, as_of)
            peers = int(row.get("peers") or 0)
            rows.append(
                {
                    **base,
                    "title": row.get("title") or plan.key,
                    "platform": row["platform"],
                    "objective": row["objective"],
                    "channel": row["channel"],
                    "value": row["value"],
                    "low": v.low,
                    "high": v.high,
                    "typical": row.get("median") if peers >= MIN_PEERS else None,
                    "peers": peers,
                    "volume": row["den"],
                    "spend": row["spend"],
                    "verdict": v.verdict,
                    "reason": v.reason,
                    "secondary": _secondary(plan, found[plan.kind], row["platform"], as_of),
                }
            )
    return pd.DataFrame(rows, columns=list(CARD_COLUMNS))


def _by_key_and_kpi(found: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The rows of _per_video / _per_campaign as records, grouped by (key, kpi) in their order."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in found.to_dict(orient="records"):
        out.setdefault((row["key"], row["kpi"]), []).append(row)
    return out


def _secondary(
    plan: plans.Plan, found: dict[tuple[str, str], list[dict[str, Any]]], platform: str, as_of: dt.date | None
) -> str:
    """Each secondary target of the plan on this platform and its verdict ("CTR ≥ 1.5: met")."""
    out = []
    for kpi, target in plan.secondary:
        row = next((r for r in found.get((plan.key, kpi), []) if r["platform"] == platform), None)
        num, den = (row["num"], row["den"]) if row is not None else (None, None)
        v = scorecards.judge(kpi, plans.target_value(kpi, target), num, den, plan.launch_on, as_of)
        out.append(f"{plans.target_text(kpi, target)}: {v.verdict}")
    return "; ".join(out)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per objective and channel: planned scorecards, how many met their target, and the spend behind the rest."""
    if frame.empty:
        return pd.DataFrame(columns=["objective", "channel", "planned", "met", "spend_not_met"])
    met = frame["verdict"] == "met"
    grouped = frame.assign(
        met=met.astype(int), spend_not_met=frame["spend"].where(~met).astype(float).fillna(0.0)
    ).groupby(["objective", "channel"], as_index=False)
    out = grouped.agg(planned=("plan_id", "count"), met=("met", "sum"), spend_not_met=("spend_not_met", "sum"))
    return out.sort_values(["objective", "channel"]).reset_index(drop=True)


@cache.cached
def unplanned(store: Store, filters: FilterState = FilterState(), limit: int = 500) -> pd.DataFrame:
    """Videos in the selection that no video or campaign plan covers, most viewed first."""
    _, params = filters.where()
    # Only the names this list shows (not every name a length token could hide in): fewer groups.
    names = ("video_title", "platform", "campaign", "objective", "channel")
    pre = presummed(
        [(VIDEO_KEY_SQL, "key"), *((ident(c), c) for c in names)], filters, ["views"], f"{VIDEO_KEY_SQL} IS NOT NULL"
    )
    params["limit"] = int(limit)
    return store.df(
        f"""SELECT key, coalesce(any_value("video_title"), key) AS title,
                   string_agg(DISTINCT "platform", ', ' ORDER BY "platform") AS platform,
                   arg_max("objective", _rows) AS objective, arg_max("channel", _rows) AS channel,
                   sum("views") AS views, count(*) OVER () AS total
            FROM ({pre}) AS p
            WHERE NOT EXISTS (SELECT 1 FROM plans WHERE kind = 'video' AND plans.key = p.key)
              AND NOT EXISTS (SELECT 1 FROM plans WHERE kind = 'campaign' AND plans.key = p."campaign")
            GROUP BY key ORDER BY views DESC NULLS LAST, key LIMIT $limit""",
        params,
    )


@dataclass(frozen=True)
class VideoCard:
    """One video's plan (its own, else its campaign's), its scorecard rows and the decisions taken on it."""

    plan: plans.Plan | None
    cards: pd.DataFrame  # CARD_COLUMNS
    decisions: pd.DataFrame
    currency: str | None


def video_card(store: Store, filters: FilterState, video_key: str) -> VideoCard:
    """What the video page draws for a video's plan: the plan that governs it and its scorecard."""
    campaigns = [
        r[0]
        for r in store.rows(
            f"SELECT DISTINCT campaign FROM facts_summed WHERE _grain = 'all' AND {VIDEO_KEY_SQL} = $k "
            "AND campaign IS NOT NULL ORDER BY 1",
            {"k": video_key},
        )
    ]
    plan = plans.plan_for(store, video_key, campaigns)
    if plan is None:
        # No plan governs it: no scorecard to work out (every plan's card is summed together).
        return VideoCard(
            None,
            pd.DataFrame(columns=list(CARD_COLUMNS)),
            pd.DataFrame(columns=list(looplog.PLAN_DECISION_COLUMNS)),
            currency(store, filters),
        )
    # The plan's card as the Plans page draws it for this selection: a campaign plan is judged
    # on all its videos and a video against its peers, not on the one video the page narrows to.
    frame = cards(store, filters.without("videos"))
    decisions = looplog.plan_before_after(store)
    frame = frame[(frame["kind"] == plan.kind) & (frame["key"] == plan.key)].reset_index(drop=True)
    decisions = decisions[decisions["plan_id"] == plan.plan_id].reset_index(drop=True)
    return VideoCard(plan, frame, decisions, currency(store, filters))


def load(store: Store, filters: FilterState = FilterState(), controls: PlansControls = PlansControls()) -> PlansData:
    """The Plans page's data, in the order the page draws it."""
    frame = cards(store, filters)
    _, last = date_span(store, filters)
    return PlansData(
        plans=plans.table(store),
        history=plans.history(store, controls.history_rows),
        cards=frame,
        summary=summary(frame),
        unplanned=unplanned(store, filters),
        decisions=looplog.plan_before_after(store),
        currency=currency(store, filters),
        as_of=filters.date_to or last,
    )
