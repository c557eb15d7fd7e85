"""Video and campaign plans: why a video is made, for which channels, and the target it is judged by.

A plan is kept per video (its key `coalesce(video_id, ad)`, as the Video filter reads it) or
per campaign (its name): objective, channels, format, publish / launch date, a primary KPI (a
`vmdash.metrics` name) with a target value, optional secondary targets, owner and a note. The
direction of a target is the KPI's own (`higher_is_better`: at least the target, else at most).
Targets are written as the KPI is shown: percentages in percent (35 = 35 %), durations in
seconds, money in the currency's units.

A plan's objective and channels win over campaign-name tokens and platform defaults: saving
one rewrites the objective and channel of the rows it covers and sums their imports again in
the same transaction (`vmdash.store.apply_plans` says which plan wins and how several channels
count). A plan for a video not yet imported waits for it: the import applies it. Every change
is kept in `plan_history` (who, when, before and after). Only analysts save or remove plans.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from vmdash import metrics, model, roles
from vmdash.errors import Empty, InvalidValue, NotFound, OutOfRange, RowRefused, TooLong, UnknownChoice, WrongKind
from vmdash.export import neutralise
from vmdash.filters import VIDEO_KEY_SQL
from vmdash.store import Store, apply_plans, plan_scope, refresh_rollup

KINDS: tuple[str, ...] = ("video", "campaign")
PLAN_OBJECTIVES: tuple[str, ...] = tuple(o for o in model.OBJECTIVES if o != "unassigned")
KPIS: tuple[str, ...] = tuple(m.name for m in metrics.METRICS)
# The columns of a plan file, in order (`plan export` writes them, `plan import` requires them).
FILE_COLUMNS: tuple[str, ...] = (
    "kind",
    "key",
    "objective",
    "channels",
    "format",
    "launch_on",
    "kpi",
    "target",
    "secondary",
    "owner",
    "note",
)
MAX_KEY = 200
MAX_FORMAT = 40
MAX_OWNER = 80
MAX_NOTE = 280
MAX_SECONDARY = 5
MAX_PLANS = 20_000


@dataclass(frozen=True)
class Plan:
    """One plan entry, validated (build it with `clean`)."""

    kind: str
    key: str
    objective: str
    kpi: str
    target: float
    channels: tuple[str, ...] = ()
    format: str = ""
    launch_on: dt.date | None = None
    secondary: tuple[tuple[str, float], ...] = field(default=())
    owner: str = ""
    note: str = ""

    @property
    def plan_id(self) -> str:
        """The stored key: kind and key together ("video:abc123")."""
        return f"{self.kind}:{self.key}"

    @property
    def metric(self) -> metrics.Metric:
        """The primary KPI."""
        return metrics.get(self.kpi)

    def target_text(self) -> str:
        """The target in words, with its direction ("completion rate ≥ 35 %")."""
        return target_text(self.kpi, self.target)

    def as_row(self) -> dict[str, str]:
        """The plan as the cells of a plan file (every value a text)."""
        return {
            "kind": self.kind,
            "key": self.key,
            "objective": self.objective,
            "channels": ", ".join(self.channels),
            "format": self.format,
            "launch_on": self.launch_on.isoformat() if self.launch_on else "",
            "kpi": self.kpi,
            "target": number_text(self.target),
            "secondary": "; ".join(f"{k}={number_text(v)}" for k, v in self.secondary),
            "owner": self.owner,
            "note": self.note,
        }


@dataclass(frozen=True)
class Changes:
    """What a save did, by plan id."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        """True when something was written."""
        return bool(self.added or self.changed or self.removed)

    def sentence(self) -> str:
        """What changed, in one line."""
        if not self.any:
            return "no plan changed"
        parts = [
            f"{len(v)} {word}"
            for v, word in ((self.added, "added"), (self.changed, "changed"), (self.removed, "removed"))
            if v
        ]
        return "plans: " + ", ".join(parts)


def number_text(value: float) -> str:
    """A target as written in a file: no trailing zeros, no exponent for ordinary values."""
    return format(value, ".12g")


def direction(kpi: str) -> str:
    """'≥' when the KPI is better higher, else '≤'."""
    return "≥" if metrics.get(kpi).higher_is_better else "≤"


def target_value(kpi: str, target: float) -> float:
    """The target on the KPI's own scale (35 % -> 0.35), to compare with a computed value."""
    return target / 100 if metrics.get(kpi).fmt == "pct" else target


def target_text(kpi: str, target: float) -> str:
    """ "completion rate ≥ 35 %"."""
    m = metrics.get(kpi)
    unit = {"pct": " %", "seconds": " s"}.get(m.fmt, "")
    return f"{m.label} {direction(kpi)} {number_text(target)}{unit}"


