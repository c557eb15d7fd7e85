"""Any vmdash error a page lets through is shown, inert, by the one place the UI renders errors."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page_raising() -> None:
    import streamlit as st

    from vmdash import ui
    from vmdash.errors import UnknownChoice

    with ui.routed():
        st.write("before")
        raise UnknownChoice("split", "[x](javascript:alert(1))", ("platform", "channel"))
    st.write("after")  # the frame goes on drawing (link notes, Share)


def test_a_page_error_is_shown_as_its_message_not_a_traceback():
    app = AppTest.from_function(_page_raising, default_timeout=30).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        # Inert as Markdown (escaped) and never a link (a word joiner after the scheme).
        "unknown split '\\[x\\]\\(javascript:\u2060alert\\(1\\)\\)'; choose one of: platform, channel"
    ]
    assert [m.value for m in app.markdown] == ["before", "after"]


def _form_error() -> None:
    from vmdash import ui
    from vmdash.errors import TooLong

    ui.show_error(TooLong("note", 612, 500), "Nothing was saved: ")


def test_show_error_says_what_did_not_happen_first():
    app = AppTest.from_function(_form_error, default_timeout=30).run()
    assert [e.value for e in app.error] == [
        "Nothing was saved: the note is 612 characters long; at most 500 are allowed"
    ]


def _page_failing() -> None:
    import streamlit as st

    from vmdash import ui

    with ui.routed():
        st.write("before")
        open("/nonexistent/vmdash-upload-x/upload_1")  # noqa: SIM115 - fails on purpose
    st.write("after")


def test_an_unexpected_error_is_logged_and_the_page_shows_a_plain_message(caplog):
    with caplog.at_level("ERROR", logger="vmdash"):
        app = AppTest.from_function(_page_failing, default_timeout=30).run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert error.startswith("Something went wrong while drawing this page")
    assert "nonexistent" not in error and "Traceback" not in error
    assert [m.value for m in app.markdown] == ["before", "after"]
    assert "FileNotFoundError" in caplog.text
