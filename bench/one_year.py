"""Re-run one year partition and everything downstream of it, as the landing sensor would request it.

The run executes as a launched run does (the code location's multiprocess executor), through
the instance in DAGSTER_HOME.
"""

import sys

import dagster as dg

from dagster_project.cli.run import execute_refresh_all, release_abandoned_runs
from dagster_project.definitions import defs
from dagster_project.defs.input_output.jobs import YEARLY_ASSETS
from dagster_project.defs.input_output.partitions import register_years


def main(year: str) -> int:
    instance = dg.DagsterInstance.get()
    release_abandoned_runs(instance)
    register_years(instance, defs.resources["raw_files"].path)
    selection = sorted(YEARLY_ASSETS.downstream().resolve(defs.resolve_asset_graph()))
    result = execute_refresh_all(defs, instance, {"dagster/partition": year}, selection, parallel=True)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
