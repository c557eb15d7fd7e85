"""What the AppTest modules share besides fixtures: where app.py lives and the analyst key their servers use."""

from __future__ import annotations

from pathlib import Path

# The repository root: app.py and the pages are run from here.
ROOT = Path(__file__).resolve().parents[2]
# The key a test server is given through VMDASH_ANALYST_KEY, typed into the sidebar to sign in.
ANALYST_KEY = "test-analyst-key-4f1c"
