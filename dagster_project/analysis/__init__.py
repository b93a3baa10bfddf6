"""Statistical analyses run on the marts: panel regressions and the findings report."""
