"""vmdash: the router and frame (page config, store, filters from the URL, roles, navigation)."""

import streamlit as st

from vmdash import cache, queries, ui

st.set_page_config(page_title="vmdash · video marketing results", page_icon=ui.FAVICON, layout="wide")

ui.remember_link()
# The page asked for is settled before any query: a run that ends early (the retrying message
# of a busy database) keeps it and its URL, instead of falling back to the default page.
page = st.navigation(ui.app_pages(ui.role()))
ui.keep_favicon()
ui.opening(page)  # a first visit shows the title and progress at once, not a blank area while the queries run
store = ui.store()
ui.ensure_data(store)
# Read before anything else the run draws from the data (the filter bar's choices and dates too).
version = queries.data_version(store)
# The run's cached answers are read at this version; the check at the end throws the run away if it moved.
with cache.pinned(store, version):
    ui.set_filters(ui.filter_bar(store))
    ui.access_panel()
    notes = st.container()
    # The page draws into one placeholder, so a run that saw the data move can take back all it drew.
    body = st.empty()
    try:
        with body.container(), ui.routed():
            page.run()
    finally:
        # Also when a page ends early (ui.end_page on "no data"): the link notes and Share still show.
        ui.page_drawn(page.url_path)
        ui.link_notes(notes)
        ui.share_panel(store, page.url_path)
# An import or undo landed while this page was being drawn: clear it and draw it again, so no
# page ever rests on numbers from before and after the same import side by side (the browser
# may show a finished run's last frame until the next run replaces it).
if queries.data_version(store) != version:
    body.empty()
    st.rerun()
ui.freeze_heap()
