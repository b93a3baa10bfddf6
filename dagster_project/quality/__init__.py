"""Data-quality gates: Great Expectations suites in code, run as Dagster asset checks."""
