"""`make run`: register the years on disk and materialize every asset in one run.

The run goes through the Dagster instance in DAGSTER_HOME, so `make ui` shows its history,
lineage and checks. One run of `refresh_all` covers every year partition and everything
downstream; blocking checks stop what depends on a failure, and the published snapshot is
replaced only when everything before it succeeded. `--years 2005,2006` (the backfill) runs
those year partitions and what is downstream of the input-output tables, in one run.

The console shows a line per step and, for a failure, the error that names the file, row or
column; every event and all the output of dbt and the libraries go to a log file under
`warehouse/logs/` (dagster_project/cli/run_report.py).

`make run` executes the steps in this process, one after another. `--parallel` uses the
code location's multiprocess executor instead (years staged and written side by side, dbt
builds one at a time through their pool), as runs launched from the UI, schedule and sensor
do; both build the same warehouse (bench/RESULTS.md compares their times).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import BinaryIO

import dagster as dg

from dagster_project.cli.run_report import (
    Progress,
    captured,
    console_to_file,
    failure_lines,
    write_run_log,
    written_files,
)
from dagster_project.defs.automation.jobs import refresh_all
from dagster_project.defs.automation.schedules import partition_range_tags
from dagster_project.defs.dbt.assets import DBT_DOMAINS
from dagster_project.defs.input_output.jobs import YEARLY_ASSETS
from dagster_project.defs.input_output.partitions import register_years
from dagster_project.releases import registry
from dagster_project.settings import Settings
from dagster_project.storage.lake import LakeUnavailable

# Dagster's console logger prints every event; `make run` prints a line per step instead
# (run_report.Progress), and every event goes to the run's log file.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
# Which process launched a run, so that a later launch can tell a killed run from a running one.
LAUNCHER_TAG = "economic_warehouse/launcher"
# Where the single-file version kept the warehouse, inside the warehouse folder.
LEGACY_WAREHOUSE = "warehouse.duckdb"
IN_PROGRESS = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def launcher_tags() -> dict[str, str]:
    return {LAUNCHER_TAG: f"{socket.gethostname()}:{os.getpid()}"}


def release_abandoned_runs(instance: dg.DagsterInstance, report: Callable[[str], None] = print) -> list[str]:
    """Fail the runs launched here whose process is gone (killed), and free their pool slots.

    A killed run never reports its end, so the `dbt_lake` slot its dbt step held
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
    report: Callable[[str], None] | None = None,
    domains: Collection[str] | None = None,
    parallel: bool = False,
    years: Sequence[str] | None = None,
) -> list[dg.ExecuteInProcessResult | dg.ExecuteJobResult]:
    """One `refresh_all` run over every year on disk (a list, for callers that keep results).

    `years` limits the run to those year partitions and the assets downstream of the
    input-output tables (a backfill). `domains` limits it to the dbt domains named (and what
    feeds them), for a raw folder that holds only some domains' sources; assets downstream of
    the others are left out. `parallel`: see `execute_refresh_all`.

    `report` gets a line per step and the outcome (default: the console). Everything else the
    run writes to this process's stdout and stderr (dbt's output, library warnings, step
    processes) goes to the run's log file with its events, under the warehouse's `logs/`.
    """
    with tempfile.TemporaryFile() as output, console_to_file(output) as console:
        return _materialize(defs, instance, report or console, domains, parallel, years, output)


def _materialize(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    report: Callable[[str], None],
    domains: Collection[str] | None,
    parallel: bool,
    years: Sequence[str] | None,
    output: BinaryIO,
) -> list[dg.ExecuteInProcessResult | dg.ExecuteJobResult]:
    """`materialize_all` with the process's stdout and stderr going to `output`.

    The lake is attached once before the run, so that a catalog that cannot be opened
    (unreachable, another format, another data path) stops the run at once and not after the
    years are staged; a warehouse file left by the single-file version is pointed out.
    """
    raw_dir = defs.resources["raw_files"].path
    registered = register_years(instance, raw_dir)
    if not registered:
        raise SystemExit(f"no input-output tables in {raw_dir}: run `make data` first")
    run_years = registered if years is None else _years_of_run(registered, years, raw_dir)
    warehouse = defs.resources["warehouse"]
    try:
        warehouse.lake.connect().close()
    except LakeUnavailable as exc:
        raise SystemExit(str(exc)) from exc
    if (legacy := warehouse.path / LEGACY_WAREHOUSE).exists():
        report(
            f"note: {legacy} was built by the single-file version of this warehouse and is no longer read or "
            f"written; the warehouse is now the lake ducklake:{warehouse.catalog}. Remove the old file when you "
            f"no longer need it: rm {legacy}"
        )
    release_abandoned_runs(instance, report)
    tags = {**partition_range_tags(run_years), **launcher_tags()}
    scope = "everything downstream" if years is None else "what is downstream of the input-output tables"
    report(f"refresh_all: input-output years {', '.join(run_years)} and {scope} ...")
    if extra := [y for y in run_years if years is not None and y not in years]:
        report(
            f"  a run covers a range of year partitions, {run_years[0]} to {run_years[-1]}: "
            f"{', '.join(extra)} (not asked for) also staged and loaded again, from the files on disk"
        )
    started = time.perf_counter()
    with Progress(instance, launcher_tags(), len(run_years), report):
        result = execute_refresh_all(defs, instance, tags, _selection(defs, domains, years is not None), parallel)
    try:
        log = write_run_log(instance, result.run_id, warehouse.path / "logs", captured(output))
    except OSError as exc:
        log = f"not written ({exc})"
    took = f"{time.perf_counter() - started:.1f}s (run {result.run_id})"
    if result.success:
        report(f"refresh_all: done in {took}")
        written = {"warehouse": f"ducklake:{warehouse.catalog}", **written_files(result.all_events)}
        for name, path in written.items():
            report(f"  {name}: {path}")
        if (published := warehouse.lake.published_snapshot()) is not None:
            report(f"  published: lake snapshot {published}; query it with `make sql`")
    else:
        report(f"refresh_all: FAILED in {took}; the published state is still the last good run's")
        for line in failure_lines(result.all_events):
            report(line)
    report(f"  full log: {log}")
    return [result]


