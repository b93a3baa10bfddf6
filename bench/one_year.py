"""Re-run one year partition and everything downstream of it, as the landing sensor would."""

import sys

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.materialize import QUIET_LOGS
from dagster_project.partitions import register_years
from dagster_project.sensors import IO_ASSETS


def main(year: str) -> int:
    instance = dg.DagsterInstance.get()
    register_years(instance, defs.resources["raw_files"].path)
    selection = sorted(IO_ASSETS.downstream().resolve(defs.resolve_asset_graph()))
    result = defs.resolve_job_def("refresh_all").execute_in_process(
        run_config=QUIET_LOGS, instance=instance, partition_key=year, asset_selection=selection, raise_on_error=False
    )
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
