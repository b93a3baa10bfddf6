"""The Dagster code location: `dagster_project.definitions:defs`."""

from __future__ import annotations

import os

import dagster as dg

from dagster_project.assets import analysis
from dagster_project.automation import automation_sensor
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
        sensors=[landing_folder, automation_sensor],
        resources=build_resources(settings),
        executor=PARALLEL_EXECUTOR,
    )


# Steps run in parallel, each in a process forked from a server that imported the code location
# and the libraries the steps use once (a fresh interpreter per step would spend seconds on
# imports; the code location itself imports them lazily, so the UI and daemon load it fast).
# Python steps write the lake side by side (lake.transactions); dbt builds are serialized by
# their pool (resources.DBT_POOL).
STEP_PRELOAD = [
    __name__, "great_expectations", "dagster_project.quality.suites", "linearmodels.panel", "plotly.graph_objects",
]
PARALLEL_EXECUTOR = dg.multiprocess_executor.configured(
    {
        "max_concurrent": os.cpu_count() or 1,
        "start_method": {"forkserver": {"preload_modules": STEP_PRELOAD}},
    }
)

defs = build_defs(Settings.from_env())


def refresh_all_job() -> dg.JobDefinition:
    """`refresh_all` of the code location, for runs launched with `dg.reconstructable` (make run)."""
    return defs.resolve_job_def("refresh_all")
