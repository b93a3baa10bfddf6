"""Asset keys of the input-output tables: each table's schema and name (input_output/tables.py)."""

import dagster as dg

from dagster_project.input_output.tables import FLOWS, GROSS_OUTPUT, MULTIPLIERS

FLOWS_KEY, GROSS_OUTPUT_KEY, MULTIPLIERS_KEY = (dg.AssetKey(t.split(".")) for t in (FLOWS, GROSS_OUTPUT, MULTIPLIERS))
