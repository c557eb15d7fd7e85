"""vmdash: the router and frame (page config, store, filters from the URL, navigation)."""

import streamlit as st

from vmdash import ui

st.set_page_config(page_title="vmdash · video marketing results", page_icon=":material/movie:", layout="wide")

store = ui.store()
ui.ensure_data(store)
ui.set_filters(ui.filter_bar(store))

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/retention.py", title="Retention", icon=":material/show_chart:", url_path="retention"),
    st.Page("pages/completion.py", title="Completion", icon=":material/hourglass_bottom:", url_path="completion"),
    st.Page("pages/funnel.py", title="Funnel impact", icon=":material/filter_alt:", url_path="funnel"),
    st.Page("pages/upload.py", title="Upload & data", icon=":material/upload_file:", url_path="data"),
]
st.navigation(pages).run()
