"""The input-output computation: Leontief multipliers and a year staged, audited and loaded; no Dagster."""
