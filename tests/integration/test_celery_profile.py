"""The scale-out profile end to end (issue 13): refresh_all through Celery workers, and a worker killed.

Everything a team would run on several machines is started here on loopback, each "machine"
a process with its own WAREHOUSE_DIR: a private PostgreSQL (the lake's catalog and Dagster's
instance, tests/helpers/postgres_server.py), a Redis server as the Celery broker
(tests/helpers/redis_server.py), two Celery workers with one process each (the command `make
worker` runs), and `python -m dagster_project.cli.run --parallel` with
`WAREHOUSE_EXECUTOR=celery`, which puts every step on the broker. The raw folder is the real
data, all 17 WIOD 2013 years and the indicator files, synced from the mirror here as `make data`
syncs it (so that the set-up does not wait for the session's `make run`); the warehouse the
workers build must be identical to the one the README's `make run` built from the same data
(conftest.real_warehouse: the embedded default, one process, SQLite catalog).

One set-up serves the module: the second run's worker is SIGKILLed (its whole process group)
while it stages a year, and the run must fail clearly, within the bounded wait, with the
published state unchanged (dagster_project/instance/celery_workers.py says why this outcome).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.cli.data_sync import sync_mirror
from dagster_project.releases import registry
from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.publish import PUBLISHED_SCHEMAS
from tests.helpers.celery_worker import STAGE_PREFIX, start_worker, step_workers, stop, wait_until_ready
from tests.helpers.redis_server import redis_server
from tests.helpers.warehouse import SHARED_DATA, checksums, table_checksums
from tests.integration.test_server_profile import INSTANCE_SETTINGS, SERVER_INSTANCE, server_environment, wait_for

ROLE, PASSWORD = "scale_out", "steps-on-workers"
LAKE_DB, DAGSTER_DB = "celery_lake", "celery_dagster"  # beside the other modules' on the session server
WORKERS = ("w1", "w2")
YEARS = tuple(range(1995, 2012))  # every year of WIOD 2013
RUN_TIMEOUT_SECONDS = 1100
# The bounded wait for a dead worker, shortened for the test (the default is 60 s).
SILENCE_SECONDS = 20
WORKER_START_SECONDS = 120


@dataclass
class ScaleOut:
    settings: Settings  # the lake and folders of the process that runs the job
    environment: dict[str, str]
    workers: dict[str, subprocess.Popen]  # name -> its process group leader
    hostname: dict[str, str]  # name -> the Celery worker name (name@host)
    instance: dg.DagsterInstance
    root: Path
    returncode: int
    log: str
    run_id: str


def latest_run_id(instance: dg.DagsterInstance, after: set[str]) -> str | None:
    runs = [r.run_id for r in instance.get_runs(limit=5) if r.run_id not in after]
    return runs[0] if runs else None


@pytest.fixture(scope="module")
def scale_out(postgres, tmp_path_factory) -> Iterator[ScaleOut]:  # noqa: F811
    root = tmp_path_factory.mktemp("celery_profile")
    raw = root / "raw"
    synced = sync_mirror(SHARED_DATA, raw)
    assert not synced.errors, synced.errors
    assert tuple(registry.available_years(raw)) == YEARS

    postgres.create_role(ROLE, PASSWORD)
    postgres.create_database(LAKE_DB, owner=ROLE)
    postgres.create_database(DAGSTER_DB, owner=ROLE)
    settings = Settings(
        data_mirror=SHARED_DATA, raw_dir=raw, warehouse_dir=root / "runner",
        catalog=f"postgres:{postgres.dsn(LAKE_DB, user=ROLE)}", data_path=f"{root / 'lake_data'}/",
    )
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(SERVER_INSTANCE, home)
    with redis_server() as broker, contextlib.ExitStack() as stack:
        environment = {
            **server_environment(settings, home, postgres.host, postgres.port, ROLE, PASSWORD, DAGSTER_DB),
            "WAREHOUSE_EXECUTOR": "celery", "CELERY_BROKER_URL": broker,
            "STEP_OUTPUTS_DIR": str(root / "shared_step_outputs"),
            "CELERY_WORKER_SILENCE_SECONDS": str(SILENCE_SECONDS),
        }
        workers = {}
        for name in WORKERS:  # each "machine" with its own warehouse folder (staging, logs)
            log = root / f"{name}.log"
            workers[name] = start_worker(name, {**environment, "WAREHOUSE_DIR": str(root / name)}, log)
            stack.callback(stop, workers[name])
        for name in WORKERS:
            wait_until_ready(name, workers[name], root / f"{name}.log", WORKER_START_SECONDS)
        hostname = {name: f"{name}@{os.uname().nodename}" for name in WORKERS}
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for name in INSTANCE_SETTINGS:
            patch.setenv(name, environment[name])
        instance = stack.enter_context(dg.DagsterInstance.get())
        log = root / "run.log"
        run = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.cli.run", "--parallel"], cwd=PROJECT_ROOT, env=environment,
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        stack.callback(stop, run)
        returncode = run.wait(timeout=RUN_TIMEOUT_SECONDS)
        (record,) = instance.get_run_records()
        yield ScaleOut(settings, environment, workers, hostname, instance, root, returncode, log.read_text(),
                       record.dagster_run.run_id)


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
    other = next(n for n in WORKERS if n != name)
    assert scale_out.workers[other].poll() is None  # the other worker is still serving
