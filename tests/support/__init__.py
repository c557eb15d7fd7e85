"""Helpers the tests share: checks on a store's contents (`store_checks`)."""
