"""The yearly input-output stage as a job of its own, for backfills of single years."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs.input_output.keys import (
    FLOWS_KEY,
    GROSS_OUTPUT_KEY,
    MULTIPLIERS_KEY,
    VALUE_ADDED_BY_ORIGIN_KEY,
    VALUE_ADDED_MULTIPLIERS_KEY,
)
from dagster_project.defs.input_output.partitions import io_years

# The input-output stage's tables (one graph asset): what a year partition materializes.
YEARLY_ASSETS = dg.AssetSelection.assets(
    FLOWS_KEY, GROSS_OUTPUT_KEY, MULTIPLIERS_KEY, VALUE_ADDED_BY_ORIGIN_KEY, VALUE_ADDED_MULTIPLIERS_KEY
)

io_yearly = dg.define_asset_job(
    "io_yearly",
    selection=YEARLY_ASSETS,
    partitions_def=io_years,
    description="Read one or more input-output years and compute their Leontief multipliers and value added (proxy) "
    "(backfill year partitions from the UI or `dagster job backfill`).",
)
