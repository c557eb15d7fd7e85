"""Upload & data: import exports with a preview first, then history with undo."""

import streamlit as st

from vmdash import model, roles, ui

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Upload & data", store, filters, needs_data=False)
if ui.role() != roles.ANALYST:
    st.error("Only analysts can upload, map or undo. Sign in with the analyst key in the sidebar.")
    ui.end_page()

files = st.file_uploader(
    "Platform exports (CSV, XLSX or ZIP as downloaded)",
    type=["csv", "tsv", "txt", "xlsx", "zip"],
    accept_multiple_files=True,
    key="uploads",
    max_upload_size=ui.MAX_UPLOAD_MB,
)
left, right = st.columns(2)
channel = left.selectbox(
    "Channel for these files",
    [None, *model.CHANNELS],
    format_func=lambda c: "from the file / platform" if c is None else c,
)
objective = right.selectbox(
    "Objective for these files",
    [None, *model.OBJECTIVES],
    format_func=lambda o: "from the file / campaign names" if o is None else o,
)

# TikTok Studio writes some dates without their year ('February 28'): the import asks for it.
year = st.number_input("Year of dates written without one", min_value=1990, max_value=2099, value=None, step=1)

# Also with no file: the files (and previews) of an upload just removed go with it.
ui.upload_flow(store, files or [], channel, objective, year)

st.subheader("Import history")
ui.import_history(store)

with st.expander("Objective rules", icon=":material/sell:"):
    ui.objective_rules_editor(store)
