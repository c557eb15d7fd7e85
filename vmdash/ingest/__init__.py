"""Importing platform exports: guard -> detect -> read -> normalise -> validate -> load."""

from vmdash.ingest.pipeline import ImportReport, Options, Upload, import_files, preview, undo

__all__ = ["ImportReport", "Options", "Upload", "import_files", "preview", "undo"]
