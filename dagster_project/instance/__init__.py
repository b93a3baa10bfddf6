"""Plug-ins of the Dagster instance that dagster.yaml names (the run launcher), not definitions."""
