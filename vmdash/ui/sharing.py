"""Shared links and saved views: the link as opened, what it lost, the link to copy, named views."""

from __future__ import annotations

import streamlit as st

from vmdash import links, queries, roles, share
from vmdash import saved_views as views
from vmdash.errors import VmdashError
from vmdash.store import Store
from vmdash.ui.access import role
from vmdash.ui.common import LINK_AS_OPENED as _OPENED
from vmdash.ui.common import LINK_FIXES as _FIXES
from vmdash.ui.common import no_links, show_error


def _current_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _widget_values(key: str) -> list[str]:
    value = st.session_state.get(key) if key in links.BY_KEY else None
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item.isoformat() if hasattr(item, "isoformat") else str(item) for item in items]


def remember_link() -> None:
    """Keep the query string as the session first opened it, before any widget reads it."""
    if _OPENED not in st.session_state:
        st.session_state[_OPENED] = _current_params()


def link_notes(box: st.delta_generator.DeltaGenerator) -> None:
    """Say, once per opened link, what the app changed in it and which of its values the view could not use."""
    for note in st.session_state.pop(_FIXES, []):
        box.info(no_links(note), icon=":material/link:")
    asked = st.session_state.get(_OPENED)
    if not asked:
        return
    # A widget on this page says what it took; other keys keep whatever stayed in the URL.
    current = _current_params()
    kept = {key: (_widget_values(key) if key in st.session_state else current.get(key, [])) for key in asked}
    notes = share.dropped(asked, kept)
    st.session_state[_OPENED] = {}
    st.session_state["_link_notes"] = notes
    for note in notes:
        box.warning(no_links(note), icon=":material/link_off:")
    # Said once: a copied or reloaded address no longer carries them.
    for key in share.unknown(asked):
        if key in st.query_params:
            del st.query_params[key]


def _relative_link(page_path: str) -> str:
    # Only what this view shows: parameters of widgets drawn on it. A value for a control this
    # page does not draw (another mode's, or an unknown key) would ride along unchecked.
    shown = {k: v for k, v in _current_params().items() if k in links.BY_KEY and k in st.session_state}
    return views.link_for(page_path, shown)


# One click copies the link: a Streamlit popover with a code block takes two (open, then copy).
# navigator.clipboard exists only on secure pages (https, localhost); a server reached over plain
# http on the network copies through a selected, hidden text area instead.
_COPY_HTML = (
    '<button type="button" class="copy"><span class="icon">🔗</span><span class="label">Copy link</span></button>'
)
_COPY_CSS = """
.copy { width: 100%; padding: 0.4rem 0.75rem; font: inherit; cursor: pointer;
  color: var(--st-text-color); background: var(--st-background-color);
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4)); border-radius: var(--st-base-radius, 0.5rem); }
.copy:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
.icon { margin-right: 0.4rem; }
"""
_COPY_JS = """
export default function ({ data, parentElement }) {
  const button = parentElement.querySelector("button.copy");
  const label = parentElement.querySelector(".label");
  const copyByHand = (text) => {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  };
  button.onclick = async () => {
    let done = false;
    try {
      await navigator.clipboard.writeText(data.link);
      done = true;
    } catch (error) {
      done = copyByHand(data.link);
    }
    label.textContent = done ? "Link copied" : "Not copied: open “Show link”";
    clearTimeout(button.reset);
    button.reset = setTimeout(() => { label.textContent = "Copy link"; }, 2500);
  };
}
"""
_copy_button = st.components.v2.component("vmdash_copy_link", html=_COPY_HTML, css=_COPY_CSS, js=_COPY_JS)


def share_panel(s: Store, page_path: str) -> None:
    """The sidebar's Share section: this view's link to copy, saved views, and (analysts) saving one."""
    link = _relative_link(page_path)
    base = st.context.url or ""
    # st.context.url ends with the current page's path; the link carries its own.
    root = base[: -len(page_path)] if page_path and base.endswith(page_path) else base.rstrip("/") + "/"
    with st.sidebar:
        st.subheader("Share")
        latest = queries.latest_import(s)
        _copy_button(data={"link": root + link}, key="_copy_link")
        with st.popover("Show link", icon=":material/visibility:", width="stretch"):
            st.caption("Anyone opening this link sees this page with these filters and settings.")
            st.code(root + link, language=None, wrap_lines=True)
            if latest:
                st.caption(f"Data as of import #{latest[0]}, {latest[1]:%Y-%m-%d %H:%M}.")
        saved = views.saved_views(s)
        if saved:
            st.markdown("**Saved views**")
            st.markdown("\n".join(f"- [{no_links(share.shown(v.name))}](./{v.link})" for v in saved))
        if role() == roles.ANALYST:
            with st.expander("Save this view", icon=":material/bookmark_add:"):
                name = st.text_input("Name", max_chars=views.MAX_NAME, key="_view_name")
                if st.button("Save view", key="_save_view"):
                    try:
                        saved_view = views.save_view(s, role(), name, link)
                    except VmdashError as exc:
                        show_error(exc)
                    else:
                        st.success(f"Saved “{no_links(share.shown(saved_view.name))}”.")
                if saved:
                    gone = st.selectbox("Delete a saved view", [v.name for v in saved], index=None, key="_view_del")
                    if gone and st.button("Delete", key="_delete_view"):
                        views.delete_view(s, role(), gone)
                        st.rerun()
