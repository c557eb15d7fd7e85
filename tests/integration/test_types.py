"""The type checker passes: `python -m mypy` from the repo root, configured by pyproject.toml's [tool.mypy]."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (`pip install -r requirements-dev.txt` brings it)",
)
def test_mypy_finds_no_errors_in_the_package():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}{result.stderr}"
