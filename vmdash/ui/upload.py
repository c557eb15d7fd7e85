"""Upload & data widgets: preview before writing, import in one transaction, history with undo."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from vmdash import model, queries
from vmdash.errors import UnknownFormat, VmdashError
from vmdash.ingest import (
    ImportReport,
    Options,
    Upload,
    discard,
    guard,
    import_files,
    mapping,
    preview,
    preview_state,
    rules,
    undo,
)
from vmdash.ingest.pipeline import ACCOUNT_NOTE, Flag, Rejection, StagedPart
from vmdash.ingest.spec import normalise_header
from vmdash.store import Store
from vmdash.ui.access import require_analyst, role
from vmdash.ui.common import frame, safe_text, show_error

MAX_UPLOAD_MB = 1024
_DIGESTS = "_upload_digests"  # saved file's name -> SHA-256 of its bytes


def _session_dir() -> Path:
    # One directory per browser session, removed with the session (the object's finaliser):
    # a file lives as long as its upload, not one script run. A run that Streamlit stops
    # half-way (a rerun, a click) once removed the files the next run was still importing.
    held = st.session_state.get("_upload_dir")
    if not isinstance(held, tempfile.TemporaryDirectory) or not Path(held.name).is_dir():
        held = tempfile.TemporaryDirectory(prefix="vmdash-upload-")
        st.session_state["_upload_dir"] = held
    return Path(held.name)


def _saved_uploads(files: list[UploadedFile]) -> list[Upload]:
    """The uploaded files on disk, each written and hashed once; files no longer uploaded are removed."""
    workdir = _session_dir()
    # The browser's file name is only used for display and detection, never as a path.
    wanted = {f"upload_{hashlib.sha256(f.file_id.encode()).hexdigest()[:24]}": f for f in files}
    for old in workdir.glob("upload_*"):
        if old.name not in wanted:
            old.unlink(missing_ok=True)
    # Every rerun (each click) names each file by its content; reading a large file again to
    # hash it would cost a full read per file per click, and the import would read it again.
    digests: dict[str, str] = {n: d for n, d in st.session_state.get(_DIGESTS, {}).items() if n in wanted}
    st.session_state[_DIGESTS] = digests
    uploads = []
    for name, uploaded in wanted.items():
        target = workdir / name
        if name not in digests or not target.exists():
            data = uploaded.getbuffer()
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
            digests[name] = hashlib.sha256(data).hexdigest()  # what `file_hash` reads from the file
        uploads.append(Upload(target, uploaded.name, digests[name]))
    return uploads


def upload_flow(s: Store, files: list, channel: str | None, objective: str | None, year: int | None = None) -> None:
    """Preview each uploaded file, then import them all in one transaction on request."""
    options = Options(channel=channel, objective=objective, year=int(year) if year else None)
    uploads = _saved_uploads(files)
    # Over every file of the upload: once a file is added (or refused) beside those just
    # imported, their success lines would read as this new upload's outcome.
    hashes = {u.path: u.content_hash() for u in uploads}
    _forget_previews(set(hashes.values()))
    if not uploads:
        return
    key = "imported:" + ",".join(sorted(hashes.values()))
    landed = st.session_state.get("last_import_key") == key
    state = preview_state(s)
    ready = []
    previewed: dict[Path, ImportReport] = {}
    for upload in uploads:
        with st.expander(safe_text(upload.name), expanded=True):
            try:
                report, frames = _previewed(s, upload, hashes[upload.path], options, state, landed)
            except UnknownFormat as exc:
                show_error(exc)
                _mapping_editor(s, upload, _session_dir())
                continue
            except VmdashError as exc:
                show_error(exc)
                continue
            just_imported = report.duplicate_of in st.session_state.get("last_import_ids", ())
            if just_imported and not landed:
                st.info(f"Imported just now as #{report.duplicate_of}.", icon=":material/check_circle:")
            elif report.duplicate_of is not None and not just_imported:
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
            if not just_imported:
                ready.append(upload)
                previewed[upload.path] = report
    if landed:
        # Shown from session state: the page is redrawn once the import lands.
        for line in st.session_state.get("last_import_lines", []):
            st.success(safe_text(line))
        st.success("These files are imported.")
        return
    if not ready:
        return
    if st.button(f"Import {len(ready)} file(s)", type="primary"):
        bar = st.progress(0.0, text="Importing…")
        try:
            require_analyst("import files")
            reports = import_files(
                s, ready, options, progress=lambda done, step: bar.progress(done, text=step), previewed=previewed
            )
        except VmdashError as exc:
            bar.empty()
            show_error(exc, "Nothing was imported: ")
            return
        st.session_state["last_import_key"] = key
        st.session_state["last_import_lines"] = [report.summary_line() for report in reports]
        # The rerun previews these files again: they are this import, not an earlier one.
        st.session_state["last_import_ids"] = {r.import_id for r in reports if r.import_id is not None}
        # Every page is drawn again on the new data (app.py would throw this run away at its end
        # anyway): start over now, and the redrawn page says what was imported.
        st.rerun()


_PREVIEWS = "_previews"
_PREVIEWS_KEPT = 8


def _previewed(
    s: Store, upload: Upload, digest: str, options: Options, state: tuple, landed: bool = False
) -> tuple[ImportReport, list[pd.DataFrame]]:
    """The file's preview, kept for the session while the file, the choices and what a preview reads stay the same.

    A rerun (the Import click, a widget) would stage the file again, half a second of a
    typical export, before the import stages it once more. `landed`: this upload has just been
    imported; its preview from before the click stands.
    """
    key = (digest, upload.name, options, state)
    kept: dict = st.session_state.get(_PREVIEWS, {})
    if key not in kept and landed:
        # The import moved the data version, but the redrawn page shows the file as previewed
        # before the click (a duplicate's note is not shown once landed): staging it again only
        # held back the import's success lines.
        before = [k for k in kept if k[:3] == key[:3]]
        if before:
            return kept[before[-1]]
    if key not in kept:
        # The staged rows are kept beside the upload: the Import click loads them as they are.
        fresh = preview(s, upload, options, keep_in=_session_dir())
        held = list(kept.items())
        for _, (report, _frames) in held[: -(_PREVIEWS_KEPT - 1)]:
            discard(report)
        kept = dict(held[-(_PREVIEWS_KEPT - 1) :]) | {key: fresh}
        st.session_state[_PREVIEWS] = kept
    return kept[key]


def _forget_previews(digests: set[str]) -> None:
    """The previews of files no longer uploaded go, with the staged rows they kept."""
    kept: dict = st.session_state.get(_PREVIEWS, {})
    for key in [k for k in kept if k[0] not in digests]:
        discard(kept.pop(key)[0])


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
    key = upload.content_hash()[:12]
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


def _undo_consequence(import_id: int, row: pd.Series) -> str:
    """What undoing one import removes and brings back, in words."""
    restored = ""
    if int(row["rows_replaced"] or 0):
        earlier = safe_text(row["replaced_imports"] or "earlier imports")
        restored = f" and restores the {int(row['rows_replaced']):,} earlier rows it replaced (from {earlier})"
    return (
        f"Undoing import #{import_id} ({safe_text(row['file_name'])}) removes its "
        f"{int(row['rows_loaded']):,} rows{restored}. Every page then shows the data without it."
    )


def import_history(s: Store) -> None:
    """The imports table, status first, with an undo that asks before it acts and says what it did."""
    done = st.session_state.pop("undo_message", None)
    if done:
        st.success(done, icon=":material/undo:")
    history = queries.imports(s)
    if history.empty:
        st.info("No imports yet.")
        return
    frame(history[["status", *(c for c in history.columns if c != "status")]])
    active = history[history["status"] == "active"].set_index("import_id")
    if active.empty:
        return
    col, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = col.selectbox(
        "Undo an import", active.index.tolist(), format_func=lambda i: f"#{i} — " + active.loc[i, "file_name"]
    )
    if button.button("Undo…", key="undo_button"):
        try:
            require_analyst("undo imports")
        except VmdashError as exc:
            show_error(exc, "Nothing was undone: ")
            return
        st.session_state["undo_pending"] = int(chosen)
    pending = st.session_state.get("undo_pending")
    if pending is None:
        return
    if pending not in active.index:
        # Undone meanwhile (another tab, the CLI): nothing left to confirm.
        st.session_state.pop("undo_pending", None)
        return
    st.warning(_undo_consequence(pending, active.loc[pending]), icon=":material/warning:")
    yes, no = st.columns(2)
    if no.button("Keep it", key="undo_cancel"):
        st.session_state.pop("undo_pending", None)
        st.rerun()
    if yes.button(f"Undo import #{pending}", key="undo_confirm", type="primary"):
        st.session_state.pop("undo_pending", None)
        try:
            require_analyst("undo imports")
            result = undo(s, pending)
        except VmdashError as exc:
            show_error(exc, "Nothing was undone: ")
            return
        restored = f", {result['restored']:,} earlier rows restored" if result["restored"] else ""
        st.session_state["undo_message"] = (
            f"Import #{pending} ({safe_text(active.loc[pending, 'file_name'])}) undone: "
            f"{result['removed']:,} rows removed{restored}."
        )
        st.rerun()
