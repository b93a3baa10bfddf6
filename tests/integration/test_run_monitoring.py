"""A run whose worker process is killed is failed by run monitoring and its pool slot freed.

Issue 17, item 11: a run launched from the UI or the daemon whose run worker is killed kept its
`dbt_lake` slot, and every later dbt build waited for it. Under a live code server,
Dagster's code server fails the run but nothing freed the slot of the ended run; with the code
server gone too (`dagster dev` killed outright) the run stayed STARTED. On a temporary
DAGSTER_HOME with dagster_home/dagster.yaml, runs are launched through the instance's run
launcher from a real code server, and one iteration of Dagster's run monitoring and one of its
concurrency-slot check (what `dagster dev`'s daemon runs every poll interval) must fail such a
run, free its slot for the run waiting on it, and leave runs whose worker lives alone.
"""

import datetime
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import EngineEventData
from dagster._core.test_utils import create_run_for_test, poll_for_finished_run
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import PythonFileTarget
from dagster._daemon.monitoring import concurrency as concurrency_daemon
from dagster._daemon.monitoring.concurrency import execute_concurrency_slots_iteration
from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration

from dagster_project.defs.resources import DBT_POOL
from dagster_project.instance.run_launcher import MAKE_RUN_TAG, WORKER_HOST_TAG, LocalRunLauncher, process_alive
from dagster_project.settings import PROJECT_ROOT

INSTANCE_CONFIG = PROJECT_ROOT / "dagster_home" / "dagster.yaml"
LOCATION = "run_monitoring_test"
LOGGER = logging.getLogger("run_monitoring_test")
STARTED, FAILURE = dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.FAILURE

# A code location with one warehouse step: it claims the pool's slot and holds it for the
# seconds in the run's `hold_seconds` tag, in the run worker's own process (in-process executor).
JOB_FILE = f"""
import time

import dagster as dg


@dg.op(pool={DBT_POOL!r})
def write_warehouse(context):
    time.sleep(float(context.run.tags["hold_seconds"]))


@dg.job(executor_def=dg.in_process_executor)
def warehouse_job():
    write_warehouse()


defs = dg.Definitions(jobs=[warehouse_job])
"""


@pytest.fixture
def instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def monitor(context: WorkspaceProcessContext) -> None:
    """One iteration of the run monitoring daemon."""
    errors = [error for error in execute_run_monitoring_iteration(context, LOGGER) if error]
    assert not errors, [error.to_string() for error in errors]


def free_ended_runs_slots(context: WorkspaceProcessContext, seconds_later: float = 0) -> None:
    """One iteration of the daemon's concurrency-slot check, `seconds_later` from now."""
    now = concurrency_daemon.get_current_datetime
    with pytest.MonkeyPatch.context() as patch:
        later = datetime.timedelta(seconds=seconds_later)
        patch.setattr(concurrency_daemon, "get_current_datetime", lambda: now() + later)
        errors = [error for error in execute_concurrency_slots_iteration(context, LOGGER) if error]
    assert not errors, [error.to_string() for error in errors]


def slot_delay(instance: dg.DagsterInstance) -> float:
    """free_slots_after_run_end_seconds (unset: the daemon never frees an ended run's slots)."""
    return instance.run_monitoring_settings.get("free_slots_after_run_end_seconds") or 0


def slot_holders(instance: dg.DagsterInstance) -> set[str]:
    return {slot.run_id for slot in instance.event_log_storage.get_concurrency_info(DBT_POOL).claimed_slots}


def waiting_for_slot(instance: dg.DagsterInstance) -> set[str]:
    return instance.event_log_storage.get_concurrency_info(DBT_POOL).pending_run_ids


def failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    (entry,) = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return entry.dagster_event.message


def worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid the code server's run worker recorded ("Started process for run (pid: N).")."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        if entry.dagster_event.message.startswith("Started process for run"):
            return int(entry.dagster_event.engine_event_data.metadata["pid"].value)
    return None


