"""Dagster's default run launcher, plus a check of whether a run's worker process is still alive.

`dagster dev` launches each run in a run worker process that its code server starts. Killed
outright, that process never reports the run's end. The code server fails the run when it sees
its worker die, but if the code server is gone too (`dagster dev` killed outright, the machine
restarted) nothing does: the run stays STARTED and the `dbt_lake` pool slot its dbt
step claimed stays claimed, so every later dbt step waits for it forever. Dagster's run
monitoring daemon (`run_monitoring` in dagster_home/dagster.yaml) fails such runs, and its
concurrency check then frees the slots of ended runs, but it fails a STARTED run only if the run
launcher can tell a dead worker (`check_run_worker_health`); the default launcher cannot. This
one can, for workers on the daemon's own host:

- the run worker records its pid in the run's engine event "Started process for run (pid: N)";
  the event does not say on which host, so `launch_run` tags the run with this host's name when
  the code server that starts the worker is local (loopback address or socket);
- a `make run` run is executed by the `make run` process itself, whose host:pid is in the tag
  `economic_warehouse/launcher` (dagster_project.cli.run.LAUNCHER_TAG).

A worker process that is gone (or a zombie, or whose pid now belongs to a newer process) is
FAILED, unless a step process of the run (multiprocess executor) is still running: it may be
writing the warehouse, so the run's slot is not given up before it exits. Whatever cannot be
judged here (another host, no pid recorded) is reported RUNNING: the daemon fails a run on any
other status, UNKNOWN included, and a live run must never be failed on a guess.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import NamedTuple

from dagster import DagsterEventType, DagsterRun, DefaultRunLauncher
from dagster._core.launcher import CheckRunHealthResult, LaunchRunContext, WorkerStatus

# The host the run worker runs on, when the launcher knows it (the code server is local).
WORKER_HOST_TAG = "economic_warehouse/run_worker_host"
# dagster_project.cli.run.LAUNCHER_TAG (not imported: the daemon and webserver load this module).
MAKE_RUN_TAG = "economic_warehouse/launcher"
# How the code server's run worker announces itself (dagster/_grpc/impl.py).
WORKER_STARTED_MESSAGE = "Started process for run (pid:"
# A process that started this long after its pid was recorded is another process with a reused pid.
PID_REUSE_SLACK_SECONDS = 10.0
WORKER_CACHE_SIZE = 1000
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class Process(NamedTuple):
    host: str
    pid: int
    since: float  # when the pid was recorded (the process started before that)
    what: str


class LocalRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose run worker health the run monitoring daemon can check (same host only)."""

    def __init__(self, inst_data=None):
        super().__init__(inst_data=inst_data)
        self._workers: dict[str, Process] = {}

    def launch_run(self, context: LaunchRunContext) -> None:
        if self.has_instance and _code_server_is_local(context):
            self._instance.add_run_tags(context.dagster_run.run_id, {WORKER_HOST_TAG: socket.gethostname()})
        super().launch_run(context)

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        worker = self._worker(run)
        if worker is None:
            return CheckRunHealthResult(
                WorkerStatus.RUNNING, "no run worker pid and host recorded: cannot tell, left to run"
            )
        here = socket.gethostname()
        if worker.host != here:
            return CheckRunHealthResult(
                WorkerStatus.RUNNING,
                f"{worker.what} {worker.pid} runs on host {worker.host}, not {here}: cannot tell, left to run",
            )
        if process_alive(worker.pid, worker.since):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"{worker.what} {worker.pid} is alive")
        steps = [pid for pid, since in self._step_processes(run) if process_alive(pid, since)]
        if steps:
            return CheckRunHealthResult(
                WorkerStatus.RUNNING,
                f"{worker.what} {worker.pid} is gone but its step process(es) {', '.join(map(str, steps))}"
                " still run: waiting for them to exit",
            )
        self._workers.pop(run.run_id, None)
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"{worker.what} {worker.pid} on host {worker.host} is gone (killed or crashed); "
            "run monitoring frees the failed run's pool slots",
        )

    def _worker(self, run: DagsterRun) -> Process | None:
        """The process executing `run` (cached: it never changes once recorded)."""
        if run.run_id in self._workers:
            return self._workers[run.run_id]
        worker = None
        host = run.tags.get(WORKER_HOST_TAG)
        if host:
            for entry in self._instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
                event = entry.dagster_event
                if event and (event.message or "").startswith(WORKER_STARTED_MESSAGE):
                    pid = _pid(event)
                    if pid:  # the last one counts
                        worker = Process(host, pid, entry.timestamp, "run worker process")
        elif MAKE_RUN_TAG in run.tags:
            host, _, pid = run.tags[MAKE_RUN_TAG].partition(":")
            record = self._instance.get_run_record_by_id(run.run_id)
            if host and pid.isdigit() and record:
                worker = Process(host, int(pid), record.create_timestamp.timestamp(), "`make run` process")
        if worker:
            if len(self._workers) >= WORKER_CACHE_SIZE:  # runs that ended normally are never popped
                self._workers.clear()
            self._workers[run.run_id] = worker
        return worker

    def _step_processes(self, run: DagsterRun) -> list[tuple[int, float]]:
        """The step processes the run started (multiprocess executor), with when each was recorded."""
        processes = []
        for entry in self._instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_WORKER_STARTED):
            pid = _pid(entry.dagster_event)
            if pid:
                processes.append((pid, entry.timestamp))
        return processes


def _pid(event) -> int | None:
    data = event.engine_event_data if event else None
    value = data.metadata.get("pid") if data and data.metadata else None
    text = str(getattr(value, "value", value) or "")
    return int(text) if text.isdigit() else None


def _code_server_is_local(context: LaunchRunContext) -> bool:
    """Whether the code server that will start the run worker runs on this host."""
    from dagster._core.remote_representation.code_location import GrpcServerCodeLocation

    origin = context.dagster_run.remote_job_origin
    if context.workspace is None or origin is None:
        return False
    try:
        location = context.workspace.get_code_location(origin.repository_origin.code_location_origin.location_name)
    except Exception:
        return False  # the default launcher reports why it cannot launch
    if not isinstance(location, GrpcServerCodeLocation):
        return False
    client = location.client
    if client.socket:
        return True  # a Unix socket is always local
    host = (client.host or "").lower()
    if host in LOOPBACK_NAMES or host in {socket.gethostname().lower(), socket.getfqdn().lower()}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def process_alive(pid: int, since: float | None = None) -> bool:
    """Whether process `pid` exists and is not a zombie, and (with `since`) is not a newer process reusing the pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, under another user
    state, started = _proc_stat(pid)
    if state in {"Z", "X", "x"}:
        return False  # killed, not yet reaped by its parent
    return not (since is not None and started is not None and started > since + PID_REUSE_SLACK_SECONDS)


def _proc_stat(pid: int) -> tuple[str | None, float | None]:
    """State and start time (epoch seconds) of `pid` from /proc (Linux); (None, None) where unavailable."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None, None
    try:
        with open("/proc/stat") as f:
            boot = next(float(line.split()[1]) for line in f if line.startswith("btime "))
        return fields[0], boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, IndexError, ValueError):
        return fields[0], None
