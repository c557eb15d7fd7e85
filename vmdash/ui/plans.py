"""The Plans page's pieces: the plan editor, one-plan form, history, scorecards, and one video's plan and scorecard.

Viewers read; analysts edit. Every write goes through `vmdash.plans`, which checks the role on
the server whatever the widgets offered.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from vmdash import looplog, metrics, model, plans, roles, scorecards
from vmdash.errors import VmdashError
from vmdash.queries import scorecards as page_queries
from vmdash.store import Store
from vmdash.ui.access import role
from vmdash.ui.common import frame, safe_text, show_error, table

_EDITOR_KEY = "plans_editor"
# A save moves the data version and app.py draws the page again: what it said waits here, and
# the editor gets a new key so its edits are not applied a second time over the saved plans.
_SAVED = "_plans_saved"
_EDITOR_ROUND = "_plans_editor_round"
_LABELS = {
    "kind": "Plan for",
    "key": "Video or campaign",
    "objective": "Objective",
    "channels": "Channels",
    "format": "Format",
    "launch_on": "Publish / launch",
    "kpi": "Primary KPI",
    "target": "Target",
    "secondary": "Secondary targets",
    "owner": "Owner",
    "note": "Note",
}


def _kpi_label(name: str) -> str:
    m = metrics.get(name)
    return f"{m.label} ({direction_word(name)})"


def direction_word(name: str) -> str:
    """'higher is better' or 'lower is better' for a KPI."""
    return "higher is better" if metrics.get(name).higher_is_better else "lower is better"


def plans_table(data: page_queries.PlansData) -> None:
    """The plans, read-only (viewers), with whether each one's video or campaign is in the data yet."""
    if data.plans.empty:
        st.info("No plan yet. An analyst can add one below or import a plan file (`python -m vmdash plan import`).")
        return
    shown = data.plans.assign(in_data=["yes" if v else "waiting for data" for v in data.plans["in_data"]])
    frame(shown.rename(columns={**_LABELS, "in_data": "In the data"}))


def plans_editor(s: Store, data: page_queries.PlansData) -> None:
    """The analysts' editor over every plan: add, change or delete rows, then Save (one line says what changed)."""
    current = data.plans.drop(columns=["in_data"]) if not data.plans.empty else pd.DataFrame(columns=plans.FILE_COLUMNS)
    current = current.assign(
        target=pd.to_numeric(current["target"], errors="coerce"),
        launch_on=pd.to_datetime(current["launch_on"], errors="coerce").dt.date,
    )
    st.caption(
        "One row per video (its id, or the ad name where a platform exports no id) or per campaign. "
        "Targets are written as the KPI is shown: 35 for 35 %, seconds, money. Secondary targets: "
        "`ctr=1.5; cpa=12`. Channels: comma-separated, the first one counts rows the rules put elsewhere."
    )
    edited = st.data_editor(
        current,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"{_EDITOR_KEY}_{st.session_state.get(_EDITOR_ROUND, 0)}",
        column_config={
            "kind": st.column_config.SelectboxColumn(_LABELS["kind"], options=list(plans.KINDS), default="video"),
            "key": st.column_config.TextColumn(_LABELS["key"], max_chars=plans.MAX_KEY),
            "objective": st.column_config.SelectboxColumn(_LABELS["objective"], options=list(plans.PLAN_OBJECTIVES)),
            "channels": st.column_config.TextColumn(_LABELS["channels"], help=", ".join(model.CHANNELS)),
            "format": st.column_config.TextColumn(_LABELS["format"], max_chars=plans.MAX_FORMAT),
            "launch_on": st.column_config.DateColumn(_LABELS["launch_on"]),
            "kpi": st.column_config.SelectboxColumn(_LABELS["kpi"], options=list(plans.KPIS)),
            "target": st.column_config.NumberColumn(_LABELS["target"], min_value=0.0),
            "secondary": st.column_config.TextColumn(_LABELS["secondary"]),
            "owner": st.column_config.TextColumn(_LABELS["owner"], max_chars=plans.MAX_OWNER),
            "note": st.column_config.TextColumn(_LABELS["note"], max_chars=plans.MAX_NOTE),
        },
    )
    if st.button("Save plans", key="save_plans", type="primary"):
        rows = [{k: _cell(v) for k, v in row.items()} for row in edited.to_dict(orient="records")]
        _write(lambda: plans.replace_all(s, role(), plans.clean_all(rows), by=_who()))


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return value


