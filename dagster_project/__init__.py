"""Dagster code location of the economic data warehouse."""
