"""Tests that drive Debian's chromium headless: the Dagster UI and the findings report."""
