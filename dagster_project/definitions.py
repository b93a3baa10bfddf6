"""The Dagster code location: `dagster_project.definitions:defs`."""

from __future__ import annotations

import dagster as dg

from dagster_project.assets.checks import build_input_output_checks
from dagster_project.assets.dbt import dbt_model_assets
from dagster_project.assets.input_output import build_input_output_assets
from dagster_project.assets.publish import build_publish_asset
from dagster_project.jobs import build_jobs
from dagster_project.partitions import year_partitions
from dagster_project.publish import PUBLISHED_SCHEMAS
from dagster_project.resources import build_resources
from dagster_project.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    years = year_partitions(settings.raw_dir)
    assets = [*build_input_output_assets(years), *dbt_model_assets]
    published_upstream = [key for a in assets for key in a.keys if key.path[0] in PUBLISHED_SCHEMAS]
    return dg.Definitions(
        assets=[*assets, build_publish_asset(published_upstream)],
        asset_checks=build_input_output_checks(years),
        jobs=build_jobs(years),
        resources=build_resources(settings),
        # One writer per DuckDB file: steps of a run execute one after another.
        executor=dg.in_process_executor,
    )


defs = build_defs(Settings.from_env())
