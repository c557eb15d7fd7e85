"""vmdash: judge video marketing by its results, across every platform's exports.

Packages: `ingest` (exports in), `store` (DuckDB, the rollup), `queries` (what pages and the CLI
read), `testlearn` (variant tests, cohorts, benchmarks), `ui` (Streamlit). The vocabulary is
`model` (columns), `metrics` (KPIs), `filters` and `links` (filters and URL parameters), `errors`,
`sql` (quoting). Who calls whom: docs/architecture.md.
"""

__version__ = "0.1.0"