def _who() -> str | None:
    try:
        user = st.user.to_dict()
    except Exception:  # no identity provider configured
        return "analyst"
    return str(user.get("email") or user.get("name") or "analyst")


def _write(action: Callable[[], plans.Changes]) -> None:
    try:
        changes = action()
    except VmdashError as exc:
        show_error(exc, "Nothing was saved: ")
        return
    message = changes.sentence().capitalize() + "."
    if changes.any:
        st.session_state[_SAVED] = message
        st.session_state[_EDITOR_ROUND] = st.session_state.get(_EDITOR_ROUND, 0) + 1
    st.success(safe_text(message), icon=":material/check:")


def saved_note() -> None:
    """What the last save changed, once, after the page is drawn again with the saved plans."""
    message = st.session_state.pop(_SAVED, None)
    if message:
        st.success(safe_text(message), icon=":material/check:")


def plan_form(s: Store, data: page_queries.PlansData) -> None:
    """Add or change one video's plan; the videos of the selection without a plan come first."""
    planned = set(data.plans.loc[data.plans["kind"] == "video", "key"]) if not data.plans.empty else set()
    labels = {r.key: f"{r.title} · {r.platform}" for r in data.unplanned.itertuples()}
    for key in sorted(planned):
        labels.setdefault(key, key)
    with st.form("plan_form", border=True):
        st.markdown("**Plan one video**")
        left, right = st.columns(2)
        key = left.selectbox(
            "Video",
            list(labels),
            format_func=lambda k: labels[k],
            index=None,
            key="plan_form_video",
            placeholder="Choose a video (those without a plan first)",
        )
        typed = right.text_input("…or its id (a video not imported yet)", key="plan_form_key", max_chars=plans.MAX_KEY)
        objective = left.selectbox("Objective", list(plans.PLAN_OBJECTIVES), key="plan_form_objective")
        channels = right.multiselect("Channels", list(model.CHANNELS), key="plan_form_channels")
        kpi = left.selectbox("Primary KPI", list(plans.KPIS), format_func=_kpi_label, key="plan_form_kpi")
        target = right.number_input(
            "Target (as the KPI is shown: 35 for 35 %)", min_value=0.0, value=None, key="plan_form_target"
        )
        launch_on = left.date_input("Publish / launch date", value=None, key="plan_form_launch")
        owner = right.text_input("Owner", key="plan_form_owner", max_chars=plans.MAX_OWNER)
        note = st.text_input("Note", key="plan_form_note", max_chars=plans.MAX_NOTE)
        if st.form_submit_button("Save plan", type="primary"):
            values = {
                "kind": "video",
                "key": (typed or "").strip() or key,
                "objective": objective,
                "channels": list(channels),
                "kpi": kpi,
                "target": target,
                "launch_on": launch_on,
                "owner": owner,
                "note": note,
            }
            _write(lambda: plans.save(s, role(), plans.clean(values), by=_who()))


def unplanned_note(data: page_queries.PlansData) -> None:
    """How many videos of the selection have no plan, and where their objective comes from."""
    if data.unplanned.empty:
        return
    total = int(data.unplanned["total"].iloc[0])
    st.info(
        f"{total} video(s) in this selection have no plan: their objective comes from campaign-name tokens "
        "and platform defaults (and is 'unassigned' where neither tells). "
        + ("Plan them below." if role() == roles.ANALYST else "An analyst can plan them."),
        icon=":material/info:",
    )


