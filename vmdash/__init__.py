"""vmdash: judge video marketing by its results, across every platform's exports."""

__version__ = "0.1.0"