# -- validation ------------------------------------------------------------------------------


def _text(what: str, value: object, limit: int, required: bool = False) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    if not text:
        if required:
            raise Empty(what)
        return ""
    if len(text) > limit:
        raise TooLong(what, len(text), limit)
    if not text.isprintable():
        raise WrongKind(what, text, "printable text (no control characters or line breaks)")
    if neutralise(text) != text:
        # A plan file is edited in spreadsheets: such a cell would run there (see export.neutralise).
        raise WrongKind(
            what, text, "text a spreadsheet would not run as a formula (no =, +, -, @ at its start or after , or ;)"
        )
    return text


def _number(what: str, value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = "" if value is None else str(value).strip().removesuffix("%").strip()
        if not text:
            raise Empty(what)
        try:
            number = float(text)
        except ValueError:
            raise WrongKind(what, value, "a number such as 35 or 12.5") from None
    if not math.isfinite(number) or number < 0:
        raise WrongKind(what, value, "a number from 0 up")
    return number


def _date(what: str, value: object) -> dt.date | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, pd.Timestamp):
        day = value.date()
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise WrongKind(what, value, "a date written YYYY-MM-DD") from None
    if not model.FIRST_DATE <= day <= model.LAST_DATE:
        raise OutOfRange(what, day.isoformat(), model.FIRST_DATE.isoformat(), model.LAST_DATE.isoformat())
    return day


def _choice(what: str, value: object, allowed: Sequence[str]) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    if not text:
        raise Empty(what)
    if text not in allowed:
        raise UnknownChoice(what, text, allowed)
    return text


