"""Helpers shared by test modules: what more than one test folder imports lives here, not in a test file or a conftest.

store_checks: checks on a store's contents (fingerprint, rollup_agrees); workbooks: hand-written
spreadsheets and ZIPs; pgserver: a throwaway PostgreSQL; required: skips for missing tools.
"""
