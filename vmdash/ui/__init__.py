"""Shared Streamlit pieces; the only vmdash package that imports streamlit.

Pages call these and vmdash's query functions, and hold no SQL.
"""

from vmdash.ui.common import (
    chart,
    current_filters,
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
    store,
)
from vmdash.ui.upload import MAX_UPLOAD_MB, import_history, upload_flow

__all__ = [
    "MAX_UPLOAD_MB",
    "chart",
    "current_filters",
    "definitions",
    "ensure_data",
    "filter_bar",
    "formatted",
    "frame",
    "import_history",
    "kpi_cards",
    "page_header",
    "safe_text",
    "sample_note",
    "set_filters",
    "store",
    "upload_flow",
]
