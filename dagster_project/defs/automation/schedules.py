"""Schedules: the monthly refresh of the whole warehouse."""

import dagster as dg

from dagster_project.defs.automation import jobs
from dagster_project.defs.input_output.partitions import io_years

# 03:00 UTC on the 1st of every month (the sources publish at most monthly).
MONTHLY_REFRESH_CRON = "0 3 1 * *"


@dg.schedule(
    name="monthly_refresh",
    job=jobs.refresh_all,
    cron_schedule=MONTHLY_REFRESH_CRON,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,  # runs whenever the daemon does (`make ui`)
    description="Re-ingest every source and rebuild everything downstream, all years in one run.",
)
def monthly_refresh(context: dg.ScheduleEvaluationContext):
    keys = io_years.get_partition_keys(dynamic_partitions_store=context.instance)
    if not keys:
        return dg.SkipReason("no input-output years are registered yet: run `make run` or the landing sensor first")
    return dg.RunRequest(
        run_key=context.scheduled_execution_time.isoformat(),
        tags=partition_range_tags(keys),
    )


def partition_range_tags(keys: list[str]) -> dict[str, str]:
    """Run tags that make one run cover every year (the assets' single-run backfill policy)."""
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }
