"""Waiting on processes under test, and Dagster's webserver, daemon and code server started as separate machines would run them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.settings import PROJECT_ROOT

LOCATION = "economic_warehouse"
SERVICE_TIMEOUT_SECONDS = 300
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
RUNS = "{ runsOrError { ... on Runs { results { runId status } } } }"
DAEMON_HEALTH = "{ instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }"


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


@contextmanager
def webserver_daemon_and_code_server(environment: dict[str, str], folder: Path) -> Iterator[tuple[str, dict, dict]]:
    """A code server (where run workers start), the webserver and the daemon, each loading the code
    location from the same settings, on loopback: (the webserver's URL, the processes, their logs).

    The webserver and the daemon load the location from the code server, so it starts first; the
    daemon's heartbeats reach the webserver only through the instance's database.
    """
    code_port, web_port = free_port(), free_port()
    workspace = folder / "workspace.yaml"
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
    logs = {name: folder / f"{name}.log" for name in commands}
    health_check = [str(bin_dir / "dagster"), "api", "grpc-health-check", "-h", "127.0.0.1", "-p", str(code_port)]
    services = {}
    try:
        for name, command in commands.items():
            services[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=environment, stdout=logs[name].open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
            if name == "code_server":
                wait_for(lambda: subprocess.run(health_check, capture_output=True).returncode == 0, "code server",
                         services[name], logs[name], SERVICE_TIMEOUT_SECONDS)
        wait_for(lambda: answers(url), "webserver", services["webserver"], logs["webserver"], SERVICE_TIMEOUT_SECONDS)
        wait_for(lambda: daemons_healthy(url), "healthy daemons", services["daemon"], logs["daemon"],
                 SERVICE_TIMEOUT_SECONDS)
        yield url, services, logs
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
