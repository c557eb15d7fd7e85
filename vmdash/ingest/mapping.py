"""Column mappings: how an analyst teaches vmdash a layout it does not recognise.

A mapping names, for one header row, which column holds which canonical field,
and which platform the file comes from. It is saved under the header row's
signature, so the next file with the same headers is recognised on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vmdash import model, roles
from vmdash.errors import Empty, InvalidChoice, VmdashError
from vmdash.ingest.detect import DELIMITERS, MAX_PREAMBLE_LINES, cells_of
from vmdash.ingest.generic import canonical_field
from vmdash.ingest.spec import Format, normalise_header
from vmdash.store import Store

# The fields a person can map (everything the facts table holds but lineage).
MAPPABLE: tuple[str, ...] = tuple(c.name for c in model.FACT_COLUMNS if c.name != "import_id")


@dataclass(frozen=True)
class ColumnMapping:
    """A saved layout: canonical field -> header, for files of one platform."""

    name: str
    platform: str
    columns: dict[str, str]  # canonical field -> header as written in the file


def header_row(lines: Sequence[str]) -> tuple[str, list[str]]:
    """The likeliest header row of a file no format matched: (delimiter, cells).

    The first line among the first few with the most cells under one delimiter.
    """
    best: tuple[int, str, list[str]] = (0, ",", [])
    for line in lines[:MAX_PREAMBLE_LINES]:
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = cells_of(line, delimiter)
            if len(cells) > best[0]:
                best = (len(cells), delimiter, cells)
    return best[1], best[2]


def signature(headers: Sequence[str]) -> str:
    """The identity of a header row: the same headers in the same order, however spaced or cased."""
    folded = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def check(mapping: ColumnMapping, headers: Sequence[str]) -> ColumnMapping:
    """The mapping if it can import files with these headers; refused with the reason otherwise."""
    name = " ".join(str(mapping.name).split())[:80]
    if not name:
        raise Empty("mapping name")
    if mapping.platform not in model.PLATFORMS:
        raise InvalidChoice("platform", mapping.platform, model.PLATFORMS)
    unknown = set(mapping.columns) - set(MAPPABLE)
    if unknown:
        raise InvalidChoice("field", sorted(unknown)[0], MAPPABLE)
    present = set(headers)
    missing = [h for h in mapping.columns.values() if h not in present]
    if missing:
        raise InvalidChoice("column", missing[0], tuple(headers))
    if len(set(mapping.columns.values())) < len(mapping.columns):
        raise VmdashError("a column can feed only one field; one is mapped twice")
    if not set(mapping.columns) & {c.name for c in model.MEASURES}:
        raise VmdashError("a mapping needs at least one measure column (impressions, views, clicks, spend…)")
    return ColumnMapping(name, mapping.platform, dict(mapping.columns))


def as_format(mapping: ColumnMapping) -> Format:
    """The import format a saved mapping stands for: it matches files holding every mapped header."""
    fields = []
    for canonical, header in mapping.columns.items():
        base = canonical_field(canonical)
        fields.append(type(base)(canonical, (header,), (), base.kind))
    return Format(
        name=f"mapping:{mapping.name}",
        label=f"saved mapping “{mapping.name}”",
        fields=tuple(fields),
        platform=None if "platform" in mapping.columns else mapping.platform,
        derived={"date_end": "coalesce(date_end, date)"} if "date_end" in mapping.columns else {},
        match_all=True,
    )


def save(store: Store, role: str, headers: Sequence[str], mapping: ColumnMapping) -> ColumnMapping:
    """Save a mapping for this header row (analysts only); replaces an earlier one for the same headers."""
    roles.require_analyst(role, "save column mappings")
    checked = check(mapping, headers)
    body = json.dumps({"platform": checked.platform, "columns": checked.columns}, ensure_ascii=False)
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR REPLACE INTO column_mappings VALUES ($sig, $name, $body, $at)",
            {"sig": signature(headers), "name": checked.name, "body": body, "at": dt.datetime.now()},
        )
    return checked


def saved(rows: Sequence[tuple[str, str]]) -> tuple[Format, ...]:
    """Formats for saved mappings, from (name, mapping JSON) rows of the column_mappings table.

    Each is checked again as it is read, as on saving: a row written by hand or by an older
    version that names a field vmdash does not have never reaches a query; it is passed over.
    """
    out = []
    for name, body in rows:
        try:
            data: Mapping[str, object] = json.loads(body)
            columns = data["columns"]
            if not isinstance(columns, dict) or not all(isinstance(h, str) for h in columns.values()):
                continue
            mapping = check(ColumnMapping(str(name), str(data["platform"]), dict(columns)), list(columns.values()))
        except (ValueError, KeyError, TypeError, VmdashError):
            continue
        out.append(as_format(mapping))
    return tuple(out)
