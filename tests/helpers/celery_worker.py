"""Celery workers of the scale-out profile started as `make worker` starts them, for the tests and the bench.

Each worker is its own process group (a "machine"): `stop` kills the group, the worker's
parent and the process that runs its steps, whatever state they are in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from dagster_project.settings import PROJECT_ROOT

READY = " ready."  # what a worker logs once it takes tasks
STAGE_PREFIX = "wiod_tables.stage_io_year["  # the step keys of the yearly staging steps


def start_worker(name: str, environment: dict[str, str], log: Path) -> subprocess.Popen:
    """`make worker WORKER_NAME=<name> WORKER_PROCESSES=1`'s command, in its own process group."""
    command = [str(Path(sys.executable).parent / "celery"), "-A", "dagster_project.instance.worker", "worker",
               "--queues", "dagster", "--loglevel", "INFO", "--hostname", f"{name}@%h", "--concurrency", "1"]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until_ready(name: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Return once the worker logs that it is ready; RuntimeError if it ends or the time is up first."""
    deadline = time.monotonic() + timeout
    while READY not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            state = f"ended ({process.returncode})" if process.poll() is not None else f"not ready after {timeout:.0f} s"
            raise RuntimeError(f"Celery worker {name} {state}:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def step_workers(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """Step key -> the Celery worker that took it (dagster-celery's engine event in the worker)."""
    return {
        e.step_key: e.dagster_event.engine_event_data.metadata["Celery worker"].value
        for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
        if e.step_key and "Celery worker" in e.dagster_event.engine_event_data.metadata
    }
