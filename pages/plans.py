"""Plans: why each video is made, for which channels and with which target; its scorecard; the history of changes."""

import streamlit as st

from vmdash import roles, ui
from vmdash.queries import scorecards

ui.through_app()
store = ui.store()
filters = ui.current_filters()
ui.page_header("Plans", store, filters, needs_data=False)

data = scorecards.load(store, filters)
ui.unplanned_note(data)
ui.scorecards_section(data)
ui.decisions_section(data)

st.subheader("Plans")
if ui.role() == roles.ANALYST:
    ui.saved_note()
    ui.plan_form(store, data)
    ui.plans_editor(store, data)
else:
    ui.plans_table(data)
ui.history_section(data)
