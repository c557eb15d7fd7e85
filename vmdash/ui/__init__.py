"""Shared Streamlit pieces; the only vmdash package that imports streamlit.

Pages call these and their page's `load` (vmdash.queries), and hold no SQL. What lives where:
`common` (the store, the filter bar, KPI cards, charts with export, tables, safe text, error
display), `access` (roles and analyst sign-in), `navigation` (the page list and routing),
`sharing` (copied links, link notes, saved views), `upload` (the Upload & data flow),
`experiments` (Test & learn's pickers, verdicts and loop-log forms), `video` (the Video page's
sections and links to a video's page), `plans` (the Plans page's editor, scorecards and history,
and `plan_scorecard` for one video).
"""

from vmdash.ui import video
from vmdash.ui.access import access_panel, require_analyst, role, where_to_import
from vmdash.ui.common import (
    account_overlap_note,
    chart,
    current_comparison,
    current_filters,
    current_period,
    definitions,
    ensure_data,
    filter_bar,
    formatted,
    frame,
    kpi_cards,
    page_header,
    safe_text,
    sample_note,
    set_filters,
    show_error,
    side_by_side_table,
    store,
    table,
    unique_labels,
)
from vmdash.ui.navigation import app_pages, end_page, freeze_heap, opening, page_drawn, routed, through_app
from vmdash.ui.overview import channel_coverage, volume_cards
from vmdash.ui.plans import (
    decisions_section,
    history_section,
    plan_form,
    plan_scorecard,
    plans_editor,
    plans_table,
    saved_note,
    scorecards_section,
    unplanned_note,
)
from vmdash.ui.sharing import link_notes, remember_link, share_panel
from vmdash.ui.upload import MAX_UPLOAD_MB, import_history, objective_rules_editor, upload_flow

__all__ = [
    "MAX_UPLOAD_MB",
    "account_overlap_note",
    "access_panel",
    "where_to_import",
    "app_pages",
    "channel_coverage",
    "chart",
    "current_comparison",
    "current_filters",
    "current_period",
    "decisions_section",
    "definitions",
    "end_page",
    "ensure_data",
    "filter_bar",
    "freeze_heap",
    "formatted",
    "frame",
    "history_section",
    "import_history",
    "kpi_cards",
    "link_notes",
    "objective_rules_editor",
    "opening",
    "page_drawn",
    "page_header",
    "plan_form",
    "plan_scorecard",
    "plans_editor",
    "plans_table",
    "remember_link",
    "require_analyst",
    "role",
    "routed",
    "safe_text",
    "sample_note",
    "saved_note",
    "scorecards_section",
    "set_filters",
    "share_panel",
    "show_error",
    "side_by_side_table",
    "store",
    "table",
    "through_app",
    "unique_labels",
    "unplanned_note",
    "upload_flow",
    "volume_cards",
    "video",
]
