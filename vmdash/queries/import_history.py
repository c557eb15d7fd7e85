"""Import metadata: the import history, the data version, the newest import, active content hashes."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vmdash import cache
from vmdash.store import Store


def imports(store: Store) -> pd.DataFrame:
    """Every import, newest first."""
    return store.df(
        "SELECT import_id, file_name, source_format, locale, rows_read, rows_loaded, rows_rejected, "
        "rows_replaced, replaced_imports, imported_at, status, detection FROM imports ORDER BY import_id DESC"
    )


def data_version(store: Store) -> cache.Version:
    """Changes whenever an import lands or is undone, a plan changes or the loop log does (see vmdash.cache)."""
    return cache.data_version(store)


def latest_import(store: Store) -> tuple[int, dt.datetime] | None:
    """The newest active import's id and time ('data as of import #N')."""
    row = store.rows(
        "SELECT import_id, imported_at FROM imports WHERE status = 'active' ORDER BY import_id DESC LIMIT 1"
    )
    return (int(row[0][0]), row[0][1]) if row else None


def is_empty(store: Store) -> bool:
    """True when no import has ever landed."""
    return store.scalar("SELECT count(*) FROM imports") == 0


def active_hashes(store: Store) -> frozenset[str]:
    """Content hashes of the active imports."""
    return frozenset(h for (h,) in store.rows("SELECT content_hash FROM imports WHERE status = 'active'"))
