"""Upload & data widgets: preview before writing, import in one transaction, history with undo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from vmdash import model, queries
from vmdash.errors import UnknownFormat, VmdashError
from vmdash.ingest import Options, Upload, guard, import_files, mapping, preview, rules, undo
from vmdash.ingest.pipeline import ACCOUNT_NOTE, Flag, Rejection, StagedPart, file_hash
from vmdash.ingest.spec import normalise_header
from vmdash.store import Store
from vmdash.ui.access import require_analyst, role
from vmdash.ui.common import frame, safe_text, show_error

MAX_UPLOAD_MB = 1024


def _save_upload(uploaded: UploadedFile, workdir: Path) -> Upload:
    # The browser's file name is only used for display and detection, never as a path.
    target = workdir / f"upload_{abs(hash(uploaded.file_id))}"
    target.write_bytes(uploaded.getbuffer())
    return Upload(target, uploaded.name)


def upload_flow(s: Store, files: list, channel: str | None, objective: str | None, year: int | None = None) -> None:
    """Preview each uploaded file, then import them all in one transaction on request."""
    options = Options(channel=channel, objective=objective, year=int(year) if year else None)
    with tempfile.TemporaryDirectory(prefix="vmdash-upload-") as tmp:
        uploads = [_save_upload(f, Path(tmp)) for f in files]
        ready = []
        for upload in uploads:
            with st.expander(safe_text(upload.name), expanded=True):
                try:
                    report, frames = preview(s, upload, options)
                except UnknownFormat as exc:
                    show_error(exc)
                    _mapping_editor(s, upload, Path(tmp))
                    continue
                except VmdashError as exc:
                    show_error(exc)
                    continue
                if report.duplicate_of is not None:
                    st.info(f"Already imported as #{report.duplicate_of}; importing it again changes nothing.")
                st.success(safe_text(report.detection_text()), icon=":material/check_circle:")
                for part, df in zip(report.parts, frames, strict=True):
                    st.caption(safe_text(_part_caption(part)))
                    frame(_dated(df))
                    if part.rejections:
                        st.caption(f"Rows not loaded (the first {len(part.rejections)}, by line of the file):")
                        frame(_rejections(part.rejections))
                    nulls = {name: count for name, count in part.null_cells.items() if count}
                    if nulls:
                        st.caption(
                            "Cells read as NULL (blank, unknown such as '--', or unreadable): "
                            "NULL means not reported, never 0."
                        )
                        frame(_null_cells(nulls, part.loadable))
                    if part.flags:
                        st.warning(
                            "Some numbers look impossible. They are loaded as the export gives them; "
                            "check these rows in the platform before trusting the totals.",
                            icon=":material/rule:",
                        )
                        frame(_flags(part.flags))
                ready.append(upload)
        if not ready:
            return
        key = "imported:" + ",".join(sorted(file_hash(u.path) for u in ready))
        if st.session_state.get("last_import_key") == key:
            # Shown from session state: the page is redrawn once the import lands.
            for line in st.session_state.get("last_import_lines", []):
                st.success(safe_text(line))
            st.success("These files are imported.")
            return
        if st.button(f"Import {len(ready)} file(s)", type="primary"):
            bar = st.progress(0.0, text="Importing…")
            try:
                require_analyst("import files")
                reports = import_files(s, ready, options, progress=lambda done, step: bar.progress(done, text=step))
            except VmdashError as exc:
                bar.empty()
                show_error(exc, "Nothing was imported: ")
                return
            bar.empty()
            st.session_state["last_import_key"] = key
            st.session_state["last_import_lines"] = [report.summary_line() for report in reports]
            for line in st.session_state["last_import_lines"]:
                st.success(safe_text(line))


def _flags(flags: list[Flag]) -> pd.DataFrame:
    return pd.DataFrame([{"check": f.check, "rows": f.count, "first rows": ", ".join(map(str, f.rows))} for f in flags])


def _guess(field: str, headers: list[str]) -> str | None:
    wanted = {field, field.replace("_", " ")}
    return next((h for h in headers if normalise_header(h) in wanted), None)


def _mapping_editor(s: Store, upload: Upload, workdir: Path) -> None:
    """Map the columns of a file no format recognised; saved for the next file with these headers."""
    try:
        parts = guard.expand(upload.path, upload.name, workdir / "mapping")
    except VmdashError:
        return
    if len(parts) != 1:
        st.info("Map the files of a ZIP one by one: upload the file whose layout is unknown on its own.")
        return
    _, headers = mapping.header_row(guard.head_lines(parts[0].path))
    if len(headers) < 2:
        return
    st.markdown("**Map its columns.** vmdash keeps the mapping and recognises the next file with these headers.")
    none = "— not in this file —"
    table = pd.DataFrame(
        {
            "vmdash field": list(mapping.MAPPABLE),
            "column in the file": [_guess(f, headers) or none for f in mapping.MAPPABLE],
        }
    )
    key = file_hash(upload.path)[:12]
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        key=f"mapping_{key}",
        column_config={
            "vmdash field": st.column_config.TextColumn(disabled=True, help="See README: Data model."),
            "column in the file": st.column_config.SelectboxColumn(options=[none, *headers], required=True),
        },
    )
    left, right = st.columns(2)
    platform = left.selectbox("Platform of these files", model.PLATFORMS, key=f"mapping_platform_{key}")
    name = right.text_input("Mapping name", value=Path(upload.name).stem[:80], key=f"mapping_name_{key}")
    if st.button("Save mapping and preview again", key=f"mapping_save_{key}", type="primary"):
        columns = {f: h for f, h in zip(edited["vmdash field"], edited["column in the file"], strict=True) if h != none}
        try:
            require_analyst("save column mappings")
            mapping.save(s, role(), headers, mapping.ColumnMapping(name, platform, columns))
        except VmdashError as exc:
            show_error(exc)
            return
        st.rerun()


def objective_rules_editor(s: Store) -> None:
    """The campaign-name tokens that assign objectives, editable by analysts."""
    current = pd.DataFrame(rules.objective_rules(s), columns=["token", "objective"])
    st.caption(
        "When an export has no objective of its own, the first token found in the campaign name (any case) "
        "decides it; otherwise the row is unassigned. Changes apply to the next imports."
    )
    edited = st.data_editor(
        current,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key="objective_rules",
        column_config={
            "token": st.column_config.TextColumn("Token in the campaign name", max_chars=rules.MAX_TOKEN),
            "objective": st.column_config.SelectboxColumn("Objective", options=list(model.OBJECTIVES[:4])),
        },
    )
    if st.button("Save rules", key="save_objective_rules"):
        try:
            require_analyst("edit objective rules")
            saved = rules.save_objective_rules(s, role(), list(edited.itertuples(index=False, name=None)))
        except VmdashError as exc:
            show_error(exc)
            return
        st.success(f"{len(saved)} rule(s) saved.")


def _rejections(rejections: list[Rejection]) -> pd.DataFrame:
    return pd.DataFrame([{"line": r.line, "why it was not loaded": r.reason} for r in rejections])


def _dated(df: pd.DataFrame) -> pd.DataFrame:
    # DATE columns arrive as timestamps: a preview shows the day the export gives, no midnight.
    out = df.copy()
    for name in ("date", "date_end", "published_at"):
        if name in out.columns and pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].dt.date
    return out


def _part_caption(part: StagedPart) -> str:
    """Platform, layout, locale and what happens to the rows of one table of an upload."""
    fmt = part.detection.format
    # A layout that reads the platform per row (Meta's placements, Business Suite's post types)
    # names no single one.
    per_row = "platform" in fmt.derived or fmt.platform is None
    platform = "platform per row" if per_row or fmt.platform is None else model.platform_label(fmt.platform)
    skipped = f"{part.summary_rows} total row(s) and {part.trailer_rows} trailer row(s) skipped"
    return (
        f"{part.part.display_name}: {platform} · {fmt.label} · locale {part.detection.locale} — "
        f"{part.loadable} rows to load, {part.rejected} rejected, {skipped}"
        + (f"; {part.left_out}" if part.left_out else "")
        + (f"; {ACCOUNT_NOTE}" if fmt.account else "")
    )


def _null_cells(nulls: dict[str, int], loaded: int) -> pd.DataFrame:
    return pd.DataFrame(
        [{"measure": name, "cells read as NULL": count, "of rows": loaded} for name, count in nulls.items()]
    )


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
            show_error(exc)
            return
        st.success(
            f"Import #{chosen} undone: {result['removed']} rows removed, {result['restored']} earlier rows restored."
        )
        st.rerun()
