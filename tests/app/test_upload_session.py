"""An upload's file lives as long as the upload, and a file just imported is not called a duplicate."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.apps import ROOT
from vmdash.store import Store

SAMPLE = ROOT / "data" / "samples" / "linkedin_campaign_manager.csv"


def _script(db_path: str, sample: str) -> None:
    from pathlib import Path

    import streamlit as st

    from vmdash import ui
    from vmdash.store import Store

    class Uploaded:  # what st.file_uploader hands the page
        def __init__(self, name: str, file_id: str, data: bytes):
            self.name, self.file_id, self.data = name, file_id, data

        def getbuffer(self) -> bytes:
            st.session_state["buffers_read"] = st.session_state.get("buffers_read", 0) + 1
            return self.data

    files = (
        [Uploaded("linkedin.csv", "u1", Path(sample).read_bytes())] if st.session_state.get("uploaded", True) else []
    )
    if st.session_state.get("broken"):
        files.append(Uploaded("notes.csv", "u2", b"shopping list\nmilk;eggs\n"))
    s = Store(db_path, idle_release_s=None)
    try:
        ui.upload_flow(s, files, None, None)
    finally:
        s.close()


def _held_files(app: AppTest) -> list[str]:
    held = app.session_state["_upload_dir"]
    return sorted(p.name for p in Path(held.name).iterdir())


def test_a_file_just_imported_is_not_called_already_imported(tmp_path: Path):
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    app = AppTest.from_function(_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    app.run()
    assert not app.exception and not app.info
    files = _held_files(app)
    # The upload, and the rows its preview staged (the import loads them as they are).
    assert len(files) == 2 and [f for f in files if f.endswith(".parquet")], files
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert any("linkedin.csv: import #1," in s.value for s in app.success)
    # Redrawn (as after every import), the preview reads the same file again: it is this import.
    app.run()
    assert not app.info, [i.value for i in app.info]
    assert [s.value for s in app.success][-1] == "These files are imported."
    # The same file on disk across reruns; the staged rows went with the import; all gone once the upload is removed.
    assert _held_files(app) == [f for f in files if not f.endswith(".parquet")]
    app.session_state["uploaded"] = False
    app.run()
    assert _held_files(app) == []


def test_a_file_imported_earlier_is_still_named_a_duplicate(tmp_path: Path):
    db = tmp_path / "vmdash.duckdb"
    from vmdash.ingest import Options, Upload, import_files

    s = Store(db, idle_release_s=None)
    [report] = import_files(s, [Upload(SAMPLE, "linkedin.csv")], Options())
    s.close()
    app = AppTest.from_function(_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    app.run()
    assert [i.value for i in app.info] == [
        f"Already imported as #{report.import_id}; importing it again changes nothing."
    ]


def test_an_uploaded_file_is_read_and_hashed_once_however_often_the_page_reruns(tmp_path: Path, monkeypatch):
    from vmdash.ingest import pipeline
    from vmdash.ui import upload

    staged = []
    real_preview = upload.preview
    monkeypatch.setattr(upload, "preview", lambda *a, **k: staged.append(a[1].name) or real_preview(*a, **k))
    real = pipeline.file_hash
    expected = real(SAMPLE)
    read_back: list[Path] = []
    monkeypatch.setattr(pipeline, "file_hash", lambda path: read_back.append(path) or real(path))
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    app = AppTest.from_function(_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    app.run()
    app.run()  # a widget changed
    app.button[0].click().run()
    app.run()  # redrawn after the import
    assert not app.exception and not app.error
    assert [s.value for s in app.success][-1] == "These files are imported."
    # Staged for its preview once: the page redrawn after the import shows that preview again.
    assert staged == ["linkedin.csv"]
    # Hashed from the bytes as they were saved; never read back from disk to be named.
    assert app.session_state["buffers_read"] == 1 and read_back == []
    s = Store(db, idle_release_s=None)
    assert s.rows("SELECT content_hash FROM imports") == [(expected,)]
    s.close()
    # Uploaded again in another session, the same bytes are the file already imported.
    again = AppTest.from_function(_script, args=(str(db), str(SAMPLE)), default_timeout=60).run()
    assert [i.value for i in again.info] == ["Already imported as #1; importing it again changes nothing."]
    assert read_back == []


def test_a_success_does_not_linger_under_a_new_files_error(tmp_path: Path):
    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    app = AppTest.from_function(_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    app.run()
    app.button[0].click().run()
    assert any("linkedin.csv: import #1," in s.value for s in app.success)
    # A file that holds nothing usable joins the upload: its error is the news, and the
    # file imported a moment ago says so in its own preview, not in a success under the error.
    app.session_state["broken"] = True
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    assert [s.value for s in app.success if "import #1," in s.value or s.value == "These files are imported."] == []
    assert [i.value for i in app.info] == ["Imported just now as #1."]
    assert not [b.label for b in app.button if b.label.startswith("Import")], "nothing left to import"


def _choices_script(db_path: str, sample: str) -> None:
    from pathlib import Path

    import streamlit as st

    from vmdash import ui
    from vmdash.store import Store

    class Uploaded:  # what st.file_uploader hands the page
        name, file_id = "linkedin.csv", "u1"

        def getbuffer(self) -> bytes:
            return Path(sample).read_bytes()

    s = Store(db_path, idle_release_s=None)
    try:
        ui.upload_flow(s, [Uploaded()], *st.session_state.get("choices", (None, None)))
    finally:
        s.close()


def test_a_preview_no_longer_kept_takes_its_staged_rows_with_it(tmp_path: Path):
    from vmdash import model
    from vmdash.ui import upload

    db = tmp_path / "vmdash.duckdb"
    Store(db, idle_release_s=None).close()
    app = AppTest.from_function(_choices_script, args=(str(db), str(SAMPLE)), default_timeout=60)
    app.session_state["_vmdash_role"] = "analyst"
    # Each channel or objective chosen is a preview of its own: more of them than the page keeps.
    choices = [(None, None), *((c, None) for c in model.CHANNELS), *((None, o) for o in model.OBJECTIVES[:2])]
    assert len(choices) > upload._PREVIEWS_KEPT
    for chosen in choices:
        app.session_state["choices"] = chosen
        app.run()
        assert not app.exception
    staged = [f for f in _held_files(app) if f.endswith(".parquet")]
    assert len(staged) == len(app.session_state[upload._PREVIEWS]) == upload._PREVIEWS_KEPT
