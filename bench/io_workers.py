"""Staging and loading every input-output year with N worker processes (`BENCH_WORKERS`).

The `io_yearly` job's assets (`wiod_tables`: each year staged and written into the lake by
its own step) under a multiprocess executor limited to N processes, over every year on
disk in one run, through the instance in DAGSTER_HOME. Prints the run's own duration (from
its start to its end, without this process's start-up) in seconds.

With `WAREHOUSE_EXECUTOR=celery` (the settings' executor, bench/celery_staging.py) the steps go
to the Celery workers on `CELERY_BROKER_URL` instead, as many as are running: BENCH_WORKERS is
not read.
"""

import os
import sys

import dagster as dg

from dagster_project.cli.run import QUIET_LOGS
from dagster_project.definitions import STEP_PRELOAD, defs, executor
from dagster_project.defs.automation.schedules import partition_range_tags
from dagster_project.defs.input_output.jobs import YEARLY_ASSETS
from dagster_project.defs.input_output.partitions import io_years, register_years
from dagster_project.settings import Settings


def bench_executor() -> dg.ExecutorDefinition:
    settings = Settings.from_env()
    if settings.executor == "celery":
        return executor(settings)
    return dg.multiprocess_executor.configured(
        {"max_concurrent": int(os.environ["BENCH_WORKERS"]), "start_method": {"forkserver": {"preload_modules": STEP_PRELOAD}}}
    )


def io_years_job() -> dg.JobDefinition:
    job = dg.define_asset_job(
        "io_years_bench", selection=YEARLY_ASSETS, partitions_def=io_years, executor_def=bench_executor()
    )
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("io_years_bench")


def main() -> int:
    instance = dg.DagsterInstance.get()
    years = register_years(instance, defs.resources["raw_files"].path)
    result = dg.execute_job(
        dg.reconstructable(io_years_job), instance, run_config=QUIET_LOGS, tags=partition_range_tags(years),
        raise_on_error=False,
    )
    stats = instance.get_run_stats(result.run_id)
    print(f"{stats.end_time - stats.start_time:.3f}" if result.success else "failed")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
