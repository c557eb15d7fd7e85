"""Who may change data: viewers read, analysts import, map and undo.

Roles come from the identity provider's claims when one is configured
(`st.login`), otherwise from a server-side analyst key. Nothing in a URL can
grant a role, and every write checks the role on the server, not only the
widgets a viewer cannot see.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
