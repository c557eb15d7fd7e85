"""Each refused value has its own error type, whose message says what was given and what is allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from vmdash import errors, looplog, roles
from vmdash.errors import (
    Empty,
    InvalidChoice,
    InvalidValue,
    NotFound,
    OutOfRange,
    TooLong,
    UnknownChoice,
    VmdashError,
    WrongKind,
)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (UnknownChoice("split", "week", ("day", "month")), "unknown split 'week'; choose one of: day, month"),
        (
            UnknownChoice("metric", "x" * 100, [f"m{i}" for i in range(15)]),
            "unknown metric '" + "x" * 40 + "…'; choose one of: m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11 "
            "and 3 more",
        ),
        (TooLong("note", 612, 500), "the note is 612 characters long; at most 500 are allowed"),
        (TooLong("note", 12_345, 500), "the note is 12,345 characters long; at most 500 are allowed"),
        (OutOfRange("year", 1890, 1990, 2099), "the year must be from 1990 to 2099 (got 1890)"),
        (OutOfRange("year", "nineteen", 1990, 2099), "the year must be from 1990 to 2099 (got 'nineteen')"),
        (WrongKind("date", "yesterday", "a date"), "the date must be a date (got 'yesterday')"),
        (Empty("view name"), "the view name is empty"),
        (NotFound("there is no import #7"), "there is no import #7"),
    ],
)
def test_messages_say_what_was_given_and_what_is_allowed(error, message):
    assert str(error) == message
    assert isinstance(error, VmdashError)


def test_refused_values_share_a_base_and_keep_their_parts():
    for error in (UnknownChoice("a", "b", ()), TooLong("a", 2, 1), OutOfRange("a", 2, 0, 1), WrongKind("a", 1, "x")):
        assert isinstance(error, InvalidValue) and error.what == "a"
    too_long = TooLong("note", 612, 500)
    assert (too_long.given_length, too_long.limit) == (612, 500)
    choice = UnknownChoice("split", "week", ["day"])
    assert (choice.given, choice.allowed) == ("week", ("day",))


def test_the_older_choice_name_still_builds_the_same_error():
    error = InvalidChoice("metric", "nope", ("view_rate", "ctr"))
    assert isinstance(error, UnknownChoice)
    assert str(error) == "unknown metric 'nope'; choose one of: view_rate, ctr"


def test_helpers_cut_to_a_readable_length():
    assert errors.given_text("abc") == "'abc'"
    assert errors.given_text("y" * 100_000) == "'" + "y" * errors.MAX_GIVEN + "…'"
    assert errors.listed(range(3)) == "0, 1, 2"
    assert len(str(UnknownChoice("field", "z" * 10_000, ["w" * 10] * 1000))) < 250


def test_the_loop_log_refuses_with_the_type_that_says_why():
    with pytest.raises(TooLong, match=r"^the note is 501 characters long; at most 500 are allowed$"):
        looplog.clean_note("n" * 501)
    with pytest.raises(UnknownChoice, match=r"^unknown stage 'Shipped'; choose one of: Test started, Learning"):
        looplog.stage_key("Shipped")
    assert looplog.clean_note("  a\x00 note ") == "a note"


def test_a_loop_log_entry_is_refused_with_what_was_wrong(store):
    on = dt.date(2026, 4, 2)
    with pytest.raises(OutOfRange, match=r"^the number of videos and campaigns must be from 1 to 50 \(got 0\)$"):
        looplog.record(store, roles.ANALYST, "learning", on, "x")
    with pytest.raises(OutOfRange, match=r"\(got 51\)$"):
        looplog.record(store, roles.ANALYST, "learning", on, "x", videos=[f"v{i}" for i in range(51)])
    with pytest.raises(WrongKind, match=r"^the date must be a date \(got 'soon'\)$"):
        looplog.record(store, roles.ANALYST, "learning", "soon", "x", videos=["v"])
    with pytest.raises(NotFound, match=r"^there is no video 'gone' in the data$"):
        looplog.record(store, roles.ANALYST, "learning", on, "x", videos=["gone"])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("host=db user=v password=Sekr3t dbname=x", "host=db user=v password=*** dbname=x"),
        ("host=db PASSWORD = 'a b\\' c' dbname=x", "host=db PASSWORD = *** dbname=x"),
        ('at "host=db password=Sekr3t"Unable to connect', 'at "host=db password=***"Unable to connect'),
        ("postgresql://vmdash:Sekr3t@db:5432/x", "postgresql://vmdash:***@db:5432/x"),
        (
            "postgres://db/x?user=v&password=Sekr3t&sslmode=require",
            "postgres://db/x?user=v&password=***&sslmode=require",
        ),
        ('ducklake:postgres:postgresql://v:p%40ss@db/x": failed', 'ducklake:postgres:postgresql://v:***@db/x": failed'),
        # No password: nothing to hide, a port is not one.
        ("postgresql://vmdash@db:5432/x and host=db port=5432", "postgresql://vmdash@db:5432/x and host=db port=5432"),
    ],
)
def test_redact_masks_a_password_in_either_form_of_connection_setting(text, masked):
    assert errors.redact(text) == masked


def test_redact_masks_a_known_password_wherever_it_appears():
    setting = "host=db password='Sekr3t word' dbname=x postgresql://u:Other1@db/x"
    assert errors.secrets_in(setting) == ["Sekr3t word", "Other1"]
    assert errors.redact("server said: bad 'Sekr3t word' or Other1", errors.secrets_in(setting)) == (
        "server said: bad '***' or ***"
    )
