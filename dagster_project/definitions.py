"""The Dagster code location: `dagster_project.definitions:defs` (workspace.yaml, [tool.dagster], [tool.dg]).

Every asset, check, job, schedule and sensor is under defs/, one folder per domain, found by
`dg.load_from_defs_folder`; this module adds what all of them share: the resources (folders,
lake, dbt) and the executor.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from dagster_project.defs.automation.jobs import refresh_all
from dagster_project.defs.resources import build_resources
from dagster_project.settings import Settings

# Steps run in parallel, each in a process forked from a server that imported the code location
# and the libraries the steps use once (a fresh interpreter per step would spend seconds on
# imports; the code location itself imports them lazily, so the UI and daemon load it fast).
# Python steps write the lake side by side (storage/lake.py: transactions); dbt builds are
# serialized by their pool (defs/resources.py: DBT_POOL).
STEP_PRELOAD = [
    __name__, "great_expectations", "dagster_project.quality.suites", "linearmodels.panel", "plotly.graph_objects",
]
PARALLEL_EXECUTOR = dg.multiprocess_executor.configured(
    {
        "max_concurrent": os.cpu_count() or 1,
        "start_method": {"forkserver": {"preload_modules": STEP_PRELOAD}},
    }
)


def executor(settings: Settings) -> dg.ExecutorDefinition:
    """This machine's processes, or with WAREHOUSE_EXECUTOR=celery the Celery workers of any machine."""
    if settings.executor == "celery":
        from dagster_project.instance.celery_workers import celery_executor

        return celery_executor(settings)
    return PARALLEL_EXECUTOR


def build_defs(settings: Settings) -> dg.Definitions:
    """Everything under defs/, with resources on `settings`' folders and lake (tests pass their own)."""
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(resources=build_resources(settings), executor=executor(settings)),
    )


defs = build_defs(Settings.from_env())


def refresh_all_job() -> dg.JobDefinition:
    """`refresh_all` of the code location, for runs launched with `dg.reconstructable` (make run)."""
    return defs.resolve_job_def(refresh_all.name)
