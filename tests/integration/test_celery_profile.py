"""The scale-out profile end to end (issue 13): the README's commands, refresh_all through Celery workers, a worker killed.

Everything a team would run on several machines is started here on loopback by the README's
own commands ("One machine, PostgreSQL and Redis on loopback"), run line by line from a bare
shell: `make install manifest data redis-server`; `eval "$(... scale_out start)"`, which
starts a PostgreSQL cluster of its own (the lake's catalog and Dagster's instance) and a Redis
broker and sets the profile's settings; two `make worker` lines, each a Celery worker with one
process and its own WAREHOUSE_DIR (a "machine"), which the test starts in process groups of
their own instead of with the shell's `&`; and the run, `make materialize PARALLEL=1`, which
puts every step on the broker. The folders the settings name are the only things the test
chooses (SCALE_OUT_DIR, RAW_DATA_DIR, and a shorter wait for a dead worker); the servers are
stopped with the README's `scale_out stop` at the end. The raw folder is the real data, all 17
WIOD 2013 years and the indicator files, that `make data` copies; the warehouse the workers
build must be identical to the one the README's `make run` built from the same data
(conftest.real_warehouse: the embedded default, one process, SQLite catalog).

The scale-out profile is the server profile (docs/server-profile.md: the lake's catalog and
Dagster's instance in PostgreSQL, the data files on a shared path) with Celery on top, so this
module also checks what that profile promises, on the same run: two worker processes must be
seen writing different years into the lake at once, not merely overlapping in their staging.
While two years' steps are staging, the test holds an exclusive lock on the catalog's snapshot
table, which every commit inserts into: no commit can land, and readers are not blocked. It
lets go only once both years' data files are in the data path while neither year is in the
lake yet: at that moment both write transactions were open. Each year must then be one commit
with all its rows, the dbt builds one after another (their pool), the published snapshot
read-only, and the role refused without its password. Last, the services of the other
machines start on loopback with the same settings: a code server, the webserver and the
daemon; the webserver must see the daemon's heartbeats and the run (both only in PostgreSQL),
and a run launched through it must be dequeued by the daemon and publish into the lake.

One set-up serves the module: the second run's worker is SIGKILLed (its whole process group)
while it stages a year, and the run must fail clearly, within the bounded wait, with the
published state unchanged (dagster_project/instance/celery_workers.py says why this outcome).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.analysis.assets import REPORT_FILE, findings_report
from dagster_project.defs.dbt.assets import DBT_STEPS
from dagster_project.defs.resources import DBT_POOL
from dagster_project.input_output.staging import STAGED_TABLES
from dagster_project.releases import registry
from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.publish import PUBLISHED_SCHEMAS
from tests.helpers.celery_worker import STAGE_PREFIX, step_workers, stop, wait_until_ready
from tests.helpers.dagster_services import (
    LAUNCH_RUN,
    LOCATION,
    RUNS,
    SERVICE_TIMEOUT_SECONDS,
    finished,
    graphql,
    wait_for,
    webserver_daemon_and_code_server,
)
from tests.helpers.warehouse import SHARED_DATA, bare_shell, checksums, table_checksums

YEARS = tuple(range(1995, 2012))  # every year of WIOD 2013
RUN_TIMEOUT_SECONDS = 1100
# The bounded wait for a dead worker, shortened for the test (the default is 60 s).
SILENCE_SECONDS = 20
WORKER_START_SECONDS = 120
SETUP_TIMEOUT_SECONDS = 600
README_HEADING = "**One machine, PostgreSQL and Redis on loopback**"
STOP_SERVERS = [sys.executable, "-m", "dagster_project.cli.scale_out", "stop"]
# The settings this process needs to read the run's Dagster instance (in PostgreSQL).
INSTANCE_SETTINGS = (
    "DAGSTER_HOME", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_DB", "PGPASSWORD",
)
YEAR_TABLES = sorted(STAGED_TABLES)  # the tables each year's staging step writes
WRITERS_TIMEOUT_SECONDS = 600
PUBLISH_ASSET = ["published", "analytics_snapshot"]


@dataclass(frozen=True)
class HeldCommits:
    """What the test saw while no commit could land in the lake."""

    years: list[int]  # years whose steps were staging, each on its worker, when the hold began
    committed_at_hold: list[int]  # those of them already in the lake then (none expected)
    files_before_release: dict[int, dict[str, int]]  # year -> table -> data files written
    committed_before_release: list[int]  # those of them in the lake just before the hold ended


def readme_commands() -> list[str]:
    """The lines of the README's shell block for the scale-out profile on one machine."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(README_HEADING):]
    block = after[after.index("```sh\n") + len("```sh\n"):]
    return [line for line in block[:block.index("```")].splitlines() if line.strip()]


