"""`make run`: register the years on disk and materialize every asset in one run.

The run goes through the Dagster instance in DAGSTER_HOME, so `make ui` shows its history,
lineage and checks. One run of `refresh_all` covers every year partition and everything
downstream; blocking checks stop what depends on a failure, and the published snapshot is
replaced only when everything before it succeeded.

`make run` executes the steps in this process, one after another: on a 2-core machine that
is faster than the multiprocess executor (bench/RESULTS.md), whose per-step processes and
pool waits cost more than staging two years at once saves. `--parallel` uses the code
location's multiprocess executor instead (years staged in parallel, warehouse steps one at a
time through the `duckdb_writer` pool), as runs launched from the UI, schedule and sensor do;
both build the same warehouse.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable, Collection

import dagster as dg

from dagster_project.assets.dbt import DBT_DOMAINS
from dagster_project.partitions import register_years
from dagster_project.schedules import partition_range_tags

# Step starts and successes, and the assets' own log lines; DEBUG would print every dbt event.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# Which process launched a run, so that a later launch can tell a killed run from a running one.
LAUNCHER_TAG = "economic_warehouse/launcher"
IN_PROGRESS = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def launcher_tags() -> dict[str, str]:
    return {LAUNCHER_TAG: f"{socket.gethostname()}:{os.getpid()}"}


def release_abandoned_runs(instance: dg.DagsterInstance, report: Callable[[str], None] = print) -> list[str]:
    """Fail the runs launched here whose process is gone (killed), and free their pool slots.

    A killed run never reports its end, so the `duckdb_writer` slot its warehouse step held
    stays claimed and every later warehouse step would wait for it forever. Runs launched by
    the Dagster daemon or webserver are left to Dagster's run monitoring.
    """
    released = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        host, _, pid = run.tags.get(LAUNCHER_TAG, "").partition(":")
        if host != socket.gethostname() or not pid or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"its launching process {pid} is gone (killed); pool slots freed")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        report(f"run {run.run_id}: its process {pid} is gone; marked failed and its pool slots freed")
        released.append(run.run_id)
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def materialize_all(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    report: Callable[[str], None] = print,
    domains: Collection[str] | None = None,
    parallel: bool = False,
) -> list[dg.ExecuteInProcessResult | dg.ExecuteJobResult]:
    """One `refresh_all` run over every year on disk (a list, for callers that keep results).

    `domains` limits the run to the dbt domains named (and what feeds them), for a raw folder
    that holds only some domains' sources; assets downstream of the others are left out.
    `parallel`: see `execute_refresh_all`.
    """
    years = register_years(instance, defs.resources["raw_files"].path)
    if not years:
        raise SystemExit(f"no input-output tables in {defs.resources['raw_files'].path}: run `make data` first")
    release_abandoned_runs(instance, report)
    tags = partition_range_tags(years)
    report(f"refresh_all: {len(years)} input-output years ({', '.join(years)}) and everything downstream ...")
    started = time.perf_counter()
    result = execute_refresh_all(defs, instance, tags, _domain_selection(defs, domains), parallel)
    if result.success:
        report(f"refresh_all: done in {time.perf_counter() - started:.1f}s (run {result.run_id})")
    else:
        for event in result.all_events:
            if event.is_step_failure:
                report(f"    failed: {event.step_key}: {event.step_failure_data.error.message.strip()}")
        report(f"refresh_all: FAILED (run {result.run_id}); the published snapshot keeps the last good run")
    return [result]


def execute_refresh_all(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    tags: dict[str, str],
    selection: list[dg.AssetKey] | None,
    parallel: bool,
) -> dg.ExecuteInProcessResult | dg.ExecuteJobResult:
    """Run `refresh_all` (over `selection`, default all) in this process, or with the multiprocess executor.

    The multiprocess executor's steps load the code location from the environment's settings,
    so with `parallel` `defs` must be `dagster_project.definitions.defs`.
    """
    tags = {**tags, **launcher_tags()}
    if parallel:
        from dagster_project.definitions import refresh_all_job

        return dg.execute_job(
            dg.reconstructable(refresh_all_job), instance, run_config=QUIET_LOGS, tags=tags,
            raise_on_error=False, asset_selection=selection,
        )
    return defs.resolve_job_def("refresh_all").execute_in_process(
        run_config=QUIET_LOGS, instance=instance, tags=tags, raise_on_error=False, asset_selection=selection,
    )


def _domain_selection(defs: dg.Definitions, domains: Collection[str] | None) -> list[dg.AssetKey] | None:
    """Every asset except those of the dbt domains not in `domains` and all that depends on them."""
    if domains is None:
        return None
    graph = defs.resolve_asset_graph()
    excluded = dg.AssetSelection.keys()
    for domain in DBT_DOMAINS:
        if domain not in domains:
            excluded = excluded | dg.AssetSelection.tag(domain, "")
    return sorted((dg.AssetSelection.all() - excluded.downstream()).resolve(graph))


def main(argv: list[str]) -> int:
    """`--parallel` runs the steps with the code location's multiprocess executor."""
    from dagster_project.definitions import defs

    parallel = "--parallel" in argv
    results = materialize_all(defs, dg.DagsterInstance.get(), lambda line: print(line, flush=True), parallel=parallel)
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
