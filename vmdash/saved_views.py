"""Named saved views: a name and the link that reproduces a view, created by analysts, open to all.

A link is relative to the app (page path and query string, e.g.
`retention?platform=youtube&unit=seconds`), so it keeps working behind any host
name or proxy. Only such links are accepted: no scheme, no host, nothing a
browser could run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from vmdash import roles
from vmdash.errors import Empty, NotFound, TooLong, WrongKind
from vmdash.store import Store

MAX_NAME = 80
MAX_LINK = 8000
_LINK = re.compile(r"^[a-z0-9_-]*(\?[A-Za-z0-9_.~%+=&,:;/-]*)?$")


@dataclass(frozen=True)
class SavedView:
    """One saved view."""

    name: str
    link: str
    created_at: dt.datetime
    created_by: str | None


def link_for(page_path: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """The relative link of a page with these query parameters (repeated keys for several values)."""
    query = urlencode({k: ([v] if isinstance(v, str) else list(v)) for k, v in params.items()}, doseq=True)
    return f"{page_path}?{query}" if query else page_path


def clean_name(name: str) -> str:
    """A view name as stored: printable, single-spaced, trimmed; refused when empty or too long."""
    text = " ".join("".join(ch for ch in str(name) if ch.isprintable()).split())
    if not text:
        raise Empty("view name")
    if len(text) > MAX_NAME:
        raise TooLong("view name", len(text), MAX_NAME)
    return text


def check_link(link: str) -> str:
    """The link if it is a relative app link; refused otherwise (an absolute or script URL, say)."""
    if len(link) > MAX_LINK or not _LINK.match(link):
        raise WrongKind("view link", link, "a page path and query string of this app")
    return link


def saved_views(store: Store) -> list[SavedView]:
    """Every saved view, by name."""
    rows = store.rows("SELECT name, link, created_at, created_by FROM saved_views ORDER BY lower(name), name")
    return [SavedView(*row) for row in rows]


def save_view(store: Store, role: str, name: str, link: str, created_by: str | None = None) -> SavedView:
    """Save (or replace) a named view; analysts only."""
    roles.require_analyst(role, "save views")
    view = SavedView(clean_name(name), check_link(link), dt.datetime.now().replace(microsecond=0), created_by)
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR REPLACE INTO saved_views VALUES ($name, $link, $at, $by)",
            {"name": view.name, "link": view.link, "at": view.created_at, "by": created_by},
        )
    return view


def delete_view(store: Store, role: str, name: str) -> None:
    """Remove a saved view; analysts only."""
    roles.require_analyst(role, "delete saved views")
    with store.transaction() as tx:
        gone = tx.execute("DELETE FROM saved_views WHERE name = $name", {"name": name}).fetchone()[0]
    if not gone:
        raise NotFound(f"there is no saved view called “{name[:MAX_NAME]}”")