@dataclass
class ScaleOut:
    settings: Settings  # the lake and folders of the process that runs the job
    environment: dict[str, str]  # the shell's after the README's set-up lines
    workers: dict[str, subprocess.Popen]  # name -> its process group leader
    hostname: dict[str, str]  # name -> the Celery worker name (name@host)
    instance: dg.DagsterInstance
    root: Path
    returncode: int
    log: str
    run_id: str
    held: HeldCommits


def latest_run_id(instance: dg.DagsterInstance, after: set[str]) -> str | None:
    runs = [r.run_id for r in instance.get_runs(limit=5) if r.run_id not in after]
    return runs[0] if runs else None


@contextlib.contextmanager
def commits_held(catalog_dsn: str) -> Iterator[None]:
    """No DuckLake commit lands while inside: every commit inserts its snapshot into ducklake_snapshot.

    EXCLUSIVE mode blocks those inserts and lets readers (ACCESS SHARE) through.
    """
    with contextlib.closing(psycopg2.connect(catalog_dsn)) as con, con.cursor() as cur:
        cur.execute("LOCK TABLE ducklake_snapshot IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            con.rollback()


def years_staging(instance: dg.DagsterInstance) -> list[int] | None:
    """Two or more years whose staging steps have started and not ended, in the run under way."""
    runs = instance.get_runs(limit=1)
    if not runs:
        return None
    events = instance.all_logs(runs[0].run_id, of_type={
        dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
    })
    started, ended = set(), set()
    for e in events:
        if e.step_key and e.step_key.startswith(STAGE_PREFIX):
            year = int(e.step_key[len(STAGE_PREFIX):-1])
            (started if e.dagster_event.event_type == dg.DagsterEventType.STEP_START else ended).add(year)
    running = sorted(started - ended)
    return running if len(running) >= 2 else None


def year_files(settings: Settings, year: int) -> dict[str, int]:
    """Data files written for `year`, by table (DuckLake's layout: <data path>/<schema>/<table>/year=<year>/)."""
    return {
        table: len(list(Path(settings.data_path).joinpath(*table.split("."), f"year={year}").glob("*.parquet")))
        for table in YEAR_TABLES
    }


def in_every_table(settings: Settings, years: list[int]) -> dict[int, dict[str, int]] | None:
    """The data files of `years`, once every year has files in every year table (else None)."""
    files = {year: year_files(settings, year) for year in years}
    return files if all(all(counts.values()) for counts in files.values()) else None


def committed_years(settings: Settings, years: list[int]) -> list[int]:
    """Those of `years` whose rows a reader sees in the lake (the year tables exist before the year steps start)."""
    with settings.lake.connect(read_only=True) as con:
        union = " union ".join(f"select distinct year from {table}" for table in YEAR_TABLES)
        return sorted(year for (year,) in con.execute(union).fetchall() if year in years)


def year_checksums(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], tuple[int, int]]:
    """(row count, content hash) of every year of every table the year steps write."""
    return {
        (table, year): (rows, digest)
        for table in YEAR_TABLES
        for year, rows, digest in con.execute(f"select year, count(*), sum(hash(t)) from {table} t group by year")
        .fetchall()
    }


def overlapping(steps) -> list[tuple[str, str]]:
    """The pairs of `steps` (run step stats) that ran at the same time."""
    return [
        (a.step_key, b.step_key)
        for a, b in combinations(steps, 2)
        if a.start_time < b.end_time and b.start_time < a.end_time
    ]


