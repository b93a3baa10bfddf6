"""`make run`: materialize every asset into the warehouse, printing progress.

Runs go through the Dagster instance in DAGSTER_HOME, so `make ui` shows their history and
lineage. The yearly stage runs all year partitions in one run (one transaction), then dbt
builds the models on top.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import dagster as dg

# Step starts, successes and the assets' own log lines; DEBUG would print every dbt test event.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def materialize_all(
    defs: dg.Definitions, instance: dg.DagsterInstance, report: Callable[[str], None] = print
) -> list[dg.ExecuteInProcessResult]:
    """Run the yearly stage over every year, then the dbt models; stop at the first failure."""
    years = defs.resolve_job_def("wiod_yearly").partitions_def.get_partition_keys()
    steps = [
        (
            f"input-output tables and Leontief multipliers, {years[0]}-{years[-1]}",
            "wiod_yearly",
            {
                "dagster/asset_partition_range_start": years[0],
                "dagster/asset_partition_range_end": years[-1],
            },
        ),
        ("dbt seeds, models and tests", "warehouse_models", {}),
    ]
    results = []
    for number, (label, job_name, tags) in enumerate(steps, start=1):
        report(f"[{number}/{len(steps)}] {label} ...")
        started = time.perf_counter()
        result = defs.resolve_job_def(job_name).execute_in_process(
            run_config=QUIET_LOGS, instance=instance, tags=tags, raise_on_error=False
        )
        results.append(result)
        if not result.success:
            for event in result.all_events:
                if event.is_step_failure:
                    report(f"    failed: {event.step_key}: {event.step_failure_data.error.message.strip()}")
            report(f"[{number}/{len(steps)}] FAILED (run {result.run_id}); the warehouse keeps its last good tables")
            break
        report(f"[{number}/{len(steps)}] done in {time.perf_counter() - started:.1f}s")
    return results


def main() -> int:
    from dagster_project.definitions import defs

    results = materialize_all(defs, dg.DagsterInstance.get(), lambda line: print(line, flush=True))
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
