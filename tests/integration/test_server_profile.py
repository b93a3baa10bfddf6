"""The server profile end to end (issue 12): the pipeline on a PostgreSQL catalog, years written at once.

In the server profile the lake's catalog is a PostgreSQL database, its data files are on a
path every machine mounts, and Dagster's instance is a second database of the same server
(deploy/server/dagster.yaml), so that processes on several machines share one lake, run
history and pool slots. This module starts a private PostgreSQL (tests/helpers/postgres_server.py),
makes a role that must give its password (as over a network; libpq reads it from PGPASSWORD),
and runs `python -m dagster_project.cli.run --parallel` over the generated sample's raw
folder with only the documented settings pointing at it (docs/server-profile.md): the
multiprocess executor stages and writes each year in its own process.

Two of those processes must be seen writing into the lake at once, not merely overlapping in
their staging. So while both are staging, the test holds an exclusive lock on the catalog's
snapshot table, which every commit inserts into: no commit can land, and readers are not
blocked. It lets go only once both years' data files are in the data path while neither year
is in the lake yet: at that moment both write transactions were open. Then the run must end
well, each year in a commit of its own with all its rows, the dbt builds one after another
(their pool), and every table and the published snapshot must be identical to the embedded
(SQLite-catalog) sequential run's: this is also the suite's check that the multiprocess
executor, which runs launched from the UI use, builds the same warehouse as `make run`.

Last, the services of the other machines start on loopback with the same settings: a code
server, the webserver and the daemon. The webserver must see the daemon's heartbeats and the
run above (both only in PostgreSQL), and a run launched through it must be dequeued by the
daemon, executed by a worker of the code server, and publish into the lake.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.dbt.assets import DBT_STEPS
from dagster_project.defs.resources import DBT_POOL
from dagster_project.input_output.staging import STAGED_TABLES
from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.publish import PUBLISHED_SCHEMAS
from tests.helpers.pipeline_sample import YEARS, build_raw_dir
from tests.helpers.warehouse import SHARED_DATA, checksums, table_checksums

SERVER_INSTANCE = PROJECT_ROOT / "deploy" / "server" / "dagster.yaml"
ROLE, PASSWORD = "warehouse", "lake-and-runs"
# Not the names tests/integration/test_postgres_profile.py creates on the same session server.
LAKE_DB, DAGSTER_DB = "server_lake", "server_dagster"
YEAR_TABLES = sorted(STAGED_TABLES)  # the tables each year's staging step writes
STAGE_STEP = "wiod_tables.stage_io_year[{}]"
RUN_TIMEOUT_SECONDS = 1500
WRITERS_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class HeldCommits:
    """What the test saw while no commit could land in the lake."""

    years: list[int]  # the years whose steps were staging when the hold began (two, on 2 cores)
    committed_at_hold: list[int]  # years already in the lake then (none expected)
    files_before_release: dict[int, dict[str, int]]  # year -> table -> data files written
    committed_before_release: list[int]  # years in the lake just before the hold ended


@dataclass(frozen=True)
class ServerRun:
    settings: Settings
    environment: dict[str, str]
    returncode: int
    log: str
    seconds: float
    held: HeldCommits
    run_id: str
    instance: dg.DagsterInstance  # the run's, in PostgreSQL


def server_environment(
    settings: Settings, home: Path, host: str, port: int, role: str = ROLE, password: str = PASSWORD,
    dagster_db: str = DAGSTER_DB,
) -> dict[str, str]:
    """The settings docs/server-profile.md gives every machine: lake, Dagster's database, password."""
    return {
        **os.environ,
        "RAW_DATA_DIR": str(settings.raw_dir),
        "WAREHOUSE_DIR": str(settings.warehouse_dir),
        "WAREHOUSE_CATALOG": settings.catalog,
        "WAREHOUSE_DATA_PATH": settings.data_path,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": host,
        "DAGSTER_PG_PORT": str(port),
        "DAGSTER_PG_USER": role,
        "DAGSTER_PG_DB": dagster_db,
        "PGPASSWORD": password,
    }


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