def gone(pid: int) -> bool:
    """No such process, or a zombie (killed, not yet reaped by the code server)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@pytest.fixture
def code_location(instance, tmp_path):
    """A code server for JOB_FILE, as `dagster dev` starts one; yields its context and a `launch` function."""
    (tmp_path / "warehouse_job.py").write_text(JOB_FILE)
    target = PythonFileTarget(
        python_file=str(tmp_path / "warehouse_job.py"), attribute=None,
        working_directory=str(tmp_path), location_name=LOCATION,
    )
    launched = []

    def launch(hold_seconds: int) -> str:
        """Launch `warehouse_job` through the instance's run launcher, as the UI and the daemon do."""
        workspace = context.create_request_context()
        job = workspace.get_code_location(LOCATION).get_repository("__repository__").get_full_job("warehouse_job")
        run = create_run_for_test(
            instance, job_name="warehouse_job", tags={"hold_seconds": str(hold_seconds)},
            remote_job_origin=job.get_remote_origin(), job_code_origin=job.get_python_origin(),
        )
        instance.launch_run(run.run_id, workspace)
        launched.append(run.run_id)
        return run.run_id

    with WorkspaceProcessContext(instance, target) as context:
        try:
            yield context, launch
        finally:
            for run_id in launched:  # no run worker outlives a failed test
                run = instance.get_run_by_id(run_id)
                if not run.is_finished and (pid := worker_pid(instance, run_id)) and not gone(pid):
                    os.kill(pid, signal.SIGKILL)


def hold_slot_and_wait(instance, launch) -> tuple[str, str]:
    """Launch a run whose step holds the slot, then one whose step waits for it; both STARTED."""
    holder = launch(hold_seconds=600)
    wait_for(lambda: slot_holders(instance) == {holder}, 60, "the first run's step to claim the slot")
    waiting = launch(hold_seconds=0)
    wait_for(lambda: waiting in waiting_for_slot(instance), 60, "the second run's step to wait for the slot")
    assert instance.get_run_by_id(waiting).status == STARTED
    pid = worker_pid(instance, holder)
    assert pid and not gone(pid), "the first run's worker is a live process"
    return holder, waiting


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_run_whose_worker_died_with_its_code_server_is_failed_and_its_slot_freed(instance, code_location):
    """`dagster dev` killed outright (or its code server gone): nothing is left to see the worker die."""
    context, launch = code_location
    killed, waiting = hold_slot_and_wait(instance, launch)
    pid = worker_pid(instance, killed)
    code_server = parent_pid(pid)
    assert "grpc" in Path(f"/proc/{code_server}/cmdline").read_text()
    os.kill(code_server, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: gone(pid), 10, f"run worker {pid} to die")
    time.sleep(1)  # time enough for anything watching the worker to report it
    assert instance.get_run_by_id(killed).status == STARTED  # nothing reported its end

    monitor(context)
    assert instance.get_run_by_id(killed).status == FAILURE
    assert instance.get_run_by_id(killed).tags[WORKER_HOST_TAG] == socket.gethostname()
    message = failure_message(instance, killed)
    assert f"run worker process {pid} on host {socket.gethostname()} is gone (killed or crashed)" in message
    # The second run's worker is alive (waiting for the slot): left alone.
    assert instance.get_run_by_id(waiting).status == STARTED

    # The slot of an ended run is freed once free_slots_after_run_end_seconds have passed.
    free_ended_runs_slots(context)
    assert slot_holders(instance) == {killed}
    free_ended_runs_slots(context, seconds_later=slot_delay(instance) + 1)
    assert killed not in slot_holders(instance)

    # The warehouse step that waited for it now runs.
    assert poll_for_finished_run(instance, waiting, timeout=60).status == dg.DagsterRunStatus.SUCCESS
    assert not slot_holders(instance) and not waiting_for_slot(instance)


def test_a_run_whose_worker_was_killed_under_a_live_code_server_has_its_slot_freed(instance, code_location):
    """The code server fails a run whose worker it started and saw die; the run's slot is freed after it ends."""
    context, launch = code_location
    killed, waiting = hold_slot_and_wait(instance, launch)
    os.kill(worker_pid(instance, killed), signal.SIGKILL)
    wait_for(lambda: instance.get_run_by_id(killed).status == FAILURE, 30, "the code server to fail the run")
    monitor(context)
    assert instance.get_run_by_id(waiting).status == STARTED
    assert slot_holders(instance) == {killed}  # failed, but its slot still claimed

    free_ended_runs_slots(context, seconds_later=slot_delay(instance) + 1)
    assert killed not in slot_holders(instance)
    assert poll_for_finished_run(instance, waiting, timeout=60).status == dg.DagsterRunStatus.SUCCESS


