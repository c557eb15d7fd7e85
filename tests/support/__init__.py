"""Helpers shared by test modules: what more than one test module imports lives here, not in a test file or a conftest.

No test module imports from another test module; fixtures stay in the conftest files, and the
plain functions, classes and constants they or the tests need live here:

- apps: ROOT (where app.py lives) and ANALYST_KEY, for the AppTest modules.
- browser: start_server, wait_for_app and settled_view for a real `streamlit run`, and
  Debian's Chromium (CHROMIUM, CHROMIUM_ARGS), for the browser modules.
- choices: options as the pages show them (CTR_OPTION), for picking one through a widget or link.
- hostile: the hostile-input harness (Harness, check, cli_import) and its running TOTALS.
- pgserver: a throwaway PostgreSQL for DuckLake catalogs (tests/scale and the bench).
- required: skips for missing tools outside Python (fail instead in CI).
- store_checks: checks on a store's contents (fingerprint, rollup_agrees).
- wild_exports: the Meta, TikTok, LinkedIn and Google Ads fixtures read raw, and what each must load (CASES).
- workbooks: hand-written .xlsx/.ods packages and ZIPs.
- youtube_exports: the YouTube Studio fixtures, ZIPs built from them, their raw totals, and the
  shapes that load (LOADED) or are refused (REFUSED).
"""
