"""`make run`: register the years on disk and materialize every asset in one run.

The run goes through the Dagster instance in DAGSTER_HOME, so `make ui` shows its history,
lineage and checks. One run of `refresh_all` covers every year partition and everything
downstream; blocking checks stop what depends on a failure, and the published snapshot is
replaced only when everything before it succeeded.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection

import dagster as dg

from dagster_project.assets.dbt import DBT_DOMAINS
from dagster_project.partitions import register_years
from dagster_project.schedules import partition_range_tags

# Step starts and successes, and the assets' own log lines; DEBUG would print every dbt event.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def materialize_all(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    report: Callable[[str], None] = print,
    domains: Collection[str] | None = None,
) -> list[dg.ExecuteInProcessResult]:
    """One `refresh_all` run over every year on disk (a list, for callers that keep results).

    `domains` limits the run to the dbt domains named (and what feeds them), for a raw folder
    that holds only some domains' sources; assets downstream of the others are left out.
    """
    years = register_years(instance, defs.resources["raw_files"].path)
    if not years:
        raise SystemExit(f"no input-output tables in {defs.resources['raw_files'].path}: run `make data` first")
    report(f"refresh_all: {len(years)} input-output years ({', '.join(years)}) and everything downstream ...")
    started = time.perf_counter()
    result = defs.resolve_job_def("refresh_all").execute_in_process(
        run_config=QUIET_LOGS,
        instance=instance,
        tags=partition_range_tags(years),
        raise_on_error=False,
        asset_selection=_domain_selection(defs, domains),
    )
    if result.success:
        report(f"refresh_all: done in {time.perf_counter() - started:.1f}s (run {result.run_id})")
    else:
        for event in result.all_events:
            if event.is_step_failure:
                report(f"    failed: {event.step_key}: {event.step_failure_data.error.message.strip()}")
        report(f"refresh_all: FAILED (run {result.run_id}); the published snapshot keeps the last good run")
    return [result]


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


def main() -> int:
    from dagster_project.definitions import defs

    results = materialize_all(defs, dg.DagsterInstance.get(), lambda line: print(line, flush=True))
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