def shell(line: str, environment: dict[str, str], log: Path) -> subprocess.Popen:
    """One README line in bash, in a process group of its own (the trailing `&` is ours to handle)."""
    return subprocess.Popen(
        ["bash", "-c", line.removesuffix("&").strip()], cwd=PROJECT_ROOT, env=environment,
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def environment_after(lines: list[str], environment: dict[str, str], log: Path) -> dict[str, str]:
    """The shell's environment once `lines` ran in it (they must succeed)."""
    script = "set -e\n" + "\n".join(lines) + "\nenv -0 > \"$SCALE_OUT_TEST_ENV\"\n"
    dump = log.with_suffix(".env")
    done = subprocess.run(["bash", "-c", script], cwd=PROJECT_ROOT, env={**environment, "SCALE_OUT_TEST_ENV": str(dump)},
                          stdout=log.open("w"), stderr=subprocess.STDOUT, timeout=SETUP_TIMEOUT_SECONDS)
    assert done.returncode == 0, log.read_text()[-4000:]
    pairs = (item.partition("=") for item in dump.read_text().split("\0") if item)
    return {name: value for name, _, value in pairs if name not in ("SCALE_OUT_TEST_ENV", "_", "SHLVL", "PWD")}


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory) -> Iterator[ScaleOut]:
    root = tmp_path_factory.mktemp("celery_profile")
    # The PostgreSQL cluster belongs to the `postgres` user when we are root: its folder must be
    # reachable by that user, which pytest's own temporary folders (mode 700) are not.
    servers = Path(tempfile.mkdtemp(prefix="scale-out-"))
    servers.chmod(0o755)
    commands = readme_commands()
    set_up, workers_lines, run_line = commands[:2], commands[2:-1], commands[-1]
    assert "scale_out start" in set_up[1] and all("make worker" in line for line in workers_lines)
    assert "make materialize" in run_line
    start = bare_shell(DATA_MIRROR=str(SHARED_DATA), RAW_DATA_DIR=str(root / "raw"), SCALE_OUT_DIR=str(servers),
                       CELERY_WORKER_SILENCE_SECONDS=str(SILENCE_SECONDS))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, servers, ignore_errors=True)
        stack.callback(subprocess.run, STOP_SERVERS, cwd=PROJECT_ROOT, env=start, timeout=120)
        environment = environment_after(set_up, start, root / "set_up.log")
        assert environment["WAREHOUSE_EXECUTOR"] == "celery" and environment["SCALE_OUT_DIR"] == str(servers)
        workers, hostname = {}, {}
        for line in workers_lines:
            name = re.search(r"WORKER_NAME=(\w+)", line).group(1)
            workers[name] = shell(line, environment, root / f"{name}.log")
            stack.callback(stop, workers[name])
            hostname[name] = f"{name}@{os.uname().nodename}"
        for name, process in workers.items():
            wait_until_ready(name, process, root / f"{name}.log", WORKER_START_SECONDS)
        settings = Settings(
            data_mirror=SHARED_DATA, raw_dir=root / "raw", warehouse_dir=servers / "run",
            catalog=environment["WAREHOUSE_CATALOG"], data_path=environment["WAREHOUSE_DATA_PATH"],
        )
        assert tuple(registry.available_years(settings.raw_dir)) == YEARS
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for name in INSTANCE_SETTINGS:
            patch.setenv(name, environment[name])
        instance = stack.enter_context(dg.DagsterInstance.get())
        log = root / "run.log"
        run = shell(run_line, environment, log)
        stack.callback(stop, run)
        # A year's staging takes seconds (read, audit, solve) before it writes: time to hold the commits.
        years = wait_for(lambda: years_staging(instance), "two years staging at once", run, log, WRITERS_TIMEOUT_SECONDS)
        with commits_held(settings.catalog.removeprefix("postgres:")):
            at_hold = committed_years(settings, years)
            files = wait_for(lambda: in_every_table(settings, years), "data files of both years", run, log,
                             WRITERS_TIMEOUT_SECONDS)
            held = HeldCommits(years, at_hold, files, committed_years(settings, years))
        returncode = run.wait(timeout=RUN_TIMEOUT_SECONDS)
        (record,) = instance.get_run_records()
        yield ScaleOut(settings, {**environment, "WAREHOUSE_DIR": str(settings.warehouse_dir)}, workers, hostname,
                       instance, root, returncode, log.read_text(), record.dagster_run.run_id, held)


