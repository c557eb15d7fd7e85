"""Who is looking: the session's role, and the sign-in that can raise it.

Everyone is a viewer until the server says otherwise: an identity provider's
claims (`st.login`, configured under `[auth]` in secrets) or the analyst key
(`[vmdash] analyst_key` in secrets or `$VMDASH_ANALYST_KEY`). The role lives in
session state under a key no widget uses, so neither the browser nor a URL
can set it; the key typed in is compared as a digest, then cleared, and never
shown, logged or put in the URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import streamlit as st

from vmdash import roles
from vmdash.ui.common import safe_text

_ROLE = "_vmdash_role"
_KEY_INPUT = "_analyst_key"
_KEY_REFUSED = "_analyst_key_refused"
_KEY_REFUSED_WHY = "_analyst_key_refused_why"
_ATTEMPTS_ID = "_vmdash_attempts_session"


def _secrets(section: str) -> Mapping[str, object] | None:
    try:
        value = st.secrets.get(section)
    except Exception:  # no secrets file at all: nothing is configured
        return None
    return dict(value) if value is not None else None


def config() -> roles.RoleConfig:
    """The role settings of this server."""
    return roles.config_from(_secrets("vmdash"))


def uses_identity_provider() -> bool:
    """True when `st.login` is configured (an `[auth]` section in secrets)."""
    return _secrets("auth") is not None


def role() -> str:
    """This session's role, decided on the server."""
    if uses_identity_provider():
        if not st.user.is_logged_in:
            return roles.VIEWER
        return roles.role_from_claims(st.user.to_dict(), config())
    return st.session_state.get(_ROLE, roles.VIEWER)


def require_analyst(action: str) -> None:
    """Refuse a write for a session that is not an analyst's (raises PermissionDenied)."""
    roles.require_analyst(role(), action)


def _client_address() -> str:
    # The peer the server sees (a proxy's, behind one): a forwarded-for header is the client's
    # to write, so counting by it would let each guess claim a new address.
    try:
        address = st.context.ip_address
    except Exception:  # no request context (bare script runs)
        address = None
    return address if isinstance(address, str) and address else "unknown"


def _attempts_session() -> str:
    if _ATTEMPTS_ID not in st.session_state:
        st.session_state[_ATTEMPTS_ID] = secrets.token_hex(6)
    return st.session_state[_ATTEMPTS_ID]


def _check_key() -> None:
    given = st.session_state.get(_KEY_INPUT) or ""
    st.session_state[_KEY_INPUT] = ""
    st.session_state[_KEY_REFUSED] = bool(given)
    st.session_state[_KEY_REFUSED_WHY] = "That is not the analyst key."
    if not given:
        return
    session, address = _attempts_session(), _client_address()
    wait = roles.KEY_ATTEMPTS.retry_after(session, address)
    if wait:
        # Not even compared: a lockout must not tell a right guess from a wrong one.
        st.session_state[_KEY_REFUSED_WHY] = f"Too many wrong keys: try again in {_minutes(wait)}."
        return
    if roles.key_grants_analyst(given, config()):
        roles.KEY_ATTEMPTS.succeeded(session)
        st.session_state[_ROLE] = roles.ANALYST
        st.session_state[_KEY_REFUSED] = False
    else:
        locked = roles.KEY_ATTEMPTS.failed(session, address)
        if locked:
            st.session_state[_KEY_REFUSED_WHY] = (
                f"That is not the analyst key. Too many wrong keys: try again in {_minutes(locked)}."
            )


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _sign_out() -> None:
    st.session_state[_ROLE] = roles.VIEWER


def access_panel() -> str:
    """The sign-in controls at the foot of the sidebar; returns the session's role."""
    current = role()
    with st.sidebar:
        st.divider()
        if uses_identity_provider():
            if not st.user.is_logged_in:
                st.button("Log in", icon=":material/login:", on_click=st.login)
            else:
                name = safe_text(st.user.get("name") or st.user.get("email") or "signed in")
                st.caption(f"{name} · {current}")
                st.button("Log out", icon=":material/logout:", on_click=st.logout)
        elif config().uses_key:
            if current == roles.ANALYST:
                st.caption("Signed in as analyst: you can upload, map and undo.")
                st.button("Sign out", icon=":material/logout:", on_click=_sign_out, key="sign_out")
            else:
                with st.expander("Analyst sign-in", icon=":material/key:"):
                    st.text_input(
                        "Analyst key",
                        type="password",
                        key=_KEY_INPUT,
                        on_change=_check_key,
                        help="Analysts can upload exports, map columns and undo imports.",
                    )
                    if st.session_state.get(_KEY_REFUSED):
                        st.error(st.session_state.get(_KEY_REFUSED_WHY) or "That is not the analyst key.")
        else:
            st.caption("Read-only: set an analyst key on the server to enable uploads (see README).")
    return current


def where_to_import() -> str:
    """Where this person adds exports, in words: analysts are sent to the page, viewers to an analyst."""
    if role() == roles.ANALYST:
        return "on **Upload & data**"
    return "(an analyst adds them, once signed in from the sidebar)"
