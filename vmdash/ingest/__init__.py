"""Importing platform exports: guard -> detect -> read -> normalise -> validate -> load.

What lives where:

- `guard`: size, type and archive checks before a byte is parsed (ZIP members, encodings, BOMs);
  `sheets`: XLSX / ODS read in a child process with limits; `unwrap`: CSV-inside-CSV lines;
- `reader`: RFC 4180 reading of every column, physical line numbers, trailers and short rows;
- `detect`: which format a header row is, in which language; `spec`: the `Format` / `Field`
  records; `languages`: header spellings and month names per UI language; `catalog`: the README
  table of recognised exports, generated from the formats;
- one module per platform screen: `youtube`, `meta`, `meta_business_suite`, `tiktok`,
  `tiktok_studio`, `linkedin`, `google_ads`, `vimeo`, `wistia`, `generic`;
- `sqlkit`: SQL templates that parse raw cells (numbers, dates, durations); `period`: a file's
  reporting period from its name or preamble;
- `pipeline`: staging, checks, objectives and channels, and the one transaction that loads an
  import (`import_files`, `preview`, `undo`); `mapping` and `rules`: an analyst's saved column
  mappings and campaign-token objective rules.
"""

from vmdash.ingest import guard, mapping, rules
from vmdash.ingest.pipeline import (
    ImportReport,
    Options,
    Upload,
    discard,
    import_files,
    preview,
    preview_state,
    undo,
)

__all__ = [
    "ImportReport",
    "Options",
    "Upload",
    "discard",
    "guard",
    "import_files",
    "mapping",
    "preview",
    "preview_state",
    "rules",
    "undo",
]