def test_refresh_all_runs_through_the_celery_workers(scale_out):
    assert scale_out.returncode == 0, scale_out.log[-4000:]
    assert f"warehouse: ducklake:{scale_out.settings.catalog}" in scale_out.log


def test_the_years_are_spread_over_both_workers_and_each_step_names_its_worker(scale_out):
    instance, run_id = scale_out.instance, scale_out.run_id
    took = step_workers(instance, run_id)
    stage_steps = {key: worker for key, worker in took.items() if key.startswith(STAGE_PREFIX)}
    assert sorted(stage_steps) == sorted(f"{STAGE_PREFIX}{year}]" for year in YEARS)
    assert set(stage_steps.values()) == set(scale_out.hostname.values())
    # Every step ran on a worker, none in the process that ran the job.
    steps = {s.step_key for s in instance.get_run_step_stats(run_id)}
    assert set(took) == steps
    # The stage step's own metadata (the Dagster UI's view of the step) names the same worker and its process.
    outputs = {
        e.step_key: e.dagster_event.step_output_data.metadata
        for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_OUTPUT)
        if e.step_key.startswith(STAGE_PREFIX)
    }
    assert {key: m["worker"].value for key, m in outputs.items()} == stage_steps
    worker_pids = {name: process.pid for name, process in scale_out.workers.items()}
    assert {m["worker_pid"].value for m in outputs.values()}.isdisjoint({os.getpid(), *worker_pids.values()})
    # The terminal: one line per year with its worker.
    for key, worker in stage_steps.items():
        year = key[len(STAGE_PREFIX):-1]
        assert any(line.startswith(f"  year {year} staged (") and f" on {worker} (" in line
                   for line in scale_out.log.splitlines()), scale_out.log[-3000:]


def test_the_warehouse_is_identical_to_the_embedded_run(scale_out, real_warehouse):
    with scale_out.settings.lake.connect(read_only=True) as con:
        scaled = checksums(con)
    assert {"marts.fct_manufacturing_servitization", "marts.fct_innovation_index"} <= set(scaled)
    assert all(rows for rows, _ in scaled.values())
    assert scaled == table_checksums(real_warehouse.settings)


def test_two_workers_wrote_different_years_into_the_lake_at_once(scale_out):
    held = scale_out.held
    assert len(held.years) >= 2
    assert held.committed_at_hold == []
    # Both years' files were in the data path while neither year was committed: both write
    # transactions were open at that moment, on different workers (one process each).
    assert all(all(count >= 1 for count in files.values()) for files in held.files_before_release.values())
    assert held.committed_before_release == []
    took = step_workers(scale_out.instance, scale_out.run_id)
    assert len({took[f"{STAGE_PREFIX}{year}]"] for year in held.years}) == len(held.years)
    steps = {s.step_key: s for s in scale_out.instance.get_run_step_stats(scale_out.run_id)}
    held_steps = [steps[f"{STAGE_PREFIX}{year}]"] for year in held.years]
    assert len(overlapping(held_steps)) == len(list(combinations(held_steps, 2)))  # every pair ran at once


def test_each_year_is_one_commit_with_all_its_rows(scale_out, real_warehouse):
    with scale_out.settings.lake.connect(read_only=True) as con:
        last = con.execute("select id from lake.current_snapshot()").fetchone()[0]
        commits = dict(con.execute(
            "select year, list(distinct snapshot_id) from ducklake_table_changes(current_database(), 'raw', "
            "'wiod_gross_output', 0, ?) where change_type = 'insert' group by year", [last],
        ).fetchall())
        written = year_checksums(con)
    with real_warehouse.settings.lake.connect(read_only=True) as con:
        expected = year_checksums(con)
    assert sorted(commits) == sorted({year for _, year in expected}) == list(YEARS)
    assert all(len(snapshots) == 1 for snapshots in commits.values())
    assert len({snapshots[0] for snapshots in commits.values()}) == len(commits)
    assert written == expected


