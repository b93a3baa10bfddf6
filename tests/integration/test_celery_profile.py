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
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.releases import registry
from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.publish import PUBLISHED_SCHEMAS
from tests.helpers.celery_worker import STAGE_PREFIX, step_workers, stop, wait_until_ready
from tests.helpers.warehouse import SHARED_DATA, bare_shell, checksums, table_checksums
from tests.integration.test_server_profile import INSTANCE_SETTINGS, wait_for

YEARS = tuple(range(1995, 2012))  # every year of WIOD 2013
RUN_TIMEOUT_SECONDS = 1100
# The bounded wait for a dead worker, shortened for the test (the default is 60 s).
SILENCE_SECONDS = 20
WORKER_START_SECONDS = 120
SETUP_TIMEOUT_SECONDS = 600
README_HEADING = "**One machine, PostgreSQL and Redis on loopback**"
STOP_SERVERS = [sys.executable, "-m", "dagster_project.cli.scale_out", "stop"]


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


def latest_run_id(instance: dg.DagsterInstance, after: set[str]) -> str | None:
    runs = [r.run_id for r in instance.get_runs(limit=5) if r.run_id not in after]
    return runs[0] if runs else None


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
        returncode = run.wait(timeout=RUN_TIMEOUT_SECONDS)
        (record,) = instance.get_run_records()
        yield ScaleOut(settings, {**environment, "WAREHOUSE_DIR": str(settings.warehouse_dir)}, workers, hostname,
                       instance, root, returncode, log.read_text(), record.dagster_run.run_id)


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
    other = next(n for n in scale_out.workers if n != name)
    assert scale_out.workers[other].poll() is None  # the other worker is still serving
