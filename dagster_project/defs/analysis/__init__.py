"""Regression tables, the convergence claims ledger and the findings report as assets."""
