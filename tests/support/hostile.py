"""The harness every hostile-input test module shares: one file through both import paths, and running totals.

`check` runs a file through `python -m vmdash import` (in-process `cli.main`) and through
`preview` / `import_files` with an `Upload` (what the Upload page calls). A refusal must be
one line naming the file and leave every table exactly as it was (`store_checks.fingerprint`);
an acceptance must load the whole import and nothing else, and its undo must restore the data.
TOTALS counts inputs tried, refusals, acceptances, crashes and partial imports over every
module in the process (test_hostile_inputs, test_fuzz_readers, test_hostile_sheets), which
each print it at the end (`pytest -s`).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from tests.support import store_checks
from vmdash import cli
from vmdash.errors import VmdashError
from vmdash.ingest import Upload, import_files, preview, undo
from vmdash.store import Store

TOTALS = {"inputs": 0, "refused": 0, "accepted": 0, "crashes": 0, "partial": 0}
DATA_TABLES = ("facts", "retention")


class Harness:
    """A database holding the sample exports, kept open so each check costs milliseconds.

    The command line's own Store opens the same file in this process, which DuckDB
    serves from the same instance.
    """

    def __init__(self, path: Path):
        self.path = path
        self.store = Store(path, idle_release_s=None)

    def fingerprint(self) -> dict:
        """Every stored table's row count and content hash (`store_checks.fingerprint`)."""
        return store_checks.fingerprint(self.store)

    def data(self) -> dict:
        """The fingerprint of the tables that hold imported rows only."""
        fp = self.fingerprint()
        return {t: fp[t] for t in DATA_TABLES}


def cli_import(db: Path, path: Path) -> tuple[int, str]:
    """`python -m vmdash import PATH` in this process: exit code and everything it printed."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--db", str(db)])
    return code, err.getvalue() + out.getvalue()


def check(h: Harness, path: Path, name: str | None = None, expect: str | None = None) -> str:
    """Run one file through both paths; returns 'refused' or 'accepted'. Any other outcome fails."""
    name = name or path.name
    TOTALS["inputs"] += 1
    before = h.fingerprint()
    try:
        code, said = cli_import(h.path, path)
    except BaseException as exc:  # a traceback would reach the user
        TOTALS["crashes"] += 1
        raise AssertionError(f"{name}: the command line crashed: {exc!r}") from exc
    after = h.fingerprint()
    if code != 0:
        assert code == 1, said
        lines = [line for line in said.strip().splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("error: "), said
        assert "Traceback" not in said
        assert path.name[:40] in said, f"the message must name the file: {said}"
        if after != before:
            TOTALS["partial"] += 1
        assert after == before, f"{name}: a refused import changed the database"
        outcome = "refused"
    else:
        outcome = "accepted"
        _accepted_whole(h, before, after, name)

    # The upload path: preview (writes nothing) then import, as the Upload page does.
    try:
        previewed = h.fingerprint()
        preview(h.store, Upload(path, name))
        assert h.fingerprint() == previewed, f"{name}: a preview wrote to the database"
        reports = import_files(h.store, [Upload(path, name)])
    except VmdashError as exc:
        text = str(exc)
        assert "Traceback" not in text and "\n" not in text, text
        assert name[:40] in text, f"the message must name the file: {text}"
        assert outcome == "refused", f"{name}: the command line took what the upload refused: {text}"
        if h.fingerprint() != before:
            TOTALS["partial"] += 1
        assert h.fingerprint() == before, f"{name}: a refused upload changed the database"
    except Exception as exc:
        TOTALS["crashes"] += 1
        raise AssertionError(f"{name}: the upload path crashed: {exc!r}") from exc
    else:
        assert outcome == "accepted", f"{name}: the upload took what the command line refused"
        assert len(reports) == 1
        # The command line's import was undone above, so the upload loaded it afresh.
        _accepted_whole(h, before, h.fingerprint(), name)
    TOTALS[outcome] += 1
    if expect is not None:
        assert outcome == expect, f"{name}: {outcome}, expected {expect}"
    return outcome


def _accepted_whole(h: Harness, before: dict, after: dict, name: str) -> None:
    """The import just made holds every row it reports, and undoing it restores the data tables."""
    if after["imports"][0] == before["imports"][0]:
        # The very file already loaded: reported as a duplicate, nothing written.
        assert after == before, f"{name}: a duplicate changed the database"
        return
    import_id, loaded = h.store.rows("SELECT import_id, rows_loaded FROM imports ORDER BY import_id DESC LIMIT 1")[0]
    stored = h.store.scalar(
        "SELECT (SELECT count(*) FROM facts WHERE import_id = $id) + "
        "(SELECT count(*) FROM retention WHERE import_id = $id)",
        {"id": import_id},
    )
    if stored != loaded or loaded == 0:
        TOTALS["partial"] += 1
    assert stored == loaded > 0, f"{name}: import #{import_id} says {loaded} rows, stored {stored}"
    undo(h.store, import_id)
    assert {t: h.fingerprint()[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}, (
        f"{name}: undo did not restore the data"
    )