def _fmt(kpi: str, value: object, currency: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return metrics.get(kpi).format(float(value), currency)  # type: ignore[arg-type]


def _card_table(cards: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    rows = []
    for r in cards.to_dict(orient="records"):
        interval = ""
        if r["low"] is not None and not pd.isna(r["low"]):
            high = "" if r["high"] is None or pd.isna(r["high"]) else _fmt(r["kpi"], r["high"], currency)
            interval = f"{_fmt(r['kpi'], r['low'], currency)} – {high or '∞'}"
        # The verdict comes right after the name: on a phone the first columns are what shows.
        rows.append(
            {
                "Video or campaign": r["title"],
                "Verdict": r["verdict"],
                "Target": r["target_text"],
                "Actual": _fmt(r["kpi"], r["value"], currency),
                "95 % interval": interval,
                "Typical": _fmt(r["kpi"], r["typical"], currency),
                "Platform": model.platform_label(r["platform"]) if r["platform"] else "",
                "Objective": r["objective"],
                "Channel": r["channel"],
                "Why": r["reason"],
                "Secondary targets": r["secondary"] or "",
            }
        )
    return pd.DataFrame(rows)


def scorecards_section(data: page_queries.PlansData) -> None:
    """Every planned video's scorecard, the rule behind the verdicts, and the per objective and channel summary."""
    st.subheader("Scorecards")
    if data.cards.empty:
        st.info("Scorecards appear once a plan exists.")
        return
    frame(_card_table(data.cards, data.currency))
    st.caption(scorecards.VERDICT_RULE)
    st.caption(
        "Typical: the median of videos of the same platform, objective and length in this selection "
        "(shown from three videos on)." + (f" Judged as of {data.as_of.isoformat()}." if data.as_of else "")
    )
    st.markdown("**By objective and channel**")
    money = data.currency
    summary = data.summary.assign(
        spend_not_met=[metrics.format_value(v, "money", money) for v in data.summary["spend_not_met"]]
    )
    frame(
        summary.rename(
            columns={
                "objective": "Objective",
                "channel": "Channel",
                "planned": "Planned",
                "met": "Met their target",
                "spend_not_met": "Spend behind those that did not",
            }
        )
    )


def _decision_table(decisions: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    rows = []
    for r in decisions.to_dict(orient="records"):
        change = "—" if r["change"] is None or pd.isna(r["change"]) else f"{r['change']:+.0%}"
        verdict = {True: "better", False: "worse"}.get(r["better"], "") if r["better"] is not None else ""
        rows.append(
            {
                "Plan": r["plan_id"],
                "Decision": r["stage"],
                "On": r["happened_on"],
                "Note": r["note"],
                "KPI": metrics.get(r["kpi"]).label,
                "Before": _fmt(r["kpi"], r["before"], currency),
                "After": _fmt(r["kpi"], r["after"], currency),
                "Change": f"{change} {verdict}".strip(),
            }
        )
    return pd.DataFrame(rows)


def decisions_section(data: page_queries.PlansData) -> None:
    """Loop-log decisions that acted on a scorecard, with the plan's KPI before and after."""
    if data.decisions.empty:
        return
    st.markdown("**Decisions taken on these scorecards**")
    frame(_decision_table(data.decisions, data.currency))
    st.caption(
        f"Before and after: the plan's KPI on its video or campaign over the {looplog.WINDOW_DAYS} days before "
        "the decision and the same number of days from it (rows wholly inside a window)."
    )


def history_section(data: page_queries.PlansData) -> None:
    """The latest plan changes: who, when, what before and after."""
    st.subheader("History of changes")
    if data.history.empty:
        st.caption("No change yet.")
        return
    frame(
        data.history[["changed_at", "changed_by", "plan_id", "action", "changes"]].rename(
            columns={
                "changed_at": "When",
                "changed_by": "Who",
                "plan_id": "Plan",
                "action": "What",
                "changes": "Before → after",
            }
        )
    )


def plan_scorecard(card: page_queries.VideoCard) -> None:
    """One video's plan and scorecard (for the video's own page); says so when it has no plan.

    A video without a plan of its own shows its campaign's plan, judged on the whole campaign.
    """
    plan = card.plan
    st.subheader("Plan and scorecard")
    if plan is None:
        st.info(
            "This video has no plan: its objective comes from campaign-name tokens and platform defaults. "
            "An analyst can plan it on the Plans page.",
            icon=":material/info:",
        )
        return
    channels = ", ".join(plan.channels) or "as the rules give"
    whose = "" if plan.kind == "video" else f"Campaign {plan.key}'s plan · "
    st.markdown(
        safe_text(
            f"{whose}Objective {plan.objective} · channels {channels} · target {plan.target_text()}"
            + (f" · launch {plan.launch_on.isoformat()}" if plan.launch_on else "")
            + (f" · owner {plan.owner}" if plan.owner else "")
        )
    )
    if plan.note:
        st.caption(safe_text(plan.note))
    # One plan's rows: a summary (ui.table), where the Plans page's lists of every plan are grids.
    table(_card_table(card.cards, card.currency))
    st.caption(scorecards.VERDICT_RULE)
    if not card.decisions.empty:
        st.markdown("**Decisions taken on this scorecard**")
        table(_decision_table(card.decisions, card.currency))
