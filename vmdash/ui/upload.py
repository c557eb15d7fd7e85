"""Upload & data widgets: preview before writing, import in one transaction, history with undo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from vmdash import queries
from vmdash.errors import VmdashError
from vmdash.ingest import Options, Upload, import_files, preview, undo
from vmdash.ingest.pipeline import Rejection, file_hash
from vmdash.store import Store
from vmdash.ui.access import require_analyst
from vmdash.ui.common import frame

MAX_UPLOAD_MB = 1024


def _save_upload(uploaded: object, workdir: Path) -> Upload:
    # The browser's file name is only used for display and detection, never as a path.
    target = workdir / f"upload_{abs(hash(uploaded.file_id))}"
    target.write_bytes(uploaded.getbuffer())
    return Upload(target, uploaded.name)


def upload_flow(s: Store, files: list, channel: str | None, objective: str | None) -> None:
    """Preview each uploaded file, then import them all in one transaction on request."""
    options = Options(channel=channel, objective=objective)
    with tempfile.TemporaryDirectory(prefix="vmdash-upload-") as tmp:
        uploads = [_save_upload(f, Path(tmp)) for f in files]
        ready = []
        for upload in uploads:
            with st.expander(f"{upload.name}", expanded=True):
                try:
                    report, frames = preview(s, upload, options)
                except VmdashError as exc:
                    st.error(str(exc), icon=":material/error:")
                    continue
                if report.duplicate_of is not None:
                    st.info(f"Already imported as #{report.duplicate_of}; importing it again changes nothing.")
                st.success(report.detection_text(), icon=":material/check_circle:")
                for part, df in zip(report.parts, frames, strict=True):
                    st.caption(
                        f"{part.part.display_name}: {part.loadable} rows to load, {part.summary_rows} summary "
                        f"row(s) skipped, {part.rejected} rejected"
                    )
                    frame(df)
                    if part.rejections:
                        frame(_rejections(part.rejections))
                ready.append(upload)
        if not ready:
            return
        key = "imported:" + ",".join(sorted(file_hash(u.path) for u in ready))
        if st.session_state.get("last_import_key") == key:
            st.success("These files are imported.")
            return
        if st.button(f"Import {len(ready)} file(s)", type="primary"):
            try:
                require_analyst("import files")
                with st.spinner("Importing…"):
                    reports = import_files(s, ready, options)
            except VmdashError as exc:
                st.error(f"Nothing was imported: {exc}", icon=":material/error:")
                return
            st.session_state["last_import_key"] = key
            for report in reports:
                st.success(report.summary_line())


def _rejections(rejections: list[Rejection]) -> pd.DataFrame:
    return pd.DataFrame([{"row": r.row, "why it was not loaded": r.reason} for r in rejections])


def import_history(s: Store) -> None:
    """The imports table with an undo control."""
    history = queries.imports(s)
    if history.empty:
        st.info("No imports yet.")
        return
    frame(history)
    active = history[history["status"] == "active"]["import_id"].tolist()
    if not active:
        return
    col, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = col.selectbox(
        "Undo an import", active, format_func=lambda i: f"#{i} — " + history.set_index("import_id").loc[i, "file_name"]
    )
    if button.button("Undo", key="undo_button"):
        try:
            require_analyst("undo imports")
            result = undo(s, int(chosen))
        except VmdashError as exc:
            st.error(str(exc))
            return
        st.success(
            f"Import #{chosen} undone: {result['removed']} rows removed, {result['restored']} earlier rows restored."
        )
        st.rerun()