def _channels(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
    out: list[str] = []
    for item in items:
        name = str(item).strip()
        if name:
            out.append(_choice("channel", name, model.CHANNELS))
    if len(set(out)) != len(out):
        raise WrongKind("channels", value, "each channel once")
    return tuple(out)


def _secondary(value: object) -> tuple[tuple[str, float], ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        return ()
    out: list[tuple[str, float]] = []
    for part in str(value).split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise WrongKind("secondary targets", part.strip(), "KPI=target pairs separated by ';' (ctr=1.5; cpa=12)")
        name, number = part.split("=", 1)
        out.append((_choice("secondary KPI", name.strip(), KPIS), _number("secondary target", number)))
    if len(out) > MAX_SECONDARY:
        raise OutOfRange("number of secondary targets", len(out), 0, MAX_SECONDARY)
    if len({k for k, _ in out}) != len(out):
        raise WrongKind("secondary targets", value, "each KPI once")
    return tuple(out)


def clean(values: Mapping[str, object]) -> Plan:
    """A plan from loose values (a file row, an editor row); a bad field raises an InvalidValue naming it."""
    kind = _choice("plan kind", values.get("kind") or "video", KINDS)
    return Plan(
        kind=kind,
        key=_text(f"{kind} key", values.get("key"), MAX_KEY, required=True),
        objective=_choice("objective", values.get("objective"), PLAN_OBJECTIVES),
        kpi=_choice("KPI", values.get("kpi"), KPIS),
        target=_number("target", values.get("target")),
        channels=_channels(values.get("channels")),
        format=_text("format", values.get("format"), MAX_FORMAT),
        launch_on=_date("publish / launch date", values.get("launch_on")),
        secondary=_secondary(values.get("secondary")),
        owner=_text("owner", values.get("owner"), MAX_OWNER),
        note=_text("note", values.get("note"), MAX_NOTE),
    )


def clean_all(rows: Iterable[Mapping[str, object]], first_row: int = 1) -> list[Plan]:
    """Plans from rows; the first bad row raises an InvalidValue naming its number ("row 3: ...")."""
    out: list[Plan] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        if all(v is None or str(v).strip() == "" or (isinstance(v, float) and math.isnan(v)) for v in row.values()):
            continue
        try:
            plan = clean(row)
        except InvalidValue as exc:
            raise RowRefused(f"row {number}: {exc}") from None
        if plan.plan_id in seen:
            raise RowRefused(f"row {number}: {plan.kind} {plan.key!r} has a plan already, on row {seen[plan.plan_id]}")
        seen[plan.plan_id] = number
        out.append(plan)
    if len(out) > MAX_PLANS:
        raise OutOfRange("number of plans", len(out), 0, MAX_PLANS)
    return out


# -- reading ---------------------------------------------------------------------------------

_COLUMNS = "kind, key, objective, kpi, target, channels, format, launch_on, secondary, owner, note"


def _from_stored(row: Sequence[object]) -> Plan:
    kind, key, objective, kpi, target, channels, fmt, launch_on, secondary, owner, note = row
    return Plan(
        kind=str(kind),
        key=str(key),
        objective=str(objective),
        kpi=str(kpi),
        target=float(target),  # type: ignore[arg-type]
        channels=tuple(c for c in str(channels or "").split(",") if c),
        format=str(fmt or ""),
        launch_on=launch_on,  # type: ignore[arg-type]
        secondary=_secondary(secondary),
        owner=str(owner or ""),
        note=str(note or ""),
    )


def plans(store: Store) -> list[Plan]:
    """Every stored plan, videos first, by key."""
    rows = store.rows(f"SELECT {_COLUMNS} FROM plans ORDER BY kind DESC, key")
    return [_from_stored(r) for r in rows]


def plan_for(store: Store, video_key: str, campaigns: Sequence[str] = ()) -> Plan | None:
    """The plan that governs a video: its own, else the first of its campaigns' (None when neither)."""
    own = store.rows(f"SELECT {_COLUMNS} FROM plans WHERE kind = 'video' AND key = $k", {"k": video_key})
    if own:
        return _from_stored(own[0])
    if campaigns:
        rows = store.rows(
            f"SELECT {_COLUMNS} FROM plans WHERE kind = 'campaign' AND list_contains($c, key) ORDER BY key",
            {"c": list(campaigns)},
        )
        if rows:
            return _from_stored(rows[0])
    return None


def table(store: Store) -> pd.DataFrame:
    """Plans as rows of a plan file, with `in_data`: whether its video or campaign has been imported yet."""
    stored = plans(store)
    frame = pd.DataFrame([p.as_row() for p in stored], columns=list(FILE_COLUMNS))
    # Only the plans' own keys are looked for, not every key imported (thousands of videos).
    present = {
        (kind, key)
        for kind, key in store.rows(
            f"SELECT DISTINCT 'video', {VIDEO_KEY_SQL} FROM facts_summed WHERE _grain = 'all' "
            f"AND list_contains($videos, {VIDEO_KEY_SQL}) UNION SELECT DISTINCT 'campaign', campaign "
            "FROM facts_summed WHERE _grain = 'all' AND list_contains($campaigns, campaign)",
            {
                "videos": [p.key for p in stored if p.kind == "video"],
                "campaigns": [p.key for p in stored if p.kind == "campaign"],
            },
        )
    }
    frame["in_data"] = [(k, key) in present for k, key in zip(frame["kind"], frame["key"], strict=True)]
    return frame


def history(store: Store, limit: int = 200) -> pd.DataFrame:
    """The latest changes to plans, newest first: when, who, which plan, what, before and after (as JSON).

    `changes` says it in words: the fields that changed, each as "field: before → after".
    """
    frame = store.df(
        "SELECT changed_at, coalesce(changed_by, '') AS changed_by, plan_id, action, before, after "
        "FROM plan_history ORDER BY changed_at DESC, plan_id LIMIT $n",
        {"n": int(limit)},
    )
    frame["changes"] = [_changes(b, a) for b, a in zip(frame["before"], frame["after"], strict=True)]
    return frame


def _changes(before: str | None, after: str | None) -> str:
    old = json.loads(before) if isinstance(before, str) else {}
    new = json.loads(after) if isinstance(after, str) else {}
    parts = []
    for name in FILE_COLUMNS[2:]:
        a, b = old.get(name, ""), new.get(name, "")
        if a != b:
            parts.append(f"{name}: {a or '—'} → {b or '—'}")
    return "; ".join(parts)


# -- writing ---------------------------------------------------------------------------------


def _stored_params(plan: Plan, by: str | None) -> dict[str, object]:
    return {
        "id": plan.plan_id,
        "kind": plan.kind,
        "key": plan.key,
        "objective": plan.objective,
        "channels": ",".join(plan.channels) or None,
        "format": plan.format or None,
        "launch_on": plan.launch_on,
        "kpi": plan.kpi,
        "target": plan.target,
        "secondary": "; ".join(f"{k}={number_text(v)}" for k, v in plan.secondary) or None,
        "owner": plan.owner or None,
        "note": plan.note or None,
        "by": by,
    }


def _write(
    store: Store, upserts: Sequence[Plan], removals: Sequence[Plan], by: str | None, changes: Changes
) -> Changes:
    if not changes.any:
        return changes
    touched = [*upserts, *removals]
    scope, params = plan_scope(
        [p.key for p in touched if p.kind == "video"], [p.key for p in touched if p.kind == "campaign"]
    )
    before = {p.plan_id: p for p in plans(store)}
    with store.transaction() as tx:
        for plan in touched:
            tx.execute("DELETE FROM plans WHERE plan_id = $id", {"id": plan.plan_id})
        for plan in upserts:
            tx.execute(
                "INSERT INTO plans VALUES ($id, $kind, $key, $objective, $channels, $format, $launch_on, $kpi, "
                "$target, $secondary, $owner, $note, now()::TIMESTAMP, $by)",
                _stored_params(plan, by),
            )
        for plan in touched:
            old, new = before.get(plan.plan_id), None if plan in removals else plan
            action = "removed" if new is None else ("changed" if old else "added")
            tx.execute(
                "INSERT INTO plan_history VALUES (now()::TIMESTAMP, $by, $id, $action, $before, $after)",
                {
                    "by": by,
                    "id": plan.plan_id,
                    "action": action,
                    "before": json.dumps(old.as_row(), ensure_ascii=False) if old else None,
                    "after": json.dumps(new.as_row(), ensure_ascii=False) if new else None,
                },
            )
        imports = [
            int(r[0])
            for r in tx.execute(
                f"SELECT DISTINCT import_id FROM facts WHERE replaced_by IS NULL AND {scope}", params
            ).fetchall()
        ]
        apply_plans(tx, "facts", scope, params)
        # Only the planned rows changed: only their sums (and their days' sums) are summed again.
        refresh_rollup(tx, imports, scope=(scope, params))
    return changes


def save(store: Store, role: str, plan: Plan, by: str | None = None) -> Changes:
    """Add or change one plan (analysts only); an unchanged plan writes nothing."""
    roles.require_analyst(role, "edit plans")
    old = {p.plan_id: p for p in plans(store)}.get(plan.plan_id)
    if old == plan:
        return Changes()
    changes = Changes(changed=(plan.plan_id,)) if old else Changes(added=(plan.plan_id,))
    return _write(store, [plan], [], by, changes)


def remove(store: Store, role: str, plan_id: str, by: str | None = None) -> Changes:
    """Remove one plan (analysts only): its rows get back the objective and channel their rules gave."""
    roles.require_analyst(role, "edit plans")
    old = {p.plan_id: p for p in plans(store)}.get(plan_id)
    if old is None:
        raise NotFound(f"there is no plan {plan_id!r}")
    return _write(store, [], [old], by, Changes(removed=(plan_id,)))


def replace_all(store: Store, role: str, new: Sequence[Plan], by: str | None = None) -> Changes:
    """Make the stored plans exactly `new` (analysts only): add, change and remove; unchanged ones are not touched."""
    roles.require_analyst(role, "edit plans")
    if len({p.plan_id for p in new}) != len(new):
        raise WrongKind("plans", "duplicates", "one plan per video or campaign")
    old = {p.plan_id: p for p in plans(store)}
    wanted = {p.plan_id: p for p in new}
    upserts = [p for p in new if old.get(p.plan_id) != p]
    removals = [p for pid, p in old.items() if pid not in wanted]
    changes = Changes(
        added=tuple(p.plan_id for p in upserts if p.plan_id not in old),
        changed=tuple(p.plan_id for p in upserts if p.plan_id in old),
        removed=tuple(p.plan_id for p in removals),
    )
    return _write(store, upserts, removals, by, changes)


# -- plan files ------------------------------------------------------------------------------


def to_csv(store: Store) -> str:
    """Every plan as a plan file (CSV, FILE_COLUMNS)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FILE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for plan in plans(store):
        writer.writerow(plan.as_row())
    return out.getvalue()


def from_csv(text: str) -> list[Plan]:
    """Plans from a plan file; anything wrong raises an InvalidValue naming the row (or the header) and why."""
    if "\x00" in text:
        raise WrongKind("plan file", "a binary file", "a CSV text file")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise Empty("plan file") from None
    except csv.Error as exc:
        raise WrongKind("plan file", str(exc), "a CSV file") from None
    header = [h.strip() for h in header]
    if tuple(header) != FILE_COLUMNS:
        raise RowRefused(f"row 1: the columns must be {', '.join(FILE_COLUMNS)} (got {', '.join(header)[:200]})")
    rows: list[dict[str, object]] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                rows.append({})
                continue
            if len(cells) != len(FILE_COLUMNS):
                raise RowRefused(f"row {number}: {len(cells)} cells where the header has {len(FILE_COLUMNS)}")
            rows.append(dict(zip(FILE_COLUMNS, cells, strict=True)))
    except csv.Error as exc:
        raise RowRefused(f"row {reader.line_num}: {exc}") from None
    return clean_all([r for r in rows], first_row=2)


def as_dict(plan: Plan) -> dict[str, object]:
    """The plan's fields (for tests and JSON)."""
    return asdict(plan)