def test_years_are_staged_at_once_and_dbt_builds_one_at_a_time(scale_out):
    """The workers stage years side by side; the dbt builds hold the dbt pool (dbt cannot retry
    a transaction that lost a race on the catalog), on whichever worker takes them."""
    steps = scale_out.instance.get_run_step_stats(scale_out.run_id)
    assert overlapping([s for s in steps if s.step_key.startswith(STAGE_PREFIX)]), "no two years staged at once"
    dbt_builds = [s for s in steps if s.step_key.endswith("_dbt_models")]
    assert len(dbt_builds) == len(DBT_STEPS)
    assert overlapping(dbt_builds) == []
    # Each year's step removes its staged files, and its run's folder once it holds no other year,
    # on both workers; the worker that checks the years removes whatever of the run is left there.
    for name in scale_out.workers:
        assert not (scale_out.settings.warehouse_dir.parent / name / "staging" / scale_out.run_id).exists()


def test_the_report_page_names_the_worker_whose_folder_holds_the_report(scale_out):
    """Each worker writes the findings report into its own WAREHOUSE_DIR: the asset's page says which."""
    event = scale_out.instance.get_latest_materialization_event(findings_report.key)
    metadata = event.asset_materialization.metadata
    (name,) = [name for name, host in scale_out.hostname.items() if host == metadata["worker"].value]
    path = Path(metadata["path"].value)
    assert path == scale_out.settings.warehouse_dir.parent / name / "reports" / REPORT_FILE
    assert "<html" in path.read_text(encoding="utf-8")[:500].lower()


def test_dbt_builds_and_only_they_are_in_the_dbt_pool():
    ops = {op.name: op.pool for op in defs.resolve_job_def("refresh_all").graph.iterate_op_defs()}
    assert {name for name, pool in ops.items() if pool == DBT_POOL} == {f"{step}_dbt_models" for step in DBT_STEPS}


def test_the_published_snapshot_is_read_only_from_the_postgresql_catalog(scale_out, real_warehouse):
    lake = scale_out.settings.lake
    with lake.connect(read_only=True) as con:
        publications = dict(con.execute("select run_id, snapshot_id from meta.publications").fetchall())
        latest = max(publications.values())
        recorded = dict(con.execute(
            "select table_name, row_count from meta.published_tables where snapshot_id = ?", [latest]
        ).fetchall())
    assert scale_out.run_id in publications
    with lake.published_connection() as con:
        assert con.execute("select id from lake.current_snapshot()").fetchone()[0] == latest
        published = checksums(con, PUBLISHED_SCHEMAS)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.scratch as select 1")
    assert {table: rows for table, (rows, _) in published.items()} == recorded
    with real_warehouse.settings.lake.published_connection() as con:
        assert checksums(con, PUBLISHED_SCHEMAS) == published


