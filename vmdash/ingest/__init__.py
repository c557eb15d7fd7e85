"""Importing platform exports: guard -> detect -> read -> normalise -> validate -> load."""

from vmdash.ingest import guard, mapping, rules
from vmdash.ingest.pipeline import ImportReport, Options, Upload, import_files, preview, undo

__all__ = ["ImportReport", "Options", "Upload", "guard", "import_files", "mapping", "preview", "rules", "undo"]