@pytest.fixture
def processes():
    """Start `sleep` processes; `dead=True` ones are killed and reaped, `zombie=True` ones killed only."""
    started = []

    def start(dead: bool = False, zombie: bool = False) -> int:
        process = subprocess.Popen(["sleep", "120"])
        started.append(process)
        if dead or zombie:
            process.kill()
        if dead:
            process.wait()
        if zombie:
            wait_for(lambda: gone(process.pid), 10, "the killed process to become a zombie")
        return process.pid

    yield start
    for process in started:
        process.kill()
        process.wait()


def started_run(instance: dg.DagsterInstance, tags: dict[str, str], worker: int | None = None, steps=()) -> str:
    """A STARTED run holding a `dbt_lake` slot, with the engine events its processes would have written."""
    run = create_run_for_test(instance, job_name="warehouse_job", status=STARTED, tags=tags)
    if worker:  # as the code server's run worker does (dagster/_grpc/impl.py)
        message = f"Started process for run (pid: {worker})."
        instance.report_engine_event(message, run, EngineEventData.in_process(worker))
    for pid in steps:  # as the multiprocess executor's step processes do
        instance.report_dagster_event(
            dg.DagsterEvent(
                dg.DagsterEventType.STEP_WORKER_STARTED.value, job_name=run.job_name,
                event_specific_data=EngineEventData(metadata={"pid": dg.MetadataValue.text(str(pid))}),
                message='Executing step "write_warehouse" in subprocess.', step_key="write_warehouse",
            ),
            run.run_id,
        )
    instance.event_log_storage.claim_concurrency_slot(DBT_POOL, run.run_id, "write_warehouse")
    return run.run_id


def test_only_runs_whose_process_is_gone_from_this_host_are_failed(instance, processes):
    here = {WORKER_HOST_TAG: socket.gethostname()}
    dead = processes(dead=True)
    runs = {
        "dead worker": (started_run(instance, here, worker=dead), FAILURE),
        "killed worker not yet reaped": (started_run(instance, here, worker=processes(zombie=True)), FAILURE),
        "live worker": (started_run(instance, here, worker=processes()), STARTED),
        "dead worker, step process still running": (
            started_run(instance, here, worker=dead, steps=[processes(dead=True), processes()]), STARTED,
        ),
        "dead worker, step processes gone": (
            started_run(instance, here, worker=dead, steps=[processes(dead=True)]), FAILURE,
        ),
        "dead pid on another host": (
            started_run(instance, {WORKER_HOST_TAG: "another-host.invalid"}, worker=dead), STARTED,
        ),
        "no host recorded (code server not local)": (started_run(instance, {}, worker=dead), STARTED),
        "`make run` process gone": (started_run(instance, {MAKE_RUN_TAG: f"{socket.gethostname()}:{dead}"}), FAILURE),
        "`make run` process alive": (
            started_run(instance, {MAKE_RUN_TAG: f"{socket.gethostname()}:{os.getpid()}"}), STARTED,
        ),
    }
    with WorkspaceProcessContext(instance, None) as context:
        monitor(context)
        status = {case: instance.get_run_by_id(run_id).status for case, (run_id, _) in runs.items()}
        assert status == {case: expected for case, (_, expected) in runs.items()}
        assert "`make run` process" in failure_message(instance, runs["`make run` process gone"][0])
        assert "is gone (killed or crashed)" in failure_message(instance, runs["dead worker"][0])

        # Failing a run leaves its claims; the concurrency check drops the failed runs' and keeps the live runs'.
        assert instance.event_log_storage.get_concurrency_run_ids() == {run_id for run_id, _ in runs.values()}
        free_ended_runs_slots(context, seconds_later=slot_delay(instance) + 1)
        live = {run_id for run_id, expected in runs.values() if expected == STARTED}
        assert instance.event_log_storage.get_concurrency_run_ids() == live


def test_a_pid_recorded_before_its_process_started_belongs_to_another_process(processes):
    pid = processes()
    assert process_alive(pid, since=time.time())
    assert not process_alive(pid, since=time.time() - 3600)  # the worker that had this pid is gone


def test_the_instance_loads_with_run_monitoring_and_the_health_checking_launcher(instance):
    assert isinstance(instance.run_launcher, LocalRunLauncher)
    assert instance.run_launcher.supports_check_run_worker_health
    assert instance.run_monitoring_enabled and "MONITORING" in instance.get_required_daemon_types()
    assert instance.run_monitoring_max_resume_run_attempts == 0
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
