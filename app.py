"""vmdash: the router and frame (page config, store, filters from the URL, roles, navigation)."""

import streamlit as st

from vmdash import queries, roles, ui

st.set_page_config(page_title="vmdash · video marketing results", page_icon=":material/movie:", layout="wide")

store = ui.store()
ui.ensure_data(store)
ui.remember_link()
ui.set_filters(ui.filter_bar(store))
role = ui.access_panel()

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/retention.py", title="Retention", icon=":material/show_chart:", url_path="retention"),
    st.Page("pages/completion.py", title="Completion", icon=":material/hourglass_bottom:", url_path="completion"),
    st.Page("pages/funnel.py", title="Funnel impact", icon=":material/filter_alt:", url_path="funnel"),
    st.Page("pages/test_learn.py", title="Test & learn", icon=":material/science:", url_path="test-learn"),
]
# Viewers are not offered the page at all; its writes also check the role on the server.
if role == roles.ANALYST:
    pages.append(st.Page("pages/upload.py", title="Upload & data", icon=":material/upload_file:", url_path="data"))
notes = st.container()
page = st.navigation(pages)
version = queries.data_version(store)
try:
    page.run()
finally:
    # Also when a page stops early (st.stop on "no data"): the link notes and Share still show.
    ui.link_notes(notes)
    ui.share_panel(store, page.url_path)
# An import or undo landed while this page was being drawn: draw it again, so no page
# ever shows numbers from before and after the same import side by side.
if queries.data_version(store) != version:
    st.rerun()
