"""`python -m vmdash maintain` on a DuckDB file, and the durations it reads."""

from __future__ import annotations

import pytest

from vmdash import cli, demo
from vmdash.errors import InvalidValue
from vmdash.store import Store
from vmdash.store.maintenance import duration_s


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("1h", 3600), ("7d", 604800), ("1.5h", 5400)]
)
def test_durations_read_a_number_and_a_unit(text, seconds):
    assert duration_s(text) == seconds


@pytest.mark.parametrize("text", ["1", "h", "-1h", "1w", "soon"])
def test_a_duration_without_a_unit_is_refused_in_one_line(text):
    with pytest.raises(InvalidValue, match="is not a duration"):
        duration_s(text)


def test_maintain_on_a_duckdb_file_checkpoints_and_says_so(tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    s = Store(db, idle_release_s=None)
    demo.load_samples(s)
    s.close()
    capsys.readouterr()
    assert cli.main(["maintain", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    (line,) = out.splitlines()
    assert line.startswith(f"checkpoint: {db} written out in full (") and "needs nothing more" in line
    assert not (tmp_path / "m.duckdb.wal").exists()

    assert cli.main(["maintain", "--db", str(db), "--older-than", "soon"]) == 1
    assert capsys.readouterr().err == "error: 'soon' is not a duration: a number and s, m, h or d (e.g. 30m, 1h, 7d)\n"