def wait_for(condition: Callable[[], object], what: str, process: subprocess.Popen, log: Path, timeout: float):
    """Poll `condition` until it returns something true; fail if `process` ends or the time is up first."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if process.poll() is not None:
            pytest.fail(f"{process.args[:3]} ended ({process.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return value


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


def overlapping(steps) -> list[tuple[str, str]]:
    """The pairs of `steps` (run step stats) that ran at the same time."""
    return [
        (a.step_key, b.step_key)
        for a, b in combinations(steps, 2)
        if a.start_time < b.end_time and b.start_time < a.end_time
    ]


def at_least_two(years: list[int]) -> list[int] | None:
    return years if len(years) >= 2 else None


def committed_years(settings: Settings) -> list[int]:
    """Years whose rows a reader sees in the lake (the year tables exist before the year steps start)."""
    with settings.lake.connect(read_only=True) as con:
        union = " union ".join(f"select distinct year from {table}" for table in YEAR_TABLES)
        return sorted(year for (year,) in con.execute(union).fetchall())


def year_checksums(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], tuple[int, int]]:
    """(row count, content hash) of every year of every table the year steps write."""
    return {
        (table, year): (rows, digest)
        for table in YEAR_TABLES
        for year, rows, digest in con.execute(f"select year, count(*), sum(hash(t)) from {table} t group by year")
        .fetchall()
    }


INSTANCE_SETTINGS = (
    "DAGSTER_HOME", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_DB", "PGPASSWORD",
)


def years_started(instance: dg.DagsterInstance) -> list[int]:
    """Years whose staging step has started, in the run being executed (from its events)."""
    runs = instance.get_runs(limit=1)
    if not runs:
        return []
    events = instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.STEP_START)
    prefix = STAGE_STEP.split("[")[0] + "["
    return sorted(int(e.step_key[len(prefix):-1]) for e in events if e.step_key.startswith(prefix))


@pytest.fixture(scope="module")
def server_run(postgres, tmp_path_factory) -> Iterator[ServerRun]:  # noqa: F811
    """`materialize --parallel` on the server profile, over a raw folder like the embedded sample run's.

    The folder is generated here (the same years, the same links to the mirror), so that this
    run does not wait for the sample run, which the tests compare it with afterwards.
    """
    root = tmp_path_factory.mktemp("server_profile")
    postgres.create_role(ROLE, PASSWORD)
    postgres.create_database(LAKE_DB, owner=ROLE)
    postgres.create_database(DAGSTER_DB, owner=ROLE)
    settings = Settings(
        data_mirror=SHARED_DATA, raw_dir=root / "raw", warehouse_dir=root / "warehouse",
        catalog=f"postgres:{postgres.dsn(LAKE_DB, user=ROLE)}", data_path=f"{root / 'lake_data'}/",
    )
    build_raw_dir(settings.raw_dir)
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(SERVER_INSTANCE, home)
    environment = server_environment(settings, home, postgres.host, postgres.port)
    log = root / "run.log"
    with pytest.MonkeyPatch.context() as patch, contextlib.ExitStack() as stack:
        # This process reads the instance and the lake too (the module's tests as well).
        for name in INSTANCE_SETTINGS:
            patch.setenv(name, environment[name])
        instance = stack.enter_context(dg.DagsterInstance.get())
        started = time.monotonic()
        run = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.cli.run", "--parallel"], cwd=PROJECT_ROOT, env=environment,
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            # Staging takes seconds (parse, audit, solve) before the year is written: time to hold commits.
            years = wait_for(lambda: at_least_two(years_started(instance)), "two years staging at once", run, log,
                             WRITERS_TIMEOUT_SECONDS)
            with commits_held(postgres.dsn(LAKE_DB)):
                at_hold = committed_years(settings)
                files = wait_for(lambda: in_every_table(settings, years), "data files of both years", run, log,
                                 WRITERS_TIMEOUT_SECONDS)
                held = HeldCommits(years, at_hold, files, committed_years(settings))
            returncode = run.wait(timeout=RUN_TIMEOUT_SECONDS)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
        seconds = time.monotonic() - started
        (record,) = instance.get_run_records()
        yield ServerRun(
            settings, environment, returncode, log.read_text(), seconds, held, record.dagster_run.run_id, instance
        )


def test_the_run_on_the_server_profile_succeeds(server_run):
    print(f"server-profile run: {server_run.seconds:.0f} s")
    assert server_run.returncode == 0, server_run.log[-4000:]
    assert f"warehouse: ducklake:{server_run.settings.catalog}" in server_run.log


def test_two_processes_wrote_different_years_into_the_lake_at_once(server_run):
    held = server_run.held
    assert len(held.years) >= 2
    assert held.committed_at_hold == []
    # Both years' files were in the data path while neither year was committed: both write
    # transactions were open at that moment.
    assert all(all(count >= 1 for count in files.values()) for files in held.files_before_release.values())
    assert held.committed_before_release == []

    events = server_run.instance.all_logs(server_run.run_id, of_type=dg.DagsterEventType.STEP_WORKER_STARTED)
    pids = {e.step_key: e.dagster_event.event_specific_data.metadata["pid"].value for e in events}
    writers = {pids[STAGE_STEP.format(year)] for year in held.years}
    assert len(writers) == len(held.years) and str(os.getpid()) not in writers
    steps = {s.step_key: s for s in server_run.instance.get_run_step_stats(server_run.run_id)}
    held_steps = [steps[STAGE_STEP.format(year)] for year in held.years]
    assert len(overlapping(held_steps)) == math.comb(len(held_steps), 2)  # every pair ran at once


def test_each_year_is_one_commit_with_all_its_rows(server_run, sample_pipeline):
    with server_run.settings.lake.connect(read_only=True) as con:
        last = con.execute("select id from lake.current_snapshot()").fetchone()[0]
        commits = dict(con.execute(
            "select year, list(distinct snapshot_id) from ducklake_table_changes(current_database(), 'raw', "
            "'wiod_gross_output', 0, ?) where change_type = 'insert' group by year", [last],
        ).fetchall())
        written = year_checksums(con)
    with sample_pipeline.as_built.lake.connect(read_only=True) as con:
        expected = year_checksums(con)
    assert sorted(commits) == sorted({year for _, year in expected})
    assert all(len(snapshots) == 1 for snapshots in commits.values())
    assert len({snapshots[0] for snapshots in commits.values()}) == len(commits)
    assert written == expected


def test_the_warehouse_is_identical_to_the_embedded_sequential_runs(server_run, sample_pipeline):
    with server_run.settings.lake.connect(read_only=True) as con:
        server = checksums(con)
    assert {"marts.fct_manufacturing_servitization", "analytics.regression_results"} <= set(server)
    assert all(rows for rows, _ in server.values())
    assert server == table_checksums(sample_pipeline.as_built)


def test_years_are_staged_at_once_and_dbt_builds_one_at_a_time(server_run):
    """The multiprocess executor stages every year in a step of its own, side by side; the dbt
    builds hold the dbt pool (dbt cannot retry a transaction that lost a race on the catalog)."""
    steps = server_run.instance.get_run_step_stats(server_run.run_id)
    staged = [s for s in steps if s.step_key.startswith(STAGE_STEP.split("[")[0])]
    assert sorted(s.step_key for s in staged) == [STAGE_STEP.format(year) for year in YEARS]
    assert overlapping(staged), "no two years were staged at the same time"
    dbt_builds = [s for s in steps if s.step_key.endswith("_dbt_models")]
    assert len(dbt_builds) == len(DBT_STEPS)
    assert overlapping(dbt_builds) == []
    assert not (server_run.settings.warehouse_dir / "staging" / server_run.run_id).exists()


def test_dbt_builds_and_only_they_are_in_the_dbt_pool():
    ops = {op.name: op.pool for op in defs.resolve_job_def("refresh_all").graph.iterate_op_defs()}
    assert {name for name, pool in ops.items() if pool == DBT_POOL} == {
        f"{step}_dbt_models" for step in DBT_STEPS
    }


def test_the_published_snapshot_is_read_only_from_the_postgresql_catalog(server_run, sample_pipeline):
    lake = server_run.settings.lake
    with lake.connect(read_only=True) as con:
        publications = dict(con.execute("select run_id, snapshot_id from meta.publications").fetchall())
        latest = max(publications.values())
        recorded = dict(con.execute(
            "select table_name, row_count from meta.published_tables where snapshot_id = ?", [latest]
        ).fetchall())
    assert server_run.run_id in publications
    with lake.published_connection() as con:
        assert con.execute("select id from lake.current_snapshot()").fetchone()[0] == latest
        published = checksums(con, PUBLISHED_SCHEMAS)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.scratch as select 1")
    assert {table: rows for table, (rows, _) in published.items()} == recorded
    with sample_pipeline.as_built.lake.published_connection() as con:
        assert checksums(con, PUBLISHED_SCHEMAS) == published


def test_make_sql_opens_the_published_snapshot_from_the_server_profile(server_run):
    query = "select count(*) from marts.fct_manufacturing_servitization;"
    shell = subprocess.run(
        ["make", "--no-print-directory", "sql"], cwd=PROJECT_ROOT, env=server_run.environment,
        input=f".mode list\n{query}\n", capture_output=True, text=True, timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    with server_run.settings.lake.published_connection() as con:
        expected = con.execute(query).fetchone()[0]
    assert shell.stdout.splitlines()[-1] == str(expected) and expected > 0


def test_the_role_needs_its_password(server_run, postgres):  # noqa: F811
    without = {k: v for k, v in server_run.environment.items() if k != "PGPASSWORD"}
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(postgres.dsn(DAGSTER_DB, user=ROLE) + " password=wrong")
    attach = "from dagster_project.settings import Settings; Settings.from_env().lake.connect(read_only=True)"
    probe = subprocess.run(
        [sys.executable, "-c", attach], cwd=PROJECT_ROOT, env=without, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode != 0
    assert "cannot be opened" in probe.stderr and "no password supplied" in probe.stderr


# The services of the other machines, here on loopback: a code server (where run workers start),
# the webserver and the daemon, each loading the code location from the same settings.
LOCATION = "economic_warehouse"
SERVICE_TIMEOUT_SECONDS = 300
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
RUNS = "{ runsOrError { ... on Runs { results { runId status } } } }"
DAEMON_HEALTH = "{ instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }"
PUBLISH_ASSET = ["published", "analytics_snapshot"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def daemons_healthy(url: str) -> bool:
    statuses = graphql(url, DAEMON_HEALTH)["instance"]["daemonHealth"]["allDaemonStatuses"]
    return all(s["healthy"] for s in statuses if s["required"])


def finished(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRun | None:
    run = instance.get_run_by_id(run_id)
    return run if run.is_finished else None


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/server_info", timeout=2).close()
        return True
    except OSError:
        return False


def test_webserver_daemon_and_code_server_share_the_instance_and_the_lake(server_run, tmp_path):
    """A run launched from the webserver is queued in PostgreSQL, dequeued by the daemon, run by a
    worker the code server starts, and writes the lake: here it publishes the lake's state again."""
    code_port, web_port = free_port(), free_port()
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        f"load_from:\n  - grpc_server: {{host: 127.0.0.1, port: {code_port}, location_name: {LOCATION}}}\n"
    )
    bin_dir = Path(sys.executable).parent
    commands = {
        "code_server": [str(bin_dir / "dagster"), "code-server", "start", "-h", "127.0.0.1", "-p", str(code_port),
                        "-m", "dagster_project.definitions", "-a", "defs", "--location-name", LOCATION],
        "webserver": [str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(web_port), "-w", str(workspace)],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace)],
    }
    url = f"http://127.0.0.1:{web_port}"
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    health_check = [str(bin_dir / "dagster"), "api", "grpc-health-check", "-h", "127.0.0.1", "-p", str(code_port)]
    services = {}
    try:
        for name, command in commands.items():
            services[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=server_run.environment, stdout=logs[name].open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
            if name == "code_server":  # the webserver and the daemon load the code location from it at start
                wait_for(lambda: subprocess.run(health_check, capture_output=True).returncode == 0, "code server",
                         services[name], logs[name], SERVICE_TIMEOUT_SECONDS)
        wait_for(lambda: answers(url), "webserver", services["webserver"], logs["webserver"], SERVICE_TIMEOUT_SECONDS)
        # The daemon's heartbeats reach the webserver only through PostgreSQL.
        wait_for(lambda: daemons_healthy(url), "healthy daemons", services["daemon"], logs["daemon"],
                 SERVICE_TIMEOUT_SECONDS)
        runs = graphql(url, RUNS)["runsOrError"]["results"]
        assert {"runId": server_run.run_id, "status": "SUCCESS"} in runs  # materialize's run, recorded elsewhere
        launched = graphql(url, LAUNCH_RUN, {"params": {
            "selector": {"repositoryLocationName": LOCATION, "repositoryName": "__repository__",
                         "jobName": "__ASSET_JOB", "assetSelection": [{"path": PUBLISH_ASSET}]},
            "mode": "default",
        }})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        instance = server_run.instance
        run = wait_for(lambda: finished(instance, run_id), "the launched run to end", services["daemon"],
                       logs["daemon"], SERVICE_TIMEOUT_SECONDS)
        other_runs = {r.run_id for r in instance.get_runs()} - {server_run.run_id, run_id}
    finally:
        for process in services.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in services.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert run.status == dg.DagsterRunStatus.SUCCESS, logs["daemon"].read_text()[-3000:]
    # The code server announces each run worker it starts (the only code server of this workspace).
    workers = [e.dagster_event.engine_event_data.metadata["pid"].value
               for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
               if e.dagster_event.message.startswith("Started process for run")]
    assert len(workers) == 1 and int(workers[0]) not in {p.pid for p in services.values()}
    assert other_runs == set()  # the daemon's schedule and sensors found nothing to do
    with server_run.settings.lake.connect(read_only=True) as con:
        (latest,) = con.execute(
            "select run_id from meta.publications order by snapshot_id desc limit 1"
        ).fetchone()
    assert latest == run_id
