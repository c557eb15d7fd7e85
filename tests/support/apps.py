"""What the AppTest modules share besides fixtures: where app.py lives and the analyst key their servers use."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd

# The repository root: app.py and the pages are run from here.
ROOT = Path(__file__).resolve().parents[2]
# The key a test server is given through VMDASH_ANALYST_KEY, typed into the sidebar to sign in.
ANALYST_KEY = "test-analyst-key-4f1c"


# A static table's cells are Markdown (ui.table makes data in them inert): read back as a person
# reads them: backslash escapes resolved, HTML entities and invisible word joiners gone, the
# no-break spaces that keep a figure on one line read as spaces.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def read_as_shown(text: object) -> str:
    """Markdown made inert by ui.safe_text, as it reads once rendered."""
    return html.unescape(_ESCAPED.sub(r"\1", str(text))).replace("\u2060", "").replace("\u00a0", " ")


def shown_table(app: Any, index: int = 0) -> pd.DataFrame:
    """The `index`-th static table of the page (ui.table), headings and cells as they read."""
    frame = app.table[index].value
    return pd.DataFrame(
        {read_as_shown(c): [read_as_shown(v) for v in frame[c]] for c in frame.columns}, index=range(len(frame))
    )
