"""What a test does when something it needs from outside Python is missing: skip here, fail in CI."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def postgres_missing(reason: str) -> NoReturn:
    """Skip the test for `reason`, or fail it where VMDASH_REQUIRE_POSTGRES=1 (CI) says PostgreSQL must be there."""
    if os.environ.get("VMDASH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (VMDASH_REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(reason)
