"""Three ways to load the same Meta Ads Manager export into a DuckDB file.

- `vmdash`: the command line, `python -m vmdash import FILE --db PATH` (guard, detect, parse,
  validate, load in one transaction).
- `duckdb`: DuckDB's own `read_csv` with type sniffing into a plain table: the practical limit,
  with no validation, no canonical names and no lineage.
- `pandas`: `pandas.read_csv`, normalisation to the canonical columns in pandas, then one bulk
  insert into vmdash's facts table through Arrow: the usual hand-written importer.

Each runs in its own process (see child.py) so that its peak memory is its own.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from vmdash import model
from vmdash.ingest import meta
from vmdash.ingest.spec import match_headers
from vmdash.store import Store, register_arrow

KINDS = ("vmdash", "duckdb", "pandas")


def vmdash_import(path: Path, db: Path) -> int:
    """vmdash's command line, in this process; returns the rows loaded."""
    from vmdash import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db)])
    if code != 0:
        raise RuntimeError(f"vmdash import failed: {out.getvalue().strip()}")
    with _store(db) as store:
        return int(store.scalar("SELECT count(*) FROM facts"))


@contextlib.contextmanager
def _store(db: Path):
    store = Store(db, idle_release_s=None)
    try:
        yield store
    finally:
        store.close()


def duckdb_import(path: Path, db: Path) -> int:
    """DuckDB's read_csv (sniffed types) straight into a table; returns the rows loaded."""
    con = duckdb.connect(str(db))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("CREATE TABLE export AS SELECT * FROM read_csv($path)", {"path": str(path)})
        rows = con.execute("SELECT count(*) FROM export").fetchone()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return int(rows)


_SUMMARY = re.compile(meta.ADS_MANAGER.summary_row)


def pandas_normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """A Meta Ads Manager export (as read by pandas) in vmdash's canonical fact columns."""
    fmt = meta.ADS_MANAGER
    matches = match_headers(fmt, [str(c) for c in frame.columns])
    if matches is None:
        raise ValueError("not a Meta Ads Manager export")
    first = frame.iloc[:, 0].astype("string").str.strip().str.lower()
    frame = frame[~first.str.match(_SUMMARY).fillna(False).to_numpy()]
    n = len(frame)
    parsed: dict[str, pd.Series] = {}
    for name, match in matches.items():
        raw = frame[match.header]
        kind = match.field.kind
        if kind == "date":
            parsed[name] = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce").dt.date
        elif kind == "int":
            parsed[name] = pd.to_numeric(raw, errors="coerce").round().astype("Int64")
        elif kind in ("number", "pct"):
            parsed[name] = pd.to_numeric(raw, errors="coerce").astype("float64")
        else:
            parsed[name] = raw.astype("string").str.strip()
    placement = parsed["_placement"].str.lower().str.replace(" ", "_")
    platform = placement.where(placement.isin(["facebook", "instagram", "audience_network", "messenger"]), "meta")
    # The team's campaign-name tokens first, then Meta's own objective (as vmdash's importer).
    by_rule = pd.Series(pd.NA, index=frame.index, dtype="string")
    campaigns = parsed["campaign"].str.lower()
    for token, value in reversed(model.DEFAULT_OBJECTIVE_RULES):
        by_rule = by_rule.mask(campaigns.str.contains(token.lower(), regex=False).fillna(False), value)
    platform_objective = parsed["_objective"].str.strip().str.lower().map(model.PLATFORM_OBJECTIVES)
    objective = by_rule.fillna(platform_objective).fillna("unassigned")
    currency = next((m.currency for m in matches.values() if m.currency), None)
    out = pd.DataFrame(index=frame.index)
    for column in model.FACT_COLUMNS:
        name = column.name
        if name == "import_id":
            continue
        if name == "platform":
            out[name] = platform
        elif name == "channel":
            out[name] = platform.map(model.DEFAULT_CHANNEL).fillna("other")
        elif name == "objective":
            out[name] = objective.astype("string")
        elif name == "views":
            out[name] = parsed["views_3s"]
        elif name == "date_end":
            out[name] = parsed["date_end"].fillna(parsed["date"]) if "date_end" in parsed else parsed["date"]
        elif name == "currency":
            out[name] = pd.Series([currency] * n, index=frame.index, dtype="string")
        elif name in parsed:
            out[name] = parsed[name]
        else:
            out[name] = pd.Series([None] * n, index=frame.index, dtype=_dtype(column.sql_type))
    out["source_row"] = np.arange(1, n + 1)
    return out


def _dtype(sql_type: str) -> str:
    return {"BIGINT": "Int64", "DOUBLE": "float64", "INTEGER": "Int64"}.get(sql_type, "object")


def pandas_import(path: Path, db: Path) -> int:
    """pandas.read_csv, normalise in pandas, one Arrow bulk insert; returns the rows loaded."""
    frame = pd.read_csv(path)
    facts = pandas_normalise(frame)
    del frame
    names = [c.name for c in model.FACT_COLUMNS if c.name != "import_id"]
    cols = ", ".join(f'"{c}"' for c in names)
    store = Store(db, idle_release_s=None)
    try:
        with store.transaction() as tx:
            import_id = int(tx.execute("SELECT nextval('import_seq')").fetchone()[0])
            register_arrow(tx, "batch", facts)
            tx.execute(
                f"INSERT INTO facts ({cols}, import_id, source_row) SELECT {cols}, $id, source_row FROM batch",
                {"id": import_id},
            )
            tx.unregister("batch")
        return int(store.scalar("SELECT count(*) FROM facts"))
    finally:
        store.close()


def run(kind: str, path: Path, db: Path) -> int:
    """Load `path` into a fresh database at `db` the `kind` way; returns the rows loaded."""
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {"vmdash": vmdash_import, "duckdb": duckdb_import, "pandas": pandas_import}[kind](path, db)