def _years_of_run(registered: list[str], years: Sequence[str], raw_dir: Path) -> list[str]:
    """The year partitions a run of `years` covers: from the first to the last of them.

    A run covers a range of partitions (its range tags, in registration order) and cannot
    leave out the years between: those are staged and loaded again from their files on disk
    (as the next full run would), and `materialize_all` says so.
    """
    on_disk = [str(y) for y in registry.available_years(raw_dir)]
    if missing := [y for y in years if y not in on_disk]:
        raise SystemExit(
            f"--years: no input-output table for {', '.join(missing)} in {raw_dir}; "
            f"the years on disk are {', '.join(on_disk) or 'none'}"
        )
    positions = sorted(registered.index(y) for y in years)
    return registered[positions[0] : positions[-1] + 1]


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
    return defs.resolve_job_def(refresh_all.name).execute_in_process(
        run_config=QUIET_LOGS, instance=instance, tags=tags, raise_on_error=False, asset_selection=selection,
    )


def _selection(defs: dg.Definitions, domains: Collection[str] | None, backfill: bool) -> list[dg.AssetKey] | None:
    """Every asset (None), or with `backfill` the input-output tables and what is downstream of them;
    without the dbt domains not in `domains` and all that depends on them."""
    if domains is None and not backfill:
        return None
    selection = YEARLY_ASSETS.downstream() if backfill else dg.AssetSelection.all()
    for domain in DBT_DOMAINS:
        if domains is not None and domain not in domains:
            selection = selection - dg.AssetSelection.tag(domain, "").downstream()
    return sorted(selection.resolve(defs.resolve_asset_graph()))


def parse_years(text: str) -> list[str]:
    """`2005,2006`, `2005-2007` or both (`1995-1997,2005`): the years, sorted and distinct."""
    years: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise argparse.ArgumentTypeError(f"{part.strip()!r} is not a year or a range of years like 2005-2007")
        if int(last or first) < int(first):
            raise argparse.ArgumentTypeError(f"{part.strip()!r} runs backwards")
        years.update(range(int(first), int(last or first) + 1))
    return [str(year) for year in sorted(years)]


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.cli.run",
        description="Register the input-output years on disk and materialize every asset in one run of refresh_all "
        "(`make run`); the console shows each step as it ends, the full log goes to the warehouse's logs folder.",
    )
    parser.add_argument(
        "--parallel", action="store_true",
        help="run the steps with the code location's multiprocess executor (as runs launched from the UI do)",
    )
    parser.add_argument(
        "--years", type=parse_years, metavar="YEARS",
        help="only these year partitions (2005,2006 or 2005-2007; they must be on disk) and everything downstream "
        "of the input-output tables, in one run (`make backfill YEARS=...`); a run covers a range of partitions, "
        "so the years between the first and the last are staged again too",
    )
    return parser


def open_instance() -> dg.DagsterInstance:
    """DAGSTER_HOME's instance, opened under a lock on a file in that folder.

    The first open of a new DAGSTER_HOME creates its SQLite storages; two `make backfill`s
    started together would both create them, and one died on alembic's version row
    ("UNIQUE constraint failed: alembic_version.version_num").
    """
    if not os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()  # Dagster's own error says to set it
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    with (home / ".instance.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return dg.DagsterInstance.get()


def main(argv: list[str]) -> int:
    """Arguments are read before the code location is loaded, so that `--help` or a typo starts nothing."""
    args = argument_parser().parse_args(argv)
    Settings.from_env().export()  # the run's processes (parallel steps, dbt) resolve the same folders
    from dagster_project.definitions import defs

    results = materialize_all(defs, open_instance(), parallel=args.parallel, years=args.years)
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