def test_make_sql_opens_the_published_snapshot_from_the_postgresql_catalog(scale_out):
    query = "select count(*) from marts.fct_manufacturing_servitization;"
    shell = subprocess.run(
        ["make", "--no-print-directory", "sql"], cwd=PROJECT_ROOT, env=scale_out.environment,
        input=f".mode list\n{query}\n", capture_output=True, text=True, timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    with scale_out.settings.lake.published_connection() as con:
        expected = con.execute(query).fetchone()[0]
    assert shell.stdout.splitlines()[-1] == str(expected) and expected > 0


def test_the_role_needs_its_password(scale_out):
    environment = scale_out.environment
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(
            host=environment["DAGSTER_PG_HOST"], port=environment["DAGSTER_PG_PORT"],
            user=environment["DAGSTER_PG_USER"], dbname=environment["DAGSTER_PG_DB"], password="wrong",
        )
    without = {k: v for k, v in environment.items() if k != "PGPASSWORD"}
    attach = "from dagster_project.settings import Settings; Settings.from_env().lake.connect(read_only=True)"
    probe = subprocess.run(
        [sys.executable, "-c", attach], cwd=PROJECT_ROOT, env=without, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode != 0
    assert "cannot be opened" in probe.stderr and "no password supplied" in probe.stderr


def test_webserver_daemon_and_code_server_share_the_instance_and_the_lake(scale_out, tmp_path):
    """A run launched from the webserver is queued in PostgreSQL, dequeued by the daemon, run by a
    run worker the code server starts (its step on a Celery worker), and writes the lake: here it
    publishes the lake's state again."""
    instance = scale_out.instance
    with webserver_daemon_and_code_server(scale_out.environment, tmp_path) as (url, services, logs):
        runs = graphql(url, RUNS)["runsOrError"]["results"]
        assert {"runId": scale_out.run_id, "status": "SUCCESS"} in runs  # materialize's run, recorded elsewhere
        launched = graphql(url, LAUNCH_RUN, {"params": {
            "selector": {"repositoryLocationName": LOCATION, "repositoryName": "__repository__",
                         "jobName": "__ASSET_JOB", "assetSelection": [{"path": PUBLISH_ASSET}]},
            "mode": "default",
        }})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        run = wait_for(lambda: finished(instance, run_id), "the launched run to end", services["daemon"],
                       logs["daemon"], SERVICE_TIMEOUT_SECONDS)
        other_runs = {r.run_id for r in instance.get_runs()} - {scale_out.run_id, run_id}
        pids = {p.pid for p in services.values()}
    assert run.status == dg.DagsterRunStatus.SUCCESS, logs["daemon"].read_text()[-3000:]
    # The code server announces each run worker it starts (the only code server of this workspace).
    workers = [e.dagster_event.engine_event_data.metadata["pid"].value
               for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
               if e.dagster_event.message.startswith("Started process for run")]
    assert len(workers) == 1 and int(workers[0]) not in pids
    assert other_runs == set()  # the daemon's schedule and sensors found nothing to do
    with scale_out.settings.lake.connect(read_only=True) as con:
        (latest,) = con.execute("select run_id from meta.publications order by snapshot_id desc limit 1").fetchone()
    assert latest == run_id


def test_a_worker_killed_while_staging_a_year_fails_the_run_and_publishes_nothing(scale_out):
    """The documented outcome: the run fails within the bounded wait, naming the dead worker; the
    published state is the last good run's; the other worker goes on working."""
    lake = scale_out.settings.lake
    with lake.published_connection() as con:
        published_before = con.execute("select id from lake.current_snapshot()").fetchone()[0]
        tables_before = checksums(con, PUBLISHED_SCHEMAS)
    instance, earlier = scale_out.instance, {r.run_id for r in scale_out.instance.get_runs()}
    log = scale_out.root / "killed_run.log"
    run = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli.run", "--parallel"], cwd=PROJECT_ROOT,
        env=scale_out.environment, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        def staging() -> tuple[str, str] | None:
            run_id = latest_run_id(instance, earlier)
            taken = step_workers(instance, run_id) if run_id else {}
            return next(((key, worker) for key, worker in taken.items() if key.startswith(STAGE_PREFIX)), None)

        step, worker = wait_for(staging, "a year's step on a worker", run, log, RUN_TIMEOUT_SECONDS)
        name = worker.partition("@")[0]
        run_id = latest_run_id(instance, earlier)
        os.killpg(scale_out.workers[name].pid, signal.SIGKILL)
        killed_at = time.monotonic()
        returncode = run.wait(timeout=RUN_TIMEOUT_SECONDS)
        ended_after = time.monotonic() - killed_at
    finally:
        stop(run)
    output = log.read_text()
    assert returncode == 1, output[-3000:]
    assert f"its worker {worker}" in output and "has not answered" in output, output[-3000:]
    # Bounded: the silence limit, one ping round and the other worker's step in progress.
    assert ended_after < SILENCE_SECONDS + 120, f"the run took {ended_after:.0f} s to fail after the kill"
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    succeeded = {e.step_key for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)}
    assert step not in succeeded
    assert not any(key.startswith("wiod_tables.check_io_years") for key in succeeded)
    with lake.published_connection() as con:
        assert con.execute("select id from lake.current_snapshot()").fetchone()[0] == published_before
        assert checksums(con, PUBLISHED_SCHEMAS) == tables_before
    other = next(n for n in scale_out.workers if n != name)
    assert scale_out.workers[other].poll() is None  # the other worker is still serving
