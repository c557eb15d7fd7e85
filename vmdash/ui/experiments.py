"""Streamlit pieces of the Test & learn page: variant pickers, verdicts, tables, the loop-log form."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vmdash import links, looplog, metrics, model, plans, queries, roles, testlearn
from vmdash.errors import VmdashError
from vmdash.filters import FilterState
from vmdash.store import Store
from vmdash.ui.access import role
from vmdash.ui.common import formatted, frame, safe_text, show_error, table, unique_labels, video_labels
from vmdash.ui.video import video_link_column, with_links

_PICKER_HELP = {
    "video": "Videos, or ads where the platform exports no video id (Meta, TikTok). The first is the baseline.",
    "campaign": "Whole campaigns. The first is the baseline.",
    "token": "Pieces of ad, ad set and campaign names between underscores or pipes: “Hook-Test_A_9x16” "
    "carries “Hook-Test”, “A” and “9x16”. Pick A and B to compare every ad named …_A_… with every ad named …_B_….",
}


def variant_picker(s: Store, filters: FilterState, kind: str) -> tuple[list[str], dict[str, str]]:
    """The multiselect for this kind of variant, bound to the URL; returns the chosen keys and their labels."""
    if kind == "video":
        keys = unique_labels(video_labels(s))
    elif kind == "campaign":
        keys = {c: c for c in queries.choices(s, "campaign", filters)}
    else:
        keys = {t: t for t in testlearn.name_tokens(s, filters)}
    # The labels are the options, so a shared link names the variants readably.
    chosen = st.multiselect(
        "Variants",
        list(keys),
        key=links.TEST_VARIANTS[kind].key,
        bind="query-params",
        max_selections=testlearn.MAX_VARIANTS,
        help=_PICKER_HELP[kind],
        placeholder="Pick two or more",
    )
    values = [keys[label] for label in chosen]
    return values, {keys[label]: label for label in chosen}


def verdicts(report: testlearn.VariantReport) -> None:
    """Each finding as one sentence (green when clear), what the volume can detect, then the caveats."""
    for finding in report.findings:
        text = safe_text(finding.verdict)
        if finding.significant:
            st.success(text, icon=":material/emoji_events:")
        else:
            st.info(text, icon=":material/hourglass_empty:")
        if finding.detectable:
            st.caption(safe_text(finding.detectable))
    for warning in report.warnings:
        st.warning(safe_text(warning), icon=":material/warning:")


def variant_table(report: testlearn.VariantReport, currency: str | None) -> None:
    """Per variant: platforms, dates, the counts behind the KPI, the KPI and its interval."""
    m = report.metric
    t = report.table
    is_cost = m.fmt == "money"
    shown = pd.DataFrame(
        {
            "Variant": t["label"],
            "Platforms": [
                ", ".join(model.platform_label(p) for p in str(x).split(",")) if isinstance(x, str) else ""
                for x in t["platforms"]
            ],
            "From": [pd.Timestamp(d).date() if pd.notna(d) else None for d in t["first_date"]],
            "To": [pd.Timestamp(d).date() if pd.notna(d) else None for d in t["last_date"]],
            ("Spend" if is_cost else _heading(m.numerator)): t["successes"],
            _heading(m.denominator[0]): t["trials"],
            m.label: t["value"],
            "Interval from": t["low"],
            "Interval to": t["high"],
        }
    )
    fmt = {m.label: m.fmt, "Interval from": m.fmt, "Interval to": m.fmt}
    counts = {c: ("money" if is_cost and c == "Spend" else "number") for c in shown.columns[4:6]}
    table(formatted(shown, {**fmt, **counts}, currency))


def _heading(measure: str) -> str:
    return measure.replace("_", " ").capitalize()


def lifecycle_table(data: pd.DataFrame, option: str, measure: str, currency: str | None) -> None:
    """The lifecycle table: each video's first 1 / 7 / 28 days, partial windows said so, indexes rounded."""
    config: dict[str, object] = {"video": "Video", "platform": "Platform", "published_at": "Published"}
    for w in testlearn.WINDOWS:
        days = "day" if w == 1 else f"{w} days"
        config[f"first_{w}"] = st.column_config.TextColumn(f"{option}, first {days}")
        config[f"index_{w}"] = st.column_config.TextColumn(
            f"Index, first {days}", help="100 = the median video of the platform at this age; complete windows only"
        )
    table = testlearn.lifecycle_table(data, measure, currency)
    config["page"] = video_link_column()
    frame(with_links(table.drop(columns="key"), table["key"]), column_config=config)


