"""Asset keys of the input-output tables: each table's schema and name (input_output/tables.py)."""

import dagster as dg

from dagster_project.input_output.tables import (
    FLOWS,
    GROSS_OUTPUT,
    MULTIPLIERS,
    VALUE_ADDED_BY_ORIGIN,
    VALUE_ADDED_MULTIPLIERS,
)

FLOWS_KEY, GROSS_OUTPUT_KEY, MULTIPLIERS_KEY, VALUE_ADDED_BY_ORIGIN_KEY, VALUE_ADDED_MULTIPLIERS_KEY = (
    dg.AssetKey(t.split(".")) for t in (FLOWS, GROSS_OUTPUT, MULTIPLIERS, VALUE_ADDED_BY_ORIGIN, VALUE_ADDED_MULTIPLIERS)
)
