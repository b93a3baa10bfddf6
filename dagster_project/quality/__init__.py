"""Data-quality gates: Great Expectations suites in code, run on each staged input-output year and reported as its tables' blocking Dagster checks."""
