"""Roles: a key or identity-provider claims make an analyst; nothing else does."""

from __future__ import annotations

import pytest

from vmdash import roles
from vmdash.errors import PermissionDenied


def test_no_configuration_means_everyone_is_a_viewer():
    config = roles.config_from({}, env={})
    assert not config.uses_key
    assert not roles.key_grants_analyst("anything", config)
    assert roles.role_from_claims({"groups": ["analysts"]}, config) == roles.VIEWER


def test_the_key_grants_analyst_and_is_not_kept_in_clear():
    config = roles.config_from({"analyst_key": "s3cret-key"}, env={})
    assert "s3cret-key" not in repr(config)
    assert roles.key_grants_analyst("s3cret-key", config)
    for wrong in ("", None, "s3cret", "S3CRET-KEY", "s3cret-key "):
        assert not roles.key_grants_analyst(wrong, config)


def test_environment_key_and_claims():
    config = roles.config_from({}, env={"VMDASH_ANALYST_KEY": "k", "VMDASH_ANALYST_CLAIM": "email=ana@x.fr,bo@x.fr"})
    assert roles.key_grants_analyst("k", config)
    assert roles.role_from_claims({"email": "ana@x.fr"}, config) == roles.ANALYST
    assert roles.role_from_claims({"email": "eve@x.fr"}, config) == roles.VIEWER
    assert roles.role_from_claims({}, config) == roles.VIEWER


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"groups": ["marketing", "vmdash-analysts"]}, roles.ANALYST),
        ({"groups": "vmdash-analysts"}, roles.ANALYST),
        ({"groups": ["marketing"]}, roles.VIEWER),
        ({"groups": None}, roles.VIEWER),
        ({"role": "vmdash-analysts"}, roles.VIEWER),
    ],
)
def test_claims_map_to_roles(claims, role):
    config = roles.config_from({"analyst_values": ["vmdash-analysts"]}, env={})
    assert roles.role_from_claims(claims, config) == role


def test_writes_are_refused_to_viewers():
    with pytest.raises(PermissionDenied, match="only analysts can import files"):
        roles.require_analyst(roles.VIEWER, "import files")
    roles.require_analyst(roles.ANALYST, "import files")
