"""Who may change data: viewers read, analysts import, map and undo.

Roles come from the identity provider's claims when one is configured
(`st.login`), otherwise from a server-side analyst key. Nothing in a URL can
grant a role, and every write checks the role on the server, not only the
widgets a viewer cannot see.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from vmdash.errors import PermissionDenied

VIEWER = "viewer"
ANALYST = "analyst"


@dataclass(frozen=True)
class RoleConfig:
    """How this server decides who is an analyst."""

    analyst_key_sha256: str | None = None  # digest of the shared analyst key, never the key
    claim: str = "groups"  # the OIDC claim that lists a user's groups (or 'email')
    analyst_values: tuple[str, ...] = ()  # claim values that make a user an analyst

    @property
    def uses_key(self) -> bool:
        """True when an analyst key is configured."""
        return self.analyst_key_sha256 is not None


def digest(key: str) -> str:
    """SHA-256 hex digest of a key (so the key itself is never kept in memory for long)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def config_from(settings: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None) -> RoleConfig:
    """Read the role settings from a secrets section (`[vmdash]`) and the environment.

    `analyst_key` (or `$VMDASH_ANALYST_KEY`) enables the key; `analyst_claim` and
    `analyst_values` (or `$VMDASH_ANALYST_CLAIM` as 'claim=value1,value2') map
    identity-provider claims to the analyst role.
    """
    settings = settings or {}
    env = os.environ if env is None else env
    key = settings.get("analyst_key") or env.get("VMDASH_ANALYST_KEY")
    claim = str(settings.get("analyst_claim") or "groups")
    values: Iterable[str] = settings.get("analyst_values") or ()  # type: ignore[assignment]
    if "VMDASH_ANALYST_CLAIM" in env and "=" in env["VMDASH_ANALYST_CLAIM"]:
        claim, joined = env["VMDASH_ANALYST_CLAIM"].split("=", 1)
        values = [v for v in joined.split(",") if v]
    return RoleConfig(
        analyst_key_sha256=digest(str(key)) if key else None,
        claim=claim.strip(),
        analyst_values=tuple(str(v).strip() for v in values),
    )


def key_grants_analyst(given: str | None, config: RoleConfig) -> bool:
    """True when `given` is the configured analyst key (constant-time comparison)."""
    if not given or not config.uses_key:
        return False
    return hmac.compare_digest(digest(given), config.analyst_key_sha256 or "")


def role_from_claims(claims: Mapping[str, object], config: RoleConfig) -> str:
    """The role an identity provider's claims give: analyst when the claim holds an analyst value."""
    if not config.analyst_values:
        return VIEWER
    value = claims.get(config.claim)
    held = {str(v) for v in value} if isinstance(value, (list, tuple, set)) else {str(value)} if value else set()
    return ANALYST if held & set(config.analyst_values) else VIEWER


def require_analyst(role: str, action: str) -> None:
    """Refuse a write unless the role is analyst."""
    if role != ANALYST:
        raise PermissionDenied(f"only analysts can {action}; you are viewing read-only")


_log = logging.getLogger("vmdash.access")


@dataclass
class KeyAttempts:
    """Wrong analyst keys per session and per client address; too many in a window lock that one out.

    A key can be guessed as fast as a form can be submitted, so each session may fail
    `per_session` times and each client address `per_address` times within `window_s`;
    the next failure locks it out for `lockout_s` (the right key included, so a lockout
    cannot be used to confirm a guess). Every failure and lockout is logged on
    `vmdash.access` (who and how many, never the key). Process-wide: every session of
    one server shares it.
    """

    per_session: int = 5
    per_address: int = 20
    window_s: float = 600.0
    lockout_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    max_tracked: int = 10_000  # a flood of new sessions or addresses cannot grow this without bound
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, session: str, address: str) -> float:
        """Seconds until this session, from this address, may try a key again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [self._locked_until.get(k, 0.0) - now for k in self._keys(session, address)]
        return max(0.0, *waits)

    def failed(self, session: str, address: str) -> float:
        """Count one wrong key; log it; returns the lockout it caused in seconds (0: none)."""
        now = self.clock()
        locked = 0.0
        with self._lock:
            self._forget_old(now)
            counts = {}
            for key, limit in zip(self._keys(session, address), (self.per_session, self.per_address), strict=True):
                failures = self._failures.setdefault(key, deque())
                failures.append(now)
                counts[key] = len(failures)
                if len(failures) > limit:
                    self._locked_until[key] = now + self.lockout_s
                    failures.clear()
                    locked = self.lockout_s
        _log.warning(
            "analyst key refused: session %s, client %s (%d wrong in this session, %d from this client, last %.0f min)",
            session,
            address,
            counts[f"session:{session}"],
            counts[f"address:{address}"],
            self.window_s / 60,
        )
        if locked:
            _log.warning("analyst sign-in locked for %.0f s: session %s, client %s", locked, session, address)
        return locked

    def succeeded(self, session: str) -> None:
        """A right key: this session's count starts again (its address's does not)."""
        with self._lock:
            self._failures.pop(f"session:{session}", None)

    def reset(self) -> None:
        """Forget every attempt (tests, or an operator after a false alarm)."""
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()

    @staticmethod
    def _keys(session: str, address: str) -> tuple[str, str]:
        return f"session:{session}", f"address:{address}"

    def _forget_old(self, now: float) -> None:
        for key in list(self._failures):
            failures = self._failures[key]
            while failures and failures[0] <= now - self.window_s:
                failures.popleft()
            if not failures:
                del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]
        while len(self._failures) > self.max_tracked:
            del self._failures[next(iter(self._failures))]


KEY_ATTEMPTS = KeyAttempts()
