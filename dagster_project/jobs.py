"""Jobs: the whole refresh, and the yearly input-output stage for backfills of single years."""

from __future__ import annotations

import dagster as dg

from dagster_project.io_schema import FLOWS_KEY, GROSS_OUTPUT_KEY, MULTIPLIERS_KEY
from dagster_project.partitions import io_years

# The input-output stage's tables (one graph asset): what a year partition materializes.
YEARLY_ASSETS = dg.AssetSelection.assets(FLOWS_KEY, GROSS_OUTPUT_KEY, MULTIPLIERS_KEY)


def build_jobs() -> list:
    refresh_all = dg.define_asset_job(
        "refresh_all",
        selection=dg.AssetSelection.all(),
        description="Every asset: all sources, dbt models and tests, regressions, report and the published "
        "snapshot, in dependency order; run with a partition range covering every year (the schedule "
        "and `make run` do).",
    )
    yearly = dg.define_asset_job(
        "io_yearly",
        selection=YEARLY_ASSETS,
        partitions_def=io_years,
        description="Read one or more input-output years and compute their Leontief multipliers "
        "(backfill year partitions from the UI or `dagster job backfill`).",
    )
    return [refresh_all, yearly]
