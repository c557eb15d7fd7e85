"""Helpers shared by test modules: what more than one test folder imports lives here, not in a test file or a conftest."""
