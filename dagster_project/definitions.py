"""The Dagster code location: `dagster_project.definitions:defs`."""

from __future__ import annotations

import dagster as dg

from dagster_project.assets import analysis
from dagster_project.assets.dbt import dbt_model_assets
from dagster_project.assets.indicators import build_indicator_assets
from dagster_project.assets.input_output import build_input_output_assets
from dagster_project.assets.publish import build_publish_asset
from dagster_project.jobs import build_jobs
from dagster_project.partitions import io_years
from dagster_project.publish import PUBLISHED_SCHEMAS
from dagster_project.resources import build_resources
from dagster_project.schedules import build_schedules
from dagster_project.sensors import landing_folder
from dagster_project.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    assets = [
        *build_input_output_assets(io_years),
        *build_indicator_assets(),
        *dbt_model_assets,
        analysis.regression_tables,
        analysis.convergence_claims_ledger,
        analysis.findings_report,
    ]
    # The snapshot is published last: after the tables it copies and the report built beside them.
    published_upstream = [key for a in assets for key in a.keys if key.path[0] in (*PUBLISHED_SCHEMAS, "reports")]
    jobs = build_jobs()
    return dg.Definitions(
        assets=[*assets, build_publish_asset(published_upstream)],
        jobs=jobs,
        schedules=build_schedules(jobs[0], io_years),
        sensors=[landing_folder],
        resources=build_resources(settings),
        # One writer per DuckDB file: the steps of a run execute one after another.
        executor=dg.in_process_executor,
    )


defs = build_defs(Settings.from_env())
