"""Integration tests: real processes, large generated imports, the benchmark at small sizes.

Everything collected under this folder is marked `slow`, so the fast loop
(`python -m pytest -m "not slow and not browser"`) leaves it out and CI still runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests `slow` before `-m` selects (this hook sees every collected item, not only ours)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)