def loop_log_table(judged: pd.DataFrame, currency: str | None = None) -> None:
    """Entries with the before / after change of their objective's KPI; orphaned ones said so."""
    if judged.empty:
        st.info("No decision logged yet. Analysts record tests, learnings, amplifications and optimisations here.")
        return
    rows = []
    for rec in judged.itertuples():
        m = metrics.get(rec.kpi)
        if rec.change is None or pd.isna(rec.change):
            change = "needs rows on both sides"
        else:
            direction = "better" if rec.better else ("worse" if rec.better is False else "unchanged")
            clear = {True: ", beyond chance", False: ", within chance"}.get(rec.clear, "")
            change = f"{rec.change:+.1%} ({direction}{clear})"
        status = rec.status
        if rec.status != "active":
            status = f"{rec.status}: {rec.missing} no longer in the data"
        rows.append(
            {
                "#": rec.entry_id,
                "Date": pd.Timestamp(rec.happened_on).date(),
                "Stage": rec.stage_label,
                "Note": rec.note,
                "About": rec.subjects,
                "KPI": f"{m.label} ({rec.objective})",
                "Before": "–" if pd.isna(rec.before) else m.format(float(rec.before), currency),
                "After": "–" if pd.isna(rec.after) else m.format(float(rec.after), currency),
                "Change": change,
                "Status": status,
            }
        )
    frame(pd.DataFrame(rows))
    orphaned = judged[judged["status"] != "active"]
    if not orphaned.empty:
        st.caption(
            f"{len(orphaned)} entr{'y is' if len(orphaned) == 1 else 'ies are'} about videos or campaigns whose import "
            "was undone: kept as written, marked orphaned; importing the data again brings their numbers back."
        )


def loop_log_form(s: Store, filters: FilterState) -> None:
    """Analysts record a decision; everyone else is told who can."""
    if role() != roles.ANALYST:
        st.caption("Analysts record decisions here (sign in under *Analyst sign-in* in the sidebar).")
        return
    videos = unique_labels(video_labels(s))
    campaigns = queries.choices(s, "campaign")
    with st.form("_loop_form", clear_on_submit=True, border=True):
        st.markdown("**Record a decision**")
        left, right = st.columns(2)
        stage = left.selectbox("Stage", list(looplog.STAGES.values()), key="_loop_stage")
        happened_on = right.date_input("Date", value=_default_date(s), key="_loop_date")
        chosen_videos = left.multiselect("Videos / ads", list(videos), key="_loop_videos")
        chosen_campaigns = right.multiselect("Campaigns", campaigns, key="_loop_campaigns")
        objective = left.selectbox(
            "Judge by the KPI of",
            ["the videos' objective", *model.OBJECTIVES],
            key="_loop_objective",
            help="Before / after compares this objective's main KPI over the "
            f"{looplog.WINDOW_DAYS} days before and from the date.",
        )
        note = right.text_area("Note", max_chars=looplog.MAX_NOTE, key="_loop_note", height=80)
        plan_ids = [p.plan_id for p in plans.plans(s)]
        plan_id = left.selectbox(
            "Acted on the scorecard of",
            plan_ids,
            index=None,
            placeholder="no plan",
            key="_loop_plan",
            help="An amplify or optimise decision taken on a plan's scorecard: the Plans page then shows "
            "its KPI before and after the date.",
        )
        if st.form_submit_button("Add to the loop log", icon=":material/add:"):
            try:
                entry = looplog.record(
                    s,
                    role(),
                    stage,
                    happened_on,
                    note,
                    videos=[videos[v] for v in chosen_videos],
                    campaigns=chosen_campaigns,
                    objective=None if objective not in model.OBJECTIVES else objective,
                    plan_id=plan_id,
                )
            except VmdashError as exc:
                show_error(exc)
            else:
                st.success(f"Logged #{entry.entry_id}: {looplog.STAGES[entry.stage]} on {entry.happened_on}.")


def _default_date(s: Store) -> dt.date:
    end = queries.date_span(s)[1]
    return end if end is not None else dt.date.today()


def loop_log_delete(s: Store, judged: pd.DataFrame) -> None:
    """Analysts can remove an entry written by mistake."""
    if role() != roles.ANALYST or judged.empty:
        return
    with st.expander("Remove an entry", icon=":material/delete:"):
        options = {
            f"#{r.entry_id} {r.stage_label} on {pd.Timestamp(r.happened_on).date()}": r.entry_id
            for r in judged.itertuples()
        }
        gone = st.selectbox("Entry", list(options), index=None, key="_loop_delete")
        if gone and st.button("Remove", key="_loop_delete_go"):
            try:
                looplog.delete(s, role(), options[gone])
            except VmdashError as exc:
                show_error(exc)
            else:
                st.rerun()
