"""The app's pages, and every visit to one going through app.py's frame.

Streamlit still honours its older multipage mode for an app with a `pages/` folder:
until the first session of a server process has run app.py (whose `st.navigation`
switches that mode off), a visit straight to `/funnel` runs `pages/funnel.py` on its
own, without the filter bar, the link notes, the Share panel or the role check. A
stakeholder opening a shared link on a freshly started server would see the wrong
numbers. Each page therefore starts with `through_app()`, which sends such a
visit back through app.py to the same page with the same query string.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from vmdash import roles
from vmdash.errors import VmdashError
from vmdash.ui.common import show_error

# (script, title, icon, URL path); the first is the default page, at the root URL. Each
# file is named after its URL path: the older mode names a page after its file, so a page
# it runs directly is the same page once rerun through app.py (see through_app).
_PAGES = (
    ("pages/overview.py", "Overview", ":material/dashboard:", None),  # also /overview
    ("pages/plans.py", "Plans", ":material/flag:", "plans"),
    ("pages/video.py", "Video", ":material/smart_display:", "video"),
    ("pages/retention.py", "Retention", ":material/show_chart:", "retention"),
    ("pages/completion.py", "Completion", ":material/hourglass_bottom:", "completion"),
    ("pages/funnel.py", "Funnel impact", ":material/filter_alt:", "funnel"),
    ("pages/discovery.py", "Discovery", ":material/travel_explore:", "discovery"),
    ("pages/test-learn.py", "Test & learn", ":material/science:", "test-learn"),
)
# Only analysts see this one in the menu; the page refuses viewers and its writes check the role on the server.
_ANALYST_PAGES = (("pages/data.py", "Upload & data", ":material/upload_file:", "data"),)

# The browser tab's icon, served by the app itself. A `:material/...` name as the tab's icon (the
# menu's icons become it after st.navigation) is fetched from Google's font servers on every visit:
# a self-hosted install offline shows none and logs an error, one online tells Google each visit.
FAVICON = str(Path(__file__).with_name("favicon.png"))

# Each page's URL path, as a link opens it ("" is the default page, at the root URL).
URL_PATHS = tuple(url_path or "" for _, _, _, url_path in _PAGES + _ANALYST_PAGES)

_local = threading.local()
_log = logging.getLogger("vmdash")


def keep_favicon() -> None:
    """Called after st.navigation, which makes the chosen page's menu icon the tab's icon: the app's own stays."""
    st.set_page_config(page_icon=FAVICON)


def app_pages(role: str) -> list[st.Page]:
    """The pages this role is offered, in menu order.

    A viewer's menu leaves the analysts' pages out, but their URLs still open: an analyst who
    follows a link to /data before signing in is told to sign in, not sent elsewhere.
    """
    analyst = role == roles.ANALYST
    return [
        st.Page(
            script,
            title=title,
            icon=icon,
            url_path=url_path,
            default=url_path is None,
            visibility="visible" if analyst or (script, title, icon, url_path) in _PAGES else "hidden",
        )
        for script, title, icon, url_path in _PAGES + _ANALYST_PAGES
    ]


# The url_path of every page this session has drawn once: only a first visit shows the progress indication
# (later runs keep the page's last drawing, greyed, while they run).
_DRAWN = "_vmdash_pages_drawn"
LOADING = "Loading this page's numbers…"


def _progress(slot: Any) -> None:
    # A caption, not st.status: each status sleeps 50 ms to let the browser catch up, and a first
    # visit drew three.
    slot.caption(f":material/hourglass_top: {LOADING}")


def opening(page: StreamlitPage) -> None:
    """Say at once that a page is loading, the first time a session opens it, rather than leave a blank area.

    app.py calls it before any query: the page's title with a progress line under it, which
    the page's own header replaces (title_drawn, header_drawn).
    """
    _local.progress = None
    if page.url_path in st.session_state.get(_DRAWN, ()):
        return
    slot = st.empty()
    with slot.container():
        st.title(page.title)
        _progress(st.empty())
    _local.progress = slot


def title_drawn() -> None:
    """The page has drawn its own title: the first visit's stand-in title above it goes, its progress line stays."""
    slot = getattr(_local, "progress", None)
    if slot is not None:
        _progress(slot)


def header_drawn(more: bool = True) -> None:
    """The page has drawn its own title and captions (ui.page_header): the progress indication moves below them,
    or goes when nothing `more` follows."""
    slot = getattr(_local, "progress", None)
    if slot is None:
        return
    slot.empty()
    _local.progress = None
    if more:
        _local.progress = st.empty()
        _progress(_local.progress)


def page_drawn(url_path: str) -> None:
    """Called by app.py once the page is drawn (or ended early): the progress indication goes."""
    slot = getattr(_local, "progress", None)
    if slot is not None:
        slot.empty()
    _local.progress = None
    st.session_state[_DRAWN] = {*st.session_state.get(_DRAWN, ()), url_path}


def freeze_heap() -> None:
    """After the process's first run, leave what it holds out of every later garbage collection.

    Streamlit collects all generations after each run (`runner.postScriptGC`). What a first run
    leaves (modules, Altair's schema, the store: some 190k objects) took that collection
    0.1–0.25 s, holding the GIL while the browser waited for the page's scripts to be served and
    other sessions' runs waited too. Those objects live as long as the process; frozen, a
    collection walks only what later runs made (1–3 ms).

    Remembered in a flag, not asked of `gc.get_freeze_count()`: that counts the frozen objects
    one by one (a walk of a linked list), 20–180 ms per run timed in a server on the 1M database.
    """
    global _heap_frozen
    if not _heap_frozen:
        gc.freeze()
        _heap_frozen = True


_heap_frozen = False


class _PageEnded(Exception):
    """Raised by end_page(); the frame catches it."""


def end_page() -> None:
    """Stop drawing this page here (nothing to show) and let the frame finish.

    Not st.stop(): once a stop is requested Streamlit drops what the frame still draws
    after the page, and the link notes and the Share panel would vanish with it.
    """
    raise _PageEnded


@contextmanager
def routed() -> Iterator[None]:
    """app.py runs the chosen page inside this block: an error the page lets through ends it with a message, never a traceback."""
    _local.routed = True
    try:
        yield
    except _PageEnded:
        pass
    except VmdashError as exc:
        # A refused value (a control's choice, a name) is the person's to fix, not a traceback.
        show_error(exc)
    except Exception:
        # Anything else is ours to fix: the log keeps the traceback, the page says what happened.
        # Streamlit's own stop and rerun derive from BaseException and pass through.
        _log.exception("a page failed")
        st.error(
            "Something went wrong while drawing this page; the details are in the server log. "
            "Reload the page, or go back to the previous view.",
            icon=":material/error:",
        )
    finally:
        _local.routed = False


def through_app() -> None:
    """Called first by every page: outside app.py's frame, start this visit again through it.

    A rerun keeps the query string and the widgets' state, and lands on the same page: the
    older mode names a page after its file, which is named after its URL path in app.py.
    """
    if getattr(_local, "routed", False):
        return
    # Calling st.navigation switches the older mode off for the whole server process.
    st.navigation(app_pages(roles.ANALYST), position="hidden")
    st.rerun()
