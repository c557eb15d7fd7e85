"""A link's dates are put in order and clamped to the data with a note, and unknown parameters leave the address."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date


def _open(app, params):
    for key, values in params.items():
        app.query_params[key] = values
    return app.run()


@pytest.mark.parametrize(
    ("dates", "shown", "note"),
    [
        (["2026-03-15", "2026-02-10"], (D(2026, 2, 10), D(2026, 3, 15)), "ran backwards"),
        (["2025-11-01", "2026-02-15"], (D(2026, 2, 1), D(2026, 2, 15)), "The data runs from 2026-02-01 to 2026-03-31"),
        (["2024-01-01", "2024-02-01"], (D(2026, 2, 1), D(2026, 3, 31)), "fall outside the data"),
    ],
)
def test_link_dates_are_fixed_with_a_note_not_called_malformed(app, dates, shown, note):
    _open(app, {"dates": dates})
    assert not app.exception
    assert app.date_input(key="dates").value == shown
    infos = [i.value for i in app.info]
    assert sum(note in i for i in infos) == 1, infos
    # Nothing reads as a broken link, and the address carries what is shown.
    assert [w.value for w in app.warning if "not a valid range" in w.value or "dropped" in w.value] == []
    if shown != (D(2026, 2, 1), D(2026, 3, 31)):
        assert app.query_params["dates"] == [d.isoformat() for d in shown]
    else:
        assert "dates" not in app.query_params
    # Said once: the next rerun does not repeat it.
    app.run()
    assert not any(note in i.value for i in app.info)


def test_unknown_parameters_are_noted_then_dropped_from_the_address(app):
    _open(app, {"utm_source": ["newsletter"], "platform": ["tiktok"]})
    assert not app.exception
    notes = [w.value for w in app.warning]
    assert len(notes) == 1 and "“utm_source” is not used by vmdash and was removed" in notes[0]
    assert "utm_source" not in app.query_params
    assert app.query_params["platform"] in ("TikTok", ["TikTok"])
