"""Re-run one year partition and everything downstream of it, as the landing sensor would request it.

The run executes as a launched run does (the code location's multiprocess executor), through
the instance in DAGSTER_HOME.
"""

import sys

import dagster as dg

from dagster_project.definitions import defs, refresh_all_job
from dagster_project.materialize import QUIET_LOGS, launcher_tags, release_abandoned_runs
from dagster_project.partitions import register_years
from dagster_project.sensors import IO_ASSETS


def main(year: str) -> int:
    instance = dg.DagsterInstance.get()
    release_abandoned_runs(instance)
    register_years(instance, defs.resources["raw_files"].path)
    selection = sorted(IO_ASSETS.downstream().resolve(defs.resolve_asset_graph()))
    result = dg.execute_job(
        dg.reconstructable(refresh_all_job),
        instance,
        run_config=QUIET_LOGS,
        tags={"dagster/partition": year, **launcher_tags()},
        asset_selection=selection,
        raise_on_error=False,
    )
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
