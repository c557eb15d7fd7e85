"""Who is looking: the session's role, and the sign-in that can raise it.

Everyone is a viewer until the server says otherwise: an identity provider's
claims (`st.login`, configured under `[auth]` in secrets) or the analyst key
(`[vmdash] analyst_key` in secrets or `$VMDASH_ANALYST_KEY`). The role lives in
session state under a key no widget uses, so neither the browser nor a URL
can set it; the key typed in is compared as a digest, then cleared, and never
shown, logged or put in the URL.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from vmdash import roles
from vmdash.ui.common import safe_text

_ROLE = "_vmdash_role"
_KEY_INPUT = "_analyst_key"
_KEY_REFUSED = "_analyst_key_refused"


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


def _check_key() -> None:
    given = st.session_state.get(_KEY_INPUT) or ""
    st.session_state[_KEY_INPUT] = ""
    if roles.key_grants_analyst(given, config()):
        st.session_state[_ROLE] = roles.ANALYST
        st.session_state[_KEY_REFUSED] = False
    else:
        st.session_state[_KEY_REFUSED] = bool(given)


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
                        st.error("That is not the analyst key.")
        else:
            st.caption("Read-only: set an analyst key on the server to enable uploads (see README).")
    return current
