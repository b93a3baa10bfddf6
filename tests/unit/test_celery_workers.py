"""The scale-out profile's settings and its bounded wait for a step whose worker is gone (no broker needed).

tests/integration/test_celery_profile.py runs the whole thing with Redis and two workers; here
the wait is driven by a fake clock, a fake Celery result and a fake ping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from celery.exceptions import TaskRevokedError

from dagster_project.instance import celery_workers
from dagster_project.instance.celery_workers import Heartbeats, WatchedResult, WorkerLost
from dagster_project.settings import Settings


@dataclass
class FakeResult:
    state: str = "PENDING"
    info: object = None
    done: bool = False
    revoked: bool = False

    def ready(self) -> bool:
        return self.done

    def failed(self) -> bool:
        return self.state == "FAILURE"

    def get(self):
        return ["events"]

    def revoke(self) -> None:
        self.revoked = True


@dataclass
class FakeControl:
    answering: set[str] = field(default_factory=set)
    pings: int = 0

    def ping(self, timeout: float):
        self.pings += 1
        return [{name: {"ok": "pong"}} for name in sorted(self.answering)]


@dataclass
class FakeApp:
    control: FakeControl = field(default_factory=FakeControl)


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(celery_workers.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(celery_workers, "WORKER_SILENCE_SECONDS", 30.0)
    return now


def test_a_started_step_whose_worker_stops_answering_ends_with_an_error_naming_it(clock):
    app = FakeApp(FakeControl({"w1@host", "w2@host"}))
    beats = Heartbeats(app)
    result = FakeResult("STARTED", {"hostname": "w1@host", "pid": 4242})
    watched = WatchedResult(result, beats, "wiod_tables.stage_io_year[2003]")
    assert not watched.ready()
    app.control.answering = {"w2@host"}  # w1 killed
    clock[0] += 29
    assert not watched.ready()  # 29 s: within the limit (pinged at 1000 and 1029)
    clock[0] += 1
    assert watched.ready()
    with pytest.raises(WorkerLost, match=r"stage_io_year\[2003\]: its worker w1@host \(pid 4242\) has not answered for 30 s"):
        watched.get()
    assert app.control.pings == 2  # at 1000 and 1029; at 1030 the last ping is too recent to repeat


def test_once_a_worker_is_lost_the_steps_nobody_took_are_withdrawn_and_running_ones_finish(clock):
    app = FakeApp(FakeControl({"w1@host", "w2@host"}))
    beats = Heartbeats(app)
    dead = WatchedResult(FakeResult("STARTED", {"hostname": "w1@host", "pid": 7}), beats, "year[1996]")
    running = WatchedResult(FakeResult("STARTED", {"hostname": "w2@host", "pid": 8}), beats, "year[1995]")
    queued = WatchedResult(FakeResult("PENDING"), beats, "year[1997]")
    assert not any(step.ready() for step in (dead, running, queued))
    app.control.answering = {"w2@host"}
    clock[0] += 30
    assert dead.ready()
    assert queued.ready() and queued.result.revoked
    with pytest.raises(TaskRevokedError, match=r"year\[1997\] withdrawn: step year\[1996\]: its worker w1@host"):
        queued.get()
    assert not running.ready() and not running.result.revoked  # w2 still answers: its step goes on


def test_a_task_that_died_in_its_worker_withdraws_the_queued_steps(clock):
    """The worker's parent saw its step process die (Celery's WorkerLostError): the task failed."""
    app = FakeApp(FakeControl({"w1@host"}))
    beats = Heartbeats(app)
    died = WatchedResult(FakeResult("FAILURE", "WorkerLostError('Worker exited prematurely: signal 9')", done=True),
                         beats, "year[1996]")
    queued = WatchedResult(FakeResult("PENDING"), beats, "year[1997]")
    assert died.ready() and queued.ready() and queued.result.revoked


def test_a_live_worker_keeps_its_step_waiting_and_its_result_is_returned(clock):
    app = FakeApp(FakeControl({"w1@host"}))
    result = FakeResult("STARTED", {"hostname": "w1@host", "pid": 1})
    watched = WatchedResult(result, Heartbeats(app), "step")
    for _ in range(20):
        clock[0] += 10
        assert not watched.ready()
    result.done = True
    assert watched.ready() and watched.get() == ["events"]


def test_pings_are_shared_by_the_steps_of_a_run_and_spaced(clock):
    app = FakeApp(FakeControl({"w1@host"}))
    beats = Heartbeats(app)
    steps = [WatchedResult(FakeResult(), beats, f"s{i}") for i in range(17)]
    for step in steps:
        step.ready()
    clock[0] += celery_workers.PING_EVERY_SECONDS - 0.1
    for step in steps:
        step.ready()
    assert app.control.pings == 1


def test_a_step_no_worker_took_fails_once_no_worker_answers(clock):
    app = FakeApp(FakeControl({"w1@host"}))
    beats = Heartbeats(app)
    waiting = WatchedResult(FakeResult("PENDING"), beats, "step")
    assert not waiting.ready()
    app.control.answering = set()  # every worker gone
    clock[0] += 30
    assert waiting.ready()
    with pytest.raises(WorkerLost, match="no Celery worker has answered for 30 s and none took the step"):
        waiting.get()


def test_the_celery_executor_needs_a_broker_and_a_known_executor_name():
    folders = {"data_mirror": Path("m"), "raw_dir": Path("r"), "warehouse_dir": Path("w")}
    with pytest.raises(ValueError, match="WAREHOUSE_EXECUTOR=celery needs CELERY_BROKER_URL"):
        Settings(**folders, executor="celery")
    with pytest.raises(ValueError, match="WAREHOUSE_EXECUTOR='dask': expected one of multiprocess, celery"):
        Settings(**folders, executor="dask")
    settings = Settings(**folders, executor="celery", celery_broker="redis://b:6379/0")
    assert settings.celery_backend == "redis://b:6379/0"  # results on the broker by default
    assert settings.step_outputs_dir == Path("w") / "staging"


def test_the_workers_app_uses_the_executors_broker_and_settings():
    settings = Settings(Path("m"), Path("r"), Path("w"), executor="celery", celery_broker="redis://b:6379/3")
    app = celery_workers.worker_app(settings)
    assert app.conf.broker_url == "redis://b:6379/3" and app.conf.result_backend == "redis://b:6379/3"
    assert app.conf.task_track_started and not app.conf.task_acks_late and app.conf.worker_disable_prefetch
    assert "execute_plan" in app.tasks
